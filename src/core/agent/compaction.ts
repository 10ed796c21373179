/**
 * Keeps a conversation inside the model's context window without dropping anything silently
 * (docs/agent-and-tools.md#memory). When a request would pass the compaction threshold: old tool results are
 * shortened first; if that is not enough, older turns are summarised by Kimi into one message that
 * keeps file paths, decisions and open questions (the docs' advice for long conversations,
 * docs/reference/kimi-api.md#conversation-state). Only when no summary can be made (an error,
 * offline) are old messages left out of the request, and the report says how many.
 */
import { randomUUID } from 'node:crypto';
import { AppError, errorMessage, isAbortError } from '../errors';
import { nullLogger, type Logger } from '../logger';
import type { KimiClient } from '../kimi/kimiClient';
import type { ChatMessage, ToolDefinition } from '../kimi/types';
import { requestBudget, SAFETY_TOKENS, type PromptBudget, type TokenCounter } from './contextBudget';
import type { CompactionReport, TokenUsage } from './events';
import type { ChatHistory } from './history';
import { FOLD_NOTE, SUMMARY_INSTRUCTIONS, summaryRequest, transcriptOf } from './summaryPrompt';
import { estimateTextTokens } from './tokens';
import { addUsage, ZERO_USAGE } from './usage';

/** Old tool results are shortened to this many characters (valid JSON kept, with a note). */
export const OLD_TOOL_RESULT_CHARS = 2_000;
/** A summary folds at most this many transcript pieces; older pieces are reported as left out. */
const MAX_SUMMARY_PIECES = 16;

export interface CompactorDeps {
  readonly client: KimiClient;
  readonly logger?: Logger;
  /** Share of the window at which compaction starts (default 85 %). */
  readonly compactAt?: number;
  /** Adds the cost to a response's usage; without it usage has tokens only. */
  readonly price?: (usage: TokenUsage, maxTokens: number) => TokenUsage;
  readonly newId?: () => string;
}

export interface FittedRequest {
  readonly messages: ChatMessage[];
  /** Tokens (and cost) of the summary requests made to fit this one. */
  readonly usage: TokenUsage;
  /** What was done, when anything was. */
  readonly report?: CompactionReport;
}

export interface CompactionResult {
  readonly report: CompactionReport;
  readonly usage: TokenUsage;
}

/** Tokens a summary may use: small enough to leave most of a small window to the conversation. */
function summaryTokens(window: number): number {
  return Math.max(256, Math.min(2_000, Math.floor(window / 8)));
}

export class Compactor {
  private readonly logger: Logger;

  constructor(private readonly deps: CompactorDeps) {
    this.logger = deps.logger ?? nullLogger;
  }

  /** The messages of the next request, compacting the history first when it would pass the threshold. */
  async fit(history: ChatHistory, tools: readonly ToolDefinition[], signal?: AbortSignal): Promise<FittedRequest> {
    const { budget, count } = await requestBudget(this.deps.client, tools, this.deps.compactAt, history.requestMessages(), this.logger, signal);
    let result: CompactionResult | undefined;
    if (count(history.requestMessages()) > budget.compactAt) {
      result = await this.compactWith(history, budget, count, false, signal);
    }
    const window = history.window({ maxPromptTokens: budget.hard, count });
    if (window.dropped > 0) {
      this.logger.warn(`Context: ${window.dropped} message(s) left out of the request to fit the window`);
    }
    const leftOut = window.dropped > 0 ? { leftOut: { messages: window.dropped, turns: window.droppedTurns } } : {};
    const report = result || window.dropped > 0 ? { ...(result?.report ?? { shortenedResults: 0, manual: false }), ...leftOut } : undefined;
    return { messages: window.messages, usage: result?.usage ?? ZERO_USAGE, ...(report ? { report } : {}) };
  }

  /** Compact Conversation: shortens old tool results and summarises earlier turns now. */
  async compactNow(history: ChatHistory, tools: readonly ToolDefinition[], signal?: AbortSignal): Promise<CompactionResult> {
    const { budget, count } = await requestBudget(this.deps.client, tools, this.deps.compactAt, history.requestMessages(), this.logger, signal);
    return this.compactWith(history, budget, count, true, signal);
  }

  private async compactWith(history: ChatHistory, budget: PromptBudget, count: TokenCounter, manual: boolean, signal?: AbortSignal): Promise<CompactionResult> {
    const starts = history.turnStarts();
    // During a run the last user message is the question being answered: it stays, with its rounds.
    const protectFrom = manual ? history.messages.length : (starts.at(-1) ?? history.messages.length);
    let shortenedResults = history.shortenToolResults(protectFrom, OLD_TOOL_RESULT_CHARS);
    const size = (): number => count(history.requestMessages());
    let usage = ZERO_USAGE;
    let summary: CompactionReport['summary'];
    let failure: string | undefined;
    if (manual || size() > budget.compactAt) {
      const end = this.summaryEnd(history, starts, protectFrom, budget, count);
      if (end > 0) {
        try {
          const text = await this.summarise(history.messages.slice(0, end), history.summary?.text, budget, (u) => (usage = addUsage(usage, u)), signal);
          const s = history.summarise(end, text, (this.deps.newId ?? randomUUID)());
          summary = { id: s.id, text, turns: s.turns, messages: end };
        } catch (err) {
          if (isAbortError(err)) {
            throw err;
          }
          failure = errorMessage(err);
          this.logger.warn(`Context: no summary could be made (${failure})`);
        }
      }
    }
    if (!manual && size() > budget.compactAt) {
      // The question's own earlier rounds are all that is left to shorten; the newest round stays whole.
      const lastRound = lastIndexWhere(history.messages, (m) => m.role === 'assistant' && (m.tool_calls?.length ?? 0) > 0);
      shortenedResults += history.shortenToolResults(lastRound, OLD_TOOL_RESULT_CHARS);
    }
    const report: CompactionReport = { shortenedResults, manual, ...(summary ? { summary } : {}), ...(failure ? { failure } : {}) };
    return { report, usage };
  }

  /**
   * Where the summary ends (a turn start): everything before the protected part, but the newest
   * one or two earlier turns stay verbatim when the rest would still leave half the budget free.
   */
  private summaryEnd(history: ChatHistory, starts: readonly number[], protectFrom: number, budget: PromptBudget, count: TokenCounter): number {
    const ends = [...starts.filter((s) => s > 0 && s < protectFrom), ...(protectFrom > 0 ? [protectFrom] : [])];
    let end = ends.at(-1) ?? 0;
    const system: ChatMessage = { role: 'system', content: history.systemPrompt };
    for (let keep = 1; keep <= 2 && ends.length - 1 - keep >= 0; keep++) {
      const candidate = ends[ends.length - 1 - keep];
      const after = count([system, ...history.messages.slice(candidate)]) + summaryTokens(budget.window);
      if (after > budget.compactAt / 2) {
        break;
      }
      end = candidate;
    }
    return end;
  }

  /** Asks Kimi for the summary, in pieces folded into each other when the turns do not fit one request. */
  private async summarise(messages: readonly ChatMessage[], earlier: string | undefined, budget: PromptBudget, onUsage: (u: TokenUsage) => void, signal?: AbortSignal): Promise<string> {
    const maxTokens = summaryTokens(budget.window);
    // Room for the transcript: the window less the answer, an earlier summary, the instructions and a margin for the local estimate.
    const room = Math.floor((budget.window - 2 * maxTokens - SAFETY_TOKENS - estimateTextTokens(SUMMARY_INSTRUCTIONS + FOLD_NOTE)) / 1.2);
    const pieces = split(messages.map(transcriptOf), room);
    if (pieces.length > MAX_SUMMARY_PIECES) {
      throw new AppError(`the earlier turns are too long to summarise (${pieces.length} parts)`);
    }
    let text = earlier;
    for (const piece of pieces) {
      const turn = await this.deps.client.chat({ messages: summaryRequest(piece, text), maxTokens }, {}, signal);
      onUsage(this.deps.price ? this.deps.price(turn.usage ?? ZERO_USAGE, maxTokens) : (turn.usage ?? ZERO_USAGE));
      if (!turn.complete || turn.content.trim() === '') {
        throw new AppError(turn.interrupted ? `the summary was cut off (${turn.interrupted})` : 'Kimi returned an empty summary');
      }
      text = turn.content.trim();
    }
    if (text === undefined) {
      throw new AppError('there was nothing to summarise');
    }
    return text;
  }
}

/** Groups transcript entries into pieces of at most `room` estimated tokens (an entry larger than that is a piece alone). */
function split(entries: readonly string[], room: number): string[][] {
  const pieces: string[][] = [];
  let current: string[] = [];
  let used = 0;
  for (const e of entries) {
    const t = estimateTextTokens(e) + 4;
    if (current.length > 0 && used + t > room) {
      pieces.push(current);
      current = [];
      used = 0;
    }
    current.push(e);
    used += t;
  }
  if (current.length > 0) {
    pieces.push(current);
  }
  return pieces;
}

function lastIndexWhere<T>(items: readonly T[], pred: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) {
    if (pred(items[i])) {
      return i;
    }
  }
  return -1;
}
