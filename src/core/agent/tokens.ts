/**
 * A cheap local token estimate, used to decide what history fits; when the budget is tight the
 * agent asks Kimi's tokenizer endpoint instead (docs/reference/kimi-api.md#token-counting). Errs on the high side: a
 * high estimate trims a little early, a low one gets a 400 "exceeded model token limit".
 */
import type { ChatMessage, ToolDefinition } from '../kimi/types';

/** Per-message framing (role markers etc.), a guess on the safe side. */
const MESSAGE_OVERHEAD = 6;
/** What Kimi counts for one image, whatever its size (docs/reference/kimi-api.md#vision). */
export const IMAGE_TOKENS = 1024;
// Han, kana and hangul: about one token per 1.5-2 characters in Kimi's tokenizer (docs/reference/kimi-api.md#endpoints-keys-and-models).
const WIDE = /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]/g;

export function estimateTextTokens(text: string): number {
  const wide = text.match(WIDE)?.length ?? 0;
  const narrow = text.length - wide;
  return Math.ceil(narrow / 3.2 + wide * 0.7);
}

export function estimateMessageTokens(m: ChatMessage): number {
  let n = MESSAGE_OVERHEAD + estimateTextTokens(m.content);
  if (m.role === 'assistant' && m.tool_calls) {
    for (const c of m.tool_calls) {
      n += MESSAGE_OVERHEAD + estimateTextTokens(c.function.name) + estimateTextTokens(c.function.arguments);
    }
  }
  if (m.role === 'tool') {
    n += estimateTextTokens(m.name);
  }
  if (m.role === 'user' && m.images) {
    n += m.images.length * IMAGE_TOKENS;
  }
  return n;
}

export function estimateMessagesTokens(messages: readonly ChatMessage[]): number {
  return messages.reduce((sum, m) => sum + estimateMessageTokens(m), 0);
}

/** Tool schemas count toward the context window too (docs/reference/kimi-api.md#tool-calls). */
export function estimateToolsTokens(tools: readonly ToolDefinition[]): number {
  return tools.length === 0 ? 0 : estimateTextTokens(JSON.stringify(tools));
}
