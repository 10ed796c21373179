import type { LimitFunction } from 'p-limit' with { 'resolution-mode': 'import' };
import { ConfigError, EmbeddingApiError, UserAbortError, errorMessage } from '../errors';
import { type Logger, nullLogger } from '../logger';
import type { EmbeddingSpec } from '../store/types';
import { sleep } from '../sleep';
import { backoffMs, retryAfterMs } from './backoff';
import type { Embedder } from './embedder';
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
  /** Headers, idle and total limits per request (defaults in net/deadlines). */
  readonly deadlines?: Partial<Deadlines>;
  readonly logger?: Logger;
  readonly fetch?: typeof fetch;
}

const RETRYABLE = new Set([408, 409, 429]);

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
  private readonly logger: Logger;
  private readonly fetchFn: typeof fetch;
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
    const deadlines = deadlinesFrom({ ...options.deadlines, ...(options.timeoutMs ? { totalMs: options.timeoutMs } : {}) });
    this.logger = options.logger ?? nullLogger;
    this.fetchFn = withDeadlines(options.fetch ?? fetch, deadlines, `The embedding endpoint ${this.host}`);
  }

  async embed(texts: readonly string[], signal?: AbortSignal): Promise<number[][]> {
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
          limit(() => this.request(batch, siblings.signal)).catch((err: unknown) => {
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

  private async request(batch: string[], signal: AbortSignal): Promise<number[][]> {
    let last: EmbeddingApiError | undefined;
    for (let attempt = 0; attempt <= this.maxRetries; attempt++) {
      if (signal.aborted) {
        throw new UserAbortError();
      }
      const outcome = await this.attempt(batch, signal);
      if (Array.isArray(outcome)) {
        return outcome;
      }
      last = outcome.error;
      if (!last.retryable || attempt === this.maxRetries) {
        break;
      }
      const wait = backoffMs(attempt, this.baseDelayMs, this.maxDelayMs, outcome.retryAfterMs);
      this.logger.debug(`embedding request failed (${last.message}); retry ${attempt + 1}/${this.maxRetries} in ${Math.round(wait)} ms`);
      await sleep(wait, signal);
    }
    const error = last ?? new EmbeddingApiError('failed', 'Embedding failed.', { retryable: false });
    if (error.retryable && this.maxRetries > 0) {
      const { status, type, requestId, details } = error;
      throw new EmbeddingApiError(error.code, `${error.message} Gave up after ${this.maxRetries} retries.`, { status, type, retryable: true, requestId, details, cause: error });
    }
    throw error;
  }

  private async attempt(batch: string[], signal: AbortSignal): Promise<number[][] | { error: EmbeddingApiError; retryAfterMs?: number }> {
    const encoding = this.encoding;
    let res: Response;
    try {
      res = await this.fetchFn(this.url, {
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
      return { error: this.httpError(res.status, text, requestId), retryAfterMs: retryAfterMs(res.headers) };
    }
    const vectors = parseEmbeddingResponse(text, batch.length, this.host);
    const dims = vectors[0]?.length;
    if (dims !== undefined && dims !== this.options.dimensions) {
      throw new ConfigError(
        `The embedding model "${this.options.model}" returns ${dims}-dimensional vectors, but ${this.options.dimensions} are configured.`,
        'embedding-dimensions',
        { dimensions: dims },
      );
    }
    return vectors;
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

  private httpError(status: number, body: string, requestId: string | undefined): EmbeddingApiError {
    const { message: raw, type, code } = providerError(body);
    // Some providers quote the key they were sent in a 401; it must not travel on in our message.
    const message = raw === undefined ? undefined : new Redactor([this.options.apiKey]).redact(raw);
    const detail = message ? `: ${message}` : '.';
    const init = { status, type, retryable: false, requestId, details: this.details() };
    if (status === 401 || status === 403) {
      return new EmbeddingApiError('auth', `The embedding endpoint ${this.host} rejected the API key (HTTP ${status})${detail}`, { ...init, type: type ?? 'authentication_error' });
    }
    if (status === 429 && (code === 'insufficient_quota' || type === 'insufficient_quota')) {
      return new EmbeddingApiError('quota', `The embedding quota at ${this.host} is used up (HTTP 429)${detail}`, { ...init, type: 'insufficient_quota' });
    }
    if (status === 404) {
      return new EmbeddingApiError('not-found', `The embedding endpoint ${this.url} or model "${this.options.model}" was not found (HTTP 404)${detail}`, init);
    }
    const retryable = RETRYABLE.has(status) || status >= 500;
    return new EmbeddingApiError('failed', `Embedding request to ${this.host} failed (HTTP ${status})${detail}`, { ...init, retryable });
  }

  private details(): { host: string; model: string } {
    return { host: this.host, model: this.options.model };
  }
}

/** OpenAI-style `{ error: { message, type, code } }`, tolerating anything else. */
function providerError(body: string): { message?: string; type?: string; code?: string } {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && 'error' in parsed) {
      const e: unknown = parsed.error;
      if (typeof e === 'string') {
        return { message: e };
      }
      if (typeof e === 'object' && e !== null) {
        const rec = e as Record<string, unknown>;
        const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
        return { message: str(rec.message), type: str(rec.type), code: str(rec.code) };
      }
    }
  } catch {
    // Not JSON: fall through to the raw text.
  }
  const trimmed = body.trim().slice(0, 200);
  return trimmed ? { message: trimmed } : {};
}
