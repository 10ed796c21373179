/**
 * How much of the model's window the next request will use: system prompt, tool schemas, the
 * conversation (its summary included) and the question being typed with its attachments. Counted
 * by Kimi's tokenizer endpoint where it answers (docs/reference/kimi-api.md#token-counting), by the
 * local estimate otherwise; the result says which.
 */
import { createHash } from 'node:crypto';
import { errorMessage, isAbortError } from '../errors';
import { nullLogger, type Logger } from '../logger';
import type { KimiClient } from '../kimi/kimiClient';
import type { ChatMessage, ToolDefinition } from '../kimi/types';
import { promptBudget } from './contextBudget';
import type { ChatHistory } from './history';
import { estimateMessagesTokens, estimateToolsTokens } from './tokens';

export interface ContextMeasure {
  readonly tokens: number;
  readonly window: number;
  /** The request size at which the conversation is compacted (tool schemas included). */
  readonly compactAt: number;
  readonly source: 'kimi' | 'local';
  /** Where the tokens go (local estimates, scaled to `tokens` when Kimi counted). */
  readonly parts: { readonly system: number; readonly tools: number; readonly history: number; readonly draft: number };
}

export interface MeasureRequest {
  readonly model: string;
  readonly systemPrompt: string;
  readonly tools: readonly ToolDefinition[];
  readonly history: ChatHistory;
  /** The question as it would be sent (attachments included); may be empty. */
  readonly draft: string;
  readonly compactAt?: number;
}

/** After Kimi's tokenizer fails (no key, offline, rate limit), it is left alone this long. */
const KIMI_PAUSE_MS = 60_000;
const CACHE_SIZE = 32;

/**
 * One per chat view: remembers Kimi's counts of recent requests, so typing back and forth or
 * re-measuring after an answer costs no extra requests.
 */
export class ContextMeter {
  private readonly cache = new Map<string, number>();
  private pausedUntil = 0;
  private readonly logger: Logger;
  private readonly now: () => number;

  constructor(options: { logger?: Logger; now?: () => number } = {}) {
    this.logger = options.logger ?? nullLogger;
    this.now = options.now ?? Date.now;
  }

  /** Measures the request; `client` undefined (or `useKimi` false) means the local estimate only. */
  async measure(request: MeasureRequest, client: KimiClient | undefined, signal?: AbortSignal): Promise<ContextMeasure> {
    const system: ChatMessage = { role: 'system', content: request.systemPrompt };
    const conversation = request.history.requestMessages().slice(1);
    const question: ChatMessage[] = request.draft.trim() ? [{ role: 'user', content: request.draft }] : [];
    const local = {
      system: estimateMessagesTokens([system]),
      tools: estimateToolsTokens(request.tools),
      history: estimateMessagesTokens(conversation),
      draft: estimateMessagesTokens(question),
    };
    const localTotal = local.system + local.tools + local.history + local.draft;
    const budget = promptBudget(request.model, request.tools, request.compactAt);
    const base = { window: budget.window, compactAt: budget.compactAt + budget.toolTokens };
    // The endpoint's body has no documented `tools`: the schemas are counted as the text they are.
    const toolsText: ChatMessage[] = request.tools.length > 0 ? [{ role: 'system', content: JSON.stringify(request.tools) }] : [];
    const counted = client ? await this.kimiCount(client, request.model, [system, ...conversation, ...question, ...toolsText], signal) : undefined;
    if (counted === undefined) {
      return { ...base, tokens: localTotal, source: 'local', parts: local };
    }
    const scale = counted / Math.max(1, localTotal);
    const parts = { system: Math.round(local.system * scale), tools: Math.round(local.tools * scale), history: Math.round(local.history * scale), draft: 0 };
    return { ...base, tokens: counted, source: 'kimi', parts: { ...parts, draft: Math.max(0, counted - parts.system - parts.tools - parts.history) } };
  }

  private async kimiCount(client: KimiClient, model: string, messages: readonly ChatMessage[], signal?: AbortSignal): Promise<number | undefined> {
    const key = createHash('sha256').update(model).update('\0').update(JSON.stringify(messages)).digest('hex');
    const hit = this.cache.get(key);
    if (hit !== undefined) {
      return hit;
    }
    if (this.now() < this.pausedUntil) {
      return undefined;
    }
    try {
      const n = await client.estimateTokens(model, messages, signal);
      this.cache.set(key, n);
      if (this.cache.size > CACHE_SIZE) {
        this.cache.delete(this.cache.keys().next().value as string);
      }
      return n;
    } catch (err) {
      if (isAbortError(err)) {
        throw err;
      }
      this.pausedUntil = this.now() + KIMI_PAUSE_MS;
      this.logger.debug(`Context meter: Kimi's token count unavailable (${errorMessage(err)}); local estimate for a minute`);
      return undefined;
    }
  }
}
