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

export function promptBudget(model: string, tools: readonly ToolDefinition[], share?: number): PromptBudget {
  const window = contextWindowFor(model);
  const answerTokens = answerTokensFor(model);
  const toolTokens = estimateToolsTokens(tools);
  const hard = window - answerTokens - toolTokens - SAFETY_TOKENS;
  return { window, answerTokens, toolTokens, hard, compactAt: Math.min(hard, Math.floor(window * compactShare(share)) - toolTokens) };
}

export type TokenCounter = (messages: readonly ChatMessage[]) => number;

/**
 * A counter for this request: the local estimate, scaled by Kimi's tokenizer when the count is close
 * to `budget` (where a wrong guess matters). Kimi's count is asked once per request; without it,
 * the estimate gets a 20 % margin.
 */
export async function requestCounter(
  client: KimiClient,
  all: readonly ChatMessage[],
  budget: number,
  logger: Logger,
  signal?: AbortSignal,
): Promise<TokenCounter> {
  const local = estimateMessagesTokens(all);
  if (local <= budget * TIGHT_BUDGET) {
    return estimateMessagesTokens;
  }
  let scale: number;
  try {
    const exact = await client.estimateTokens(client.model, all, signal);
    scale = Math.max(0.5, exact / Math.max(1, local));
  } catch (err) {
    if (isAbortError(err)) {
      throw err;
    }
    logger.debug(`Token estimate unavailable (${errorMessage(err)}); using the local estimate`);
    scale = 1.2;
  }
  return (m) => Math.ceil(estimateMessagesTokens(m) * scale);
}
