/**
 * Kimi's Files API for file-extract (docs/reference/kimi-api.md#files-and-documents): upload a file
 * with purpose "file-extract", read the extracted text, delete the upload. Plain fetch with the
 * product's deadlines: the openai SDK's types know no "file-extract" purpose.
 */
import { APIError } from 'openai';
import type { KimiConfig } from '../config';
import { ConfigError, UserAbortError, throwIfAborted } from '../errors';
import { nullLogger, type Logger } from '../logger';
import { deadlinesFrom, withDeadlines } from '../net/deadlines';
import { sleep } from '../sleep';
import { KimiApiError } from '../errors';
import { toKimiError } from './kimiErrors';
import { DEFAULT_RETRY, retryDelay, type RetryOptions } from './retry';

/** The file object Kimi answers an upload with; `status` "error" means extraction failed. */
export interface KimiFileObject {
  readonly id: string;
  readonly bytes?: number;
  readonly filename?: string;
  readonly status?: string;
  readonly status_details?: string;
}

export interface KimiFilesOptions {
  readonly logger?: Logger;
  readonly fetch?: typeof fetch;
  readonly retry?: Partial<RetryOptions>;
}

export class KimiFiles {
  private readonly fetchFn: typeof fetch;
  private readonly baseUrl: string;
  private readonly retry: RetryOptions;
  private readonly logger: Logger;

  constructor(
    private readonly config: Pick<KimiConfig, 'apiKey' | 'baseUrl' | 'model' | 'deadlines'>,
    options: KimiFilesOptions = {},
  ) {
    this.baseUrl = config.baseUrl.replace(/\/+$/, '');
    this.fetchFn = withDeadlines(options.fetch ?? fetch, deadlinesFrom(config.deadlines), 'Kimi');
    this.retry = { ...DEFAULT_RETRY, maxRetries: 2, ...options.retry };
    this.logger = options.logger ?? nullLogger;
  }

  upload(bytes: Uint8Array, fileName: string, mime: string, signal?: AbortSignal): Promise<KimiFileObject> {
    return this.call('upload', async () => {
      const form = new FormData();
      form.append('purpose', 'file-extract');
      form.append('file', new Blob([new Uint8Array(bytes)], { type: mime }), fileName);
      const json = await this.json(await this.request('POST', '/files', form, signal));
      const rec = isRecord(json) ? json : {};
      if (typeof rec.id !== 'string') {
        throw new KimiApiError('failed', 'Kimi answered the upload without a file id.', { type: 'bad_response', retryable: false });
      }
      return {
        id: rec.id,
        ...(typeof rec.bytes === 'number' ? { bytes: rec.bytes } : {}),
        ...(typeof rec.status === 'string' ? { status: rec.status } : {}),
        ...(typeof rec.status_details === 'string' ? { status_details: rec.status_details } : {}),
      };
    }, signal);
  }

  /** The extracted text: a JSON document in Kimi's own format, meant to be put in a message as text. */
  content(id: string, signal?: AbortSignal): Promise<string> {
    return this.call('content', async () => (await this.request('GET', `/files/${encodeURIComponent(id)}/content`, undefined, signal)).text(), signal);
  }

  delete(id: string, signal?: AbortSignal): Promise<void> {
    return this.call('delete', async () => {
      await (await this.request('DELETE', `/files/${encodeURIComponent(id)}`, undefined, signal)).arrayBuffer();
    }, signal);
  }

  private async request(method: string, path: string, body: FormData | undefined, signal?: AbortSignal): Promise<Response> {
    if (!this.config.apiKey) {
      throw new ConfigError('No Kimi API key is set.', 'kimi-key-missing');
    }
    const res = await this.fetchFn(`${this.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${this.config.apiKey}` }, body, signal });
    if (!res.ok) {
      const json: unknown = await res.json().catch(() => undefined);
      throw APIError.generate(res.status, isRecord(json) ? json : undefined, undefined, res.headers);
    }
    return res;
  }

  private async json(res: Response): Promise<unknown> {
    return res.json().catch(() => undefined);
  }

  /** Retries what Kimi says is retryable (rate limits, 5xx, a cut connection), as chat does. */
  private async call<T>(what: string, work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      throwIfAborted(signal);
      try {
        return await work();
      } catch (err) {
        if (err instanceof ConfigError) {
          throw err;
        }
        const e = toKimiError(err, { baseUrl: this.baseUrl, model: this.config.model, apiKey: this.config.apiKey });
        if (e instanceof UserAbortError || !e.retryable || attempt >= this.retry.maxRetries) {
          throw e;
        }
        const delay = retryDelay(attempt + 1, this.retry, e.retryAfterMs);
        this.logger.warn(`Kimi files ${what}: ${e.message}; retry ${attempt + 1}/${this.retry.maxRetries} in ${delay} ms`);
        await sleep(delay, signal);
      }
    }
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
