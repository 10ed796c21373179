/**
 * How many tokens a request's messages may use, and how they are counted. The window must hold the
 * prompt (messages and tool schemas) plus max_tokens, or Kimi answers 400 "exceeded model token
 * limit" (docs/reference/kimi-api.md#request-parameters); compaction starts earlier, at a share of
 * the window the user chooses.
 */
import { errorMessage, isAbortError } from '../errors';
import type { Logger } from '../logger';
import type { KimiClient } from '../kimi/kimiClient';
import { answerTokensFor, contextWindowFor } from '../kimi/models';
import type { ChatMessage, ToolDefinition } from '../kimi/types';
import { estimateMessagesTokens, estimateToolsTokens } from './tokens';

/** Compaction starts when a request would use more than this share of the window (Kimi's own CLI uses 85 %). */
export const DEFAULT_COMPACT_AT = 0.85;
/** Margin for what the local estimate cannot see (message framing differences). */
export const SAFETY_TOKENS = 512;
/** Above this share of the budget the local estimate is checked with Kimi's tokenizer. */
const TIGHT_BUDGET = 0.8;

export interface PromptBudget {
  readonly window: number;
  readonly answerTokens: number;
  readonly toolTokens: number;
  /** Tokens the messages may use before compaction starts. */
  readonly compactAt: number;
  /** Tokens the messages may use at most: past this the request fails. */
  readonly hard: number;
}

/** A share in (0, 1]; anything else (a typo, a percent given as 85) falls back to the default. */
export function compactShare(share: number | undefined): number {
  if (share !== undefined && share > 1 && share <= 100) {
    return share / 100;
  }
  return share !== undefined && share > 0 && share <= 1 ? share : DEFAULT_COMPACT_AT;
}

/** `toolTokens`: the tool schemas' size when Kimi's tokenizer counted it (requestBudget), else the local estimate. */
export function promptBudget(model: string, tools: readonly ToolDefinition[], share?: number, toolTokens = estimateToolsTokens(tools)): PromptBudget {
  const window = contextWindowFor(model);
  const answerTokens = answerTokensFor(model);
  const hard = window - answerTokens - toolTokens - SAFETY_TOKENS;
  return { window, answerTokens, toolTokens, hard, compactAt: Math.min(hard, Math.floor(window * compactShare(share)) - toolTokens) };
}

export type TokenCounter = (messages: readonly ChatMessage[]) => number;

export interface RequestBudget {
  readonly budget: PromptBudget;
  readonly count: TokenCounter;
}

/**
 * The budget and the counter for this request: the local estimate, scaled by Kimi's tokenizer when
 * the messages come close to the budget (where a wrong guess matters). Kimi's count is asked once
 * per request, for the messages and the tool schemas together (sent as the text of one more
 * message: the endpoint documents no `tools`), and the scale applies to both, so the two add up to
 * what Kimi counts: tool schemas are mostly punctuation, which the local estimate undercounts, and
 * eleven of them are a quarter of an 8k window. Without Kimi's count, the estimate gets a 20 % margin.
 */
export async function requestBudget(
  client: KimiClient,
  tools: readonly ToolDefinition[],
  share: number | undefined,
  all: readonly ChatMessage[],
  logger: Logger,
  signal?: AbortSignal,
): Promise<RequestBudget> {
  const local = promptBudget(client.model, tools, share);
  const localMessages = estimateMessagesTokens(all);
  if (localMessages <= local.compactAt * TIGHT_BUDGET) {
    return { budget: local, count: estimateMessagesTokens };
  }
  const toolsText: ChatMessage[] = tools.length > 0 ? [{ role: 'system', content: JSON.stringify(tools) }] : [];
  let scale: number;
  try {
    const exact = await client.estimateTokens(client.model, [...all, ...toolsText], signal);
    scale = Math.max(0.5, exact / Math.max(1, localMessages + estimateMessagesTokens(toolsText)));
  } catch (err) {
    if (isAbortError(err)) {
      throw err;
    }
    logger.debug(`Token estimate unavailable (${errorMessage(err)}); using the local estimate`);
    scale = 1.2;
  }
  return {
    budget: promptBudget(client.model, tools, share, Math.ceil(local.toolTokens * scale)),
    count: (m) => Math.ceil(estimateMessagesTokens(m) * scale),
  };
}
