/**
 * Folds streamed chat-completion chunks into one turn (docs/reference/kimi-api.md#tool-calls): tool calls are built
 * by `index` (id and name arrive once, arguments in fragments), `reasoning_content` is kept
 * apart, and usage is read from inside the choice where Kimi puts it (#streaming). Chunks are typed
 * `unknown` because Kimi's fields are not in the SDK's types.
 */
import type { TokenUsage } from '../agent/events';
import type { ChatTurn, ToolCall } from './types';

interface PartialCall {
  id?: string;
  name?: string;
  args: string;
}

function rec(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function parseUsage(v: unknown): TokenUsage | undefined {
  const u = rec(v);
  if (!u) {
    return undefined;
  }
  const prompt = typeof u.prompt_tokens === 'number' ? u.prompt_tokens : 0;
  const completion = typeof u.completion_tokens === 'number' ? u.completion_tokens : 0;
  const total = typeof u.total_tokens === 'number' ? u.total_tokens : prompt + completion;
  // Kimi puts cache hits in `cached_tokens` (docs/reference/kimi-api.md#pricing); OpenAI-style servers nest them.
  const details = rec(u.prompt_tokens_details);
  const cached = typeof u.cached_tokens === 'number' ? u.cached_tokens : typeof details?.cached_tokens === 'number' ? details.cached_tokens : undefined;
  return { promptTokens: prompt, completionTokens: completion, totalTokens: total, ...(cached === undefined ? {} : { cachedTokens: cached }) };
}

export class StreamAssembler {
  private content = '';
  private reasoning = '';
  private readonly calls: PartialCall[] = [];
  private finishReason: string | null = null;
  private usage: TokenUsage | undefined;
  /** True once any text, reasoning or tool fragment arrived: such a turn is never retried silently. */
  sawOutput = false;

  constructor(private readonly handlers: { onTextDelta?(t: string): void; onReasoningDelta?(t: string): void } = {}) {}

  add(chunk: unknown): void {
    const c = rec(chunk);
    if (!c) {
      return;
    }
    const top = parseUsage(c.usage);
    if (top) {
      this.usage = top;
    }
    const choices = Array.isArray(c.choices) ? c.choices : [];
    for (const raw of choices) {
      const choice = rec(raw);
      // The agent asks for one choice (n = 1); anything else would be a different answer.
      if (!choice || (typeof choice.index === 'number' && choice.index !== 0)) {
        continue;
      }
      this.addDelta(rec(choice.delta));
      const usage = parseUsage(choice.usage);
      if (usage) {
        this.usage = usage;
      }
      const finish = str(choice.finish_reason);
      if (finish) {
        this.finishReason = finish;
      }
    }
  }

  private addDelta(delta: Record<string, unknown> | undefined): void {
    if (!delta) {
      return;
    }
    const reasoning = str(delta.reasoning_content);
    if (reasoning) {
      this.reasoning += reasoning;
      this.sawOutput = true;
      this.handlers.onReasoningDelta?.(reasoning);
    }
    const text = str(delta.content);
    if (text) {
      this.content += text;
      this.sawOutput = true;
      this.handlers.onTextDelta?.(text);
    }
    const toolCalls = Array.isArray(delta.tool_calls) ? delta.tool_calls : [];
    for (const rawCall of toolCalls) {
      const tc = rec(rawCall);
      if (!tc) {
        continue;
      }
      const index = typeof tc.index === 'number' ? tc.index : this.calls.length;
      const call = (this.calls[index] ??= { args: '' });
      const id = str(tc.id);
      if (id) {
        call.id = id;
      }
      const fn = rec(tc.function);
      const name = str(fn?.name);
      if (name) {
        call.name = name;
      }
      const args = str(fn?.arguments);
      if (args) {
        call.args += args;
      }
      // Tool-call fragments are not shown to the user (tools start only after a complete turn),
      // so a stream cut inside them may be retried like a network error.
    }
  }

  result(requestId?: string): ChatTurn {
    const complete = this.finishReason !== null;
    const toolCalls: ToolCall[] = [];
    if (complete) {
      this.calls.forEach((c, i) => {
        // A sparse index (a fragment that never came) leaves a hole; skip it instead of inventing a call.
        if (c) {
          toolCalls.push({ id: c.id ?? `call_${i}`, type: 'function', function: { name: c.name ?? '', arguments: c.args } });
        }
      });
    }
    return {
      content: this.content,
      reasoning: this.reasoning,
      toolCalls,
      finishReason: this.finishReason,
      usage: this.usage,
      complete,
      requestId,
    };
  }
}
