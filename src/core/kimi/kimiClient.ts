/**
 * The Kimi (Moonshot AI) chat client: the openai SDK pointed at Kimi's base URL, always
 * streaming, with Kimi's quirks handled (docs/reference/kimi-api.md): SDK retries off and our own retry by
 * error type, tool calls assembled by index, reasoning captured, usage read inside the choice,
 * and a stream without a finish_reason reported as incomplete.
 */
import OpenAI, { APIError } from 'openai';
import type { Stream } from 'openai/streaming';
import type { KimiConfig } from '../config';
import { ConfigError, KimiApiError, UserAbortError, throwIfAborted, errorMessage } from '../errors';
import { nullLogger, type Logger } from '../logger';
import { toKimiError } from './kimiErrors';
import { sleep } from '../sleep';
import { DEFAULT_RETRY, retryDelay, type RetryOptions } from './retry';
import { StreamAssembler } from './streamAssembler';
import { type Deadlines, deadlinesFrom, sseEvents, withDeadlines } from '../net/deadlines';
import { answerTokensFor } from './models';
import type { ChatMessage, ChatRequest, ChatStreamHandlers, ChatTurn } from './types';

export interface KimiClientOptions {
  readonly logger?: Logger;
  readonly fetch?: typeof fetch;
  /** Overrides the retry policy (tests use short delays). */
  readonly retry?: Partial<RetryOptions>;
}

export class KimiClient {
  private sdk: OpenAI | undefined;
  private readonly logger: Logger;
  private readonly retry: RetryOptions;
  private readonly deadlines: Deadlines;
  private readonly fetchFn: typeof fetch;
  readonly baseUrl: string;

  constructor(
    readonly config: KimiConfig,
    private readonly options: KimiClientOptions = {},
  ) {
    this.logger = options.logger ?? nullLogger;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.baseUrl = config.baseUrl.replace(/\/+$/, '');
    this.deadlines = deadlinesFrom(config.deadlines);
    // Keep-alive comments (`: ping`) are not progress: a stream that only pings is stalled.
    this.fetchFn = withDeadlines(options.fetch ?? fetch, this.deadlines, 'Kimi', sseEvents);
  }

  get model(): string {
    return this.config.model;
  }

  /** Built on first use so that a client can exist before the user has set a key. */
  private client(): OpenAI {
    if (!this.config.apiKey) {
      throw new ConfigError('No Kimi API key is set.', 'kimi-key-missing');
    }
    this.sdk ??= new OpenAI({
      apiKey: this.config.apiKey,
      baseURL: this.baseUrl,
      // The SDK's retries count against Kimi's RPM and ignore error types (docs/reference/kimi-api.md#errors-and-retries).
      maxRetries: 0,
      timeout: this.deadlines.totalMs,
      fetch: this.fetchFn,
    });
    return this.sdk;
  }

  /** Streams one model turn, retrying failures that happen before any output. */
  async chat(request: ChatRequest, handlers: ChatStreamHandlers = {}, signal?: AbortSignal): Promise<ChatTurn> {
    for (let attempt = 0; ; attempt++) {
      throwIfAborted(signal);
      try {
        return await this.streamOnce(request, handlers, signal);
      } catch (err) {
        if (err instanceof ConfigError) {
          throw err;
        }
        const e = toKimiError(err, { baseUrl: this.baseUrl, model: this.model, apiKey: this.config.apiKey });
        if (e instanceof UserAbortError || !e.retryable || attempt >= this.retry.maxRetries) {
          throw e;
        }
        const delay = retryDelay(attempt + 1, this.retry, e.retryAfterMs);
        this.logger.warn(`Kimi: ${e.message}; retry ${attempt + 1}/${this.retry.maxRetries} in ${delay} ms`);
        handlers.onRetry?.(attempt + 1, delay, e.message);
        await sleep(delay, signal);
      }
    }
  }

  private body(request: ChatRequest): Record<string, unknown> {
    const body: Record<string, unknown> = {
      model: this.model,
      messages: request.messages.map(wireMessage),
      stream: true,
      max_tokens: request.maxTokens ?? answerTokensFor(this.model),
    };
    if (this.config.temperature !== undefined && Number.isFinite(this.config.temperature)) {
      // Kimi's range is [0, 1], not OpenAI's [0, 2] (docs/reference/kimi-api.md#request-parameters).
      body.temperature = Math.min(1, Math.max(0, this.config.temperature));
    }
    if (request.tools && request.tools.length > 0) {
      body.tools = request.tools;
      body.tool_choice = request.toolChoice ?? 'auto';
    }
    return body;
  }

  private async streamOnce(request: ChatRequest, handlers: ChatStreamHandlers, signal?: AbortSignal): Promise<ChatTurn> {
    const assembler = new StreamAssembler(handlers);
    const started = Date.now();
    const { data: stream, response } = await this.client()
      .post<Stream<unknown>>('/chat/completions', { body: this.body(request), stream: true, signal })
      .withResponse();
    const requestId = response.headers.get('msh-request-id') ?? undefined;
    try {
      for await (const chunk of stream) {
        assembler.add(chunk);
      }
    } catch (err) {
      if (signal?.aborted) {
        throw new UserAbortError();
      }
      if (!assembler.sawOutput) {
        throw err;
      }
      // Output was already shown: never retry silently (docs/reference/kimi-api.md#errors-and-retries); report what we have.
      this.logger.warn(`Kimi stream broke after output (${errorMessage(err)}); request ${requestId ?? '?'}`);
      return { ...assembler.result(requestId), interrupted: errorMessage(err) };
    }
    // The SDK ends the iteration quietly when our signal aborts it.
    if (signal?.aborted) {
      throw new UserAbortError();
    }
    const turn = assembler.result(requestId);
    if (!turn.complete && !assembler.sawOutput) {
      // Ended without a finish_reason before anything reached the user: as retryable as a cut connection.
      throw new KimiApiError('stream-cut', `Kimi's stream ended early, before any text (request ${requestId ?? '?'}).`, { type: 'stream_cut', retryable: true, requestId });
    }
    this.logger.debug(`Kimi turn: finish=${turn.finishReason ?? 'none'} tools=${turn.toolCalls.length} ${Date.now() - started} ms request=${requestId ?? '?'}`);
    return turn;
  }

  /** Model ids from GET /models. Also the cheapest way to check a key: a bad key throws ApiError 401. */
  async listModels(signal?: AbortSignal): Promise<string[]> {
    try {
      const ids: string[] = [];
      for await (const model of this.client().models.list({ signal })) {
        ids.push(model.id);
      }
      return ids;
    } catch (err) {
      throw this.mapError(err);
    }
  }

  /** Exact prompt size from POST /tokenizers/estimate-token-count (docs/reference/kimi-api.md#token-counting). */
  async estimateTokens(model: string, messages: readonly ChatMessage[], signal?: AbortSignal): Promise<number> {
    const doFetch = this.fetchFn;
    this.client(); // fails early with the "set your key" message
    try {
      const res = await doFetch(`${this.baseUrl}/tokenizers/estimate-token-count`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.config.apiKey ?? ''}` },
        body: JSON.stringify({ model, messages: messages.map(wireMessage) }),
        signal,
      });
      const json: unknown = await res.json().catch(() => undefined);
      if (!res.ok) {
        throw APIError.generate(res.status, json && typeof json === 'object' ? json : undefined, undefined, res.headers);
      }
      const data = json && typeof json === 'object' ? (json as Record<string, unknown>).data : undefined;
      const total = data && typeof data === 'object' ? (data as Record<string, unknown>).total_tokens : undefined;
      if (typeof total !== 'number') {
        throw new APIError(res.status, undefined, 'estimate-token-count returned no data.total_tokens', res.headers);
      }
      return total;
    } catch (err) {
      throw this.mapError(err);
    }
  }

  private mapError(err: unknown): KimiApiError | UserAbortError | ConfigError {
    if (err instanceof ConfigError) {
      return err;
    }
    return toKimiError(err, { baseUrl: this.baseUrl, model: this.model, apiKey: this.config.apiKey });
  }
}

/** What goes on the wire: only the fields Kimi expects; reasoning is never sent back (docs/reference/kimi-api.md#reasoning). */
function wireMessage(m: ChatMessage): Record<string, unknown> {
  switch (m.role) {
    case 'assistant':
      return m.tool_calls && m.tool_calls.length > 0
        ? { role: 'assistant', content: m.content, tool_calls: m.tool_calls }
        : { role: 'assistant', content: m.content };
    case 'tool':
      return { role: 'tool', tool_call_id: m.tool_call_id, name: m.name, content: m.content };
    case 'user':
      // With images, content becomes a list of parts, never that list serialized into a string (docs/reference/kimi-api.md#vision).
      return m.images && m.images.length > 0
        ? {
            role: 'user',
            content: [...m.images.map((i) => ({ type: 'image_url', image_url: { url: i.url } })), ...(m.content ? [{ type: 'text', text: m.content }] : [])],
          }
        : { role: 'user', content: m.content };
    default:
      return { role: m.role, content: m.content };
  }
}
