import type { LimitFunction } from 'p-limit' with { 'resolution-mode': 'import' };
import { ConfigError, EmbeddingApiError, UserAbortError, errorMessage } from '../errors';
import { type Logger, nullLogger } from '../logger';
import type { EmbeddingSpec } from '../store/types';
import { sleep } from '../sleep';
import { backoffMs, retryAfterMs } from './backoff';
import type { EmbedObserver, Embedder } from './embedder';
import { embeddingHttpError, gaveUp } from './embeddingErrors';
import { parseEmbeddingResponse } from './response';
import { Redactor } from '../redaction';
import { deadlineOf, type Deadlines, deadlinesFrom, withDeadlines } from '../net/deadlines';

export interface OpenAiEmbedderOptions {
  readonly baseUrl: string;
  readonly apiKey: string | undefined;
  readonly model: string;
  readonly dimensions: number;
  /** Inputs per request (default 64). */
  readonly batchSize?: number;
  /** Requests in flight at once, shared by all concurrent embed() calls (default 4). */
  readonly concurrency?: number;
  /** Retries of one request on 408/409/429/5xx/network errors (default 6). */
  readonly maxRetries?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Per request, body included (default: deadlines.totalMs). */
  readonly timeoutMs?: number;
  /** Headers, idle and total limits per request (defaults in net/deadlines); see scaledDeadlines. */
  readonly deadlines?: Partial<Deadlines>;
  readonly logger?: Logger;
  readonly fetch?: typeof fetch;
}

/**
 * The inputs the configured headers and total deadlines are meant for. An embedding server sends its
 * headers only when the whole batch is computed, so a batch of 64 gets four times the time of 16: a
 * CPU server that is slow per input is not taken for a dead one.
 */
export const DEADLINE_INPUTS = 16;

/** The deadlines of one request of `inputs` texts (see DEADLINE_INPUTS); idle time in a body does not scale. */
export function scaledDeadlines(base: Deadlines, inputs: number): Deadlines {
  const factor = Math.max(1, inputs / DEADLINE_INPUTS);
  return { headersMs: Math.round(base.headersMs * factor), idleMs: base.idleMs, totalMs: Math.round(base.totalMs * factor) };
}

type Attempt = { vectors: number[][]; tokens: number } | { error: EmbeddingApiError; retryAfterMs?: number };

/** OpenAI's `POST /embeddings`, spoken by OpenAI and most compatible servers (vLLM, Ollama, Azure…). */
export class OpenAiEmbedder implements Embedder {
  readonly spec: EmbeddingSpec;
  private readonly url: string;
  private readonly host: string;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly maxRetries: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly deadlines: Deadlines;
  private readonly logger: Logger;
  private readonly baseFetch: typeof fetch;
  private limiter: Promise<LimitFunction> | undefined;
  /**
   * Vectors are asked for as base64 float32 (what OpenAI's own SDK does): a third of the bytes of
   * decimal JSON, and no 768-number JSON arrays to parse and collect. A server that answers that
   * with 400/422 is asked again for floats, and this embedder keeps floats from then on.
   */
  private encoding: 'base64' | 'float' = 'base64';

  constructor(private readonly options: OpenAiEmbedderOptions) {
    const base = new URL(options.baseUrl.replace(/\/+$/, '') + '/');
    this.url = new URL('embeddings', base).toString();
    this.host = base.host;
    // The port is left out so a local server on a new port still matches its collections.
    const who = base.hostname === 'api.openai.com' ? 'openai' : base.hostname;
    this.spec = { model: `${who}:${options.model}`, dimensions: options.dimensions };
    this.batchSize = Math.max(1, options.batchSize ?? 64);
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.maxRetries = Math.max(0, options.maxRetries ?? 6);
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 8000;
    this.deadlines = deadlinesFrom({ ...options.deadlines, ...(options.timeoutMs ? { totalMs: options.timeoutMs } : {}) });
    this.logger = options.logger ?? nullLogger;
    this.baseFetch = options.fetch ?? fetch;
  }

  async embed(texts: readonly string[], signal?: AbortSignal, observer?: EmbedObserver): Promise<number[][]> {
    if (texts.length === 0) {
      return [];
    }
    if (signal?.aborted) {
      throw new UserAbortError();
    }
    const limit = await this.limit();
    // One failed batch cancels its siblings, so a hard error surfaces at once.
    const siblings = new AbortController();
    const onAbort = (): void => siblings.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const batches: string[][] = [];
      for (let i = 0; i < texts.length; i += this.batchSize) {
        batches.push(texts.slice(i, i + this.batchSize));
      }
      const results = await Promise.all(
        batches.map((batch) =>
          limit(() => this.request(batch, siblings.signal, observer)).catch((err: unknown) => {
            siblings.abort();
            throw err;
          }),
        ),
      ).catch((err: unknown) => {
        throw signal?.aborted ? new UserAbortError() : err;
      });
      return results.flat();
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private limit(): Promise<LimitFunction> {
    // p-limit is ESM-only; a dynamic import keeps this CommonJS module loadable everywhere.
    this.limiter ??= import('p-limit').then((m) => m.default(this.concurrency));
    return this.limiter;
  }

  /**
   * One batch, with retries. A batch that hits a deadline is not sent whole again (it would only
   * hit it again): it is split in two halves, each embedded in turn with retries of its own, down
   * to single inputs if need be.
   */
  private async request(batch: string[], signal: AbortSignal, observer: EmbedObserver | undefined): Promise<number[][]> {
    let last: EmbeddingApiError | undefined;
    for (let attempt = 0; attempt <= this.maxRetries; attempt++) {
      if (signal.aborted) {
        throw new UserAbortError();
      }
      const outcome = await this.attempt(batch, signal);
      if ('vectors' in outcome) {
        observer?.onEmbedded?.(batch.length, outcome.tokens);
        return outcome.vectors;
      }
      last = outcome.error;
      if (last.code === 'timeout' && batch.length > 1) {
        this.logger.info(`${last.message} Sending its ${batch.length} inputs again as two requests.`);
        observer?.onRetry?.({ reason: last.message, action: 'split', inputs: batch.length, attempt: attempt + 1, maxRetries: this.maxRetries });
        const half = Math.ceil(batch.length / 2);
        const head = await this.request(batch.slice(0, half), signal, observer);
        return [...head, ...(await this.request(batch.slice(half), signal, observer))];
      }
      if (!last.retryable || attempt === this.maxRetries) {
        break;
      }
      const wait = backoffMs(attempt, this.baseDelayMs, this.maxDelayMs, outcome.retryAfterMs);
      this.logger.debug(`embedding request failed (${last.message}); retry ${attempt + 1}/${this.maxRetries} in ${Math.round(wait)} ms`);
      observer?.onRetry?.({ reason: last.message, action: 'retry', inputs: batch.length, attempt: attempt + 1, maxRetries: this.maxRetries });
      await sleep(wait, signal);
    }
    throw gaveUp(last ?? new EmbeddingApiError('failed', 'Embedding failed.', { retryable: false }), this.maxRetries, batch.length);
  }

  private async attempt(batch: string[], signal: AbortSignal): Promise<Attempt> {
    const encoding = this.encoding;
    const fetchFn = withDeadlines(this.baseFetch, scaledDeadlines(this.deadlines, batch.length), `The embedding endpoint ${this.host}`);
    let res: Response;
    try {
      res = await fetchFn(this.url, {
        method: 'POST',
        headers: this.headers(),
        body: JSON.stringify(this.body(batch, encoding)),
        signal,
      });
    } catch (err) {
      return { error: this.requestError(err, signal) };
    }
    const requestId = res.headers.get('x-request-id') ?? undefined;
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      if (signal.aborted) {
        throw new UserAbortError();
      }
      const deadline = deadlineOf(err);
      const message = deadline?.message ?? `Embedding response from ${this.host} was cut off: ${errorMessage(err)}`;
      const type = deadline ? 'timeout' : 'connection';
      return { error: new EmbeddingApiError(type, message, { status: res.status, type, retryable: true, requestId, details: this.details() }) };
    }
    if (!res.ok) {
      if (encoding === 'base64' && (res.status === 400 || res.status === 422)) {
        this.encoding = 'float';
        this.logger.info(`The embedding endpoint ${this.host} refused base64 vectors (HTTP ${res.status}); asking for floats.`);
        return this.attempt(batch, signal);
      }
      const where = { host: this.host, url: this.url, model: this.options.model, apiKey: this.options.apiKey };
      return { error: embeddingHttpError(res.status, text, requestId, where), retryAfterMs: retryAfterMs(res.headers) };
    }
    const { vectors, tokens } = parseEmbeddingResponse(text, batch.length, this.host);
    const dims = vectors[0]?.length;
    if (dims !== undefined && dims !== this.options.dimensions) {
      throw new ConfigError(
        `The embedding model "${this.options.model}" returns ${dims}-dimensional vectors, but ${this.options.dimensions} are configured.`,
        'embedding-dimensions',
        { dimensions: dims },
      );
    }
    // An endpoint that reports no usage: about four characters a token.
    return { vectors, tokens: tokens ?? batch.reduce((n, t) => n + Math.ceil(t.length / 4), 0) };
  }

  private headers(): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.options.apiKey) {
      headers.authorization = `Bearer ${this.options.apiKey}`;
    }
    return headers;
  }

  private body(batch: string[], encoding: 'base64' | 'float'): Record<string, unknown> {
    const body: Record<string, unknown> = { model: this.options.model, input: batch, encoding_format: encoding };
    // Only the text-embedding-3 family accepts `dimensions`; other servers may reject the field.
    if (/text-embedding-3/.test(this.options.model)) {
      body.dimensions = this.options.dimensions;
    }
    return body;
  }

  /** The request never got an answer: a deadline, or the connection failed (retryable either way). */
  private requestError(err: unknown, signal: AbortSignal): EmbeddingApiError {
    if (signal.aborted) {
      throw new UserAbortError();
    }
    const deadline = deadlineOf(err);
    if (deadline) {
      return new EmbeddingApiError('timeout', deadline.message, { type: 'timeout', retryable: true, details: this.details() });
    }
    const message = `Embedding request to ${this.host} failed: ${new Redactor([this.options.apiKey]).redact(errorMessage(err))}.`;
    return new EmbeddingApiError('connection', message, { type: 'connection', retryable: true, details: this.details() });
  }

  private details(): { host: string; model: string } {
    return { host: this.host, model: this.options.model };
  }
}
