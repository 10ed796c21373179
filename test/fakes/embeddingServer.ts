/**
 * A fake OpenAI-compatible embeddings API: a real HTTP server on 127.0.0.1 speaking
 * `POST /v1/embeddings` → `{ object: 'list', data: [{ object: 'embedding', embedding, index }], model, usage }`;
 * with `encoding_format: 'base64'` an embedding is the base64 of its little-endian float32 values, as
 * OpenAI sends it. `acceptBase64 = false` answers such a request with 400, as some compatible servers do.
 * For tests and benchmarks; never a mock of an SDK.
 *
 *   const server = await new FakeEmbeddingServer({ dimensions: 64 }).start();
 *   const config = { baseUrl: server.url, apiKey: 'sk-test', model: 'fake-embed', dimensions: 64 };
 *   server.script({ status: 429, retryAfter: 0.01 }, { status: 500 });   // the next two requests fail
 *   server.latencyMs = 50;                                                // every request waits
 *   server.latencyPerInputMs = 5;                                         // …and 5 ms more per input (a CPU-bound server)
 *   server.requests / server.inputs / server.texts / server.maxConcurrent
 *   await server.close();
 *
 * Vectors are a hashed bag of words (identifiers split into their parts), L2-normalized: equal
 * texts get equal vectors and texts sharing words are close, so dense search behaves sensibly.
 */
import * as http from 'node:http';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface FakeEmbeddingFailure {
  readonly status: number;
  /** Sent as the Retry-After header (seconds). */
  readonly retryAfter?: number | string;
  readonly error?: { readonly message?: string; readonly type?: string; readonly code?: string };
  readonly delayMs?: number;
}

/** One scripted response: a failure, a slow success, or a plain success. */
/** A request that never completes: no headers at all, or headers and half a body, then silence. */
export interface FakeEmbeddingStall {
  readonly stall: 'no-headers' | 'half-body';
}

export type FakeEmbeddingStep = FakeEmbeddingFailure | FakeEmbeddingStall | { readonly delayMs: number } | 'ok';

export interface FakeEmbeddingServerOptions {
  /** Vector size when the request does not ask for `dimensions` (default 64). */
  readonly dimensions?: number;
  /** When set, requests without `Authorization: Bearer <apiKey>` get 401. */
  readonly apiKey?: string;
  readonly latencyMs?: number;
  /** Extra wait per input of a request, as a server that computes each input on a CPU. */
  readonly latencyPerInputMs?: number;
}

/** Words of a text, identifiers split (`readAndChunkFile`, `read_and_chunk` → read, and, chunk, file). */
export function fakeTokens(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9\u4e00-\u9fff]+/)
    .filter((t) => t.length > 1);
}

/** The deterministic vector the server returns for `text`. */
export function fakeEmbedding(text: string, dimensions: number): number[] {
  const v = new Array<number>(dimensions).fill(0);
  v[0] = 0.01; // never the zero vector (undefined under cosine)
  for (const token of fakeTokens(text)) {
    const h = createHash('sha256').update(token).digest();
    const slot = h.readUInt32BE(0) % dimensions;
    v[slot] += h[4] & 1 ? 1 : -1;
  }
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

export class FakeEmbeddingServer {
  /** POST /v1/embeddings requests received, failed ones included. */
  requests = 0;
  /** Inputs answered with a vector. */
  inputs = 0;
  /** Every input answered with a vector, in arrival order. */
  readonly texts: string[] = [];
  /** Most requests in flight at one time. */
  maxConcurrent = 0;
  latencyMs: number;
  latencyPerInputMs: number;
  /** Inputs of every request that got as far as its body, in arrival order (answered or not). */
  readonly batchSizes: number[] = [];
  /** False: a request for `encoding_format: 'base64'` gets 400 (a server that only speaks floats). */
  acceptBase64 = true;
  /** The `encoding_format` of every request, in arrival order ('float' when absent). */
  readonly encodingFormats: string[] = [];
  /** When set, every request not covered by the script gets this. */
  failAll: FakeEmbeddingFailure | undefined;
  private readonly queue: FakeEmbeddingStep[] = [];
  private readonly server: http.Server;
  private readonly dimensions: number;
  private inFlight = 0;
  private port = 0;

  constructor(private readonly options: FakeEmbeddingServerOptions = {}) {
    this.dimensions = options.dimensions ?? 64;
    this.latencyMs = options.latencyMs ?? 0;
    this.latencyPerInputMs = options.latencyPerInputMs ?? 0;
    this.server = http.createServer((req, res) => {
      void this.handle(req, res);
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Base URL to configure, e.g. http://127.0.0.1:12345/v1 */
  get url(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  /** The environment that points the CLI (and the MCP server) at this endpoint. */
  cliEnv(apiKey: string): Record<string, string> {
    return { EMBEDDING_BASE_URL: this.url, EMBEDDING_API_KEY: apiKey, EMBEDDING_MODEL: 'fake-embed', EMBEDDING_DIMENSIONS: String(this.dimensions) };
  }

  /** Queues responses for the next requests, in order; afterwards requests succeed again. */
  script(...steps: FakeEmbeddingStep[]): void {
    this.queue.push(...steps);
  }

  /** Clears counters and the script. */
  reset(): void {
    this.requests = 0;
    this.inputs = 0;
    this.texts.length = 0;
    this.maxConcurrent = 0;
    this.batchSizes.length = 0;
    this.queue.length = 0;
    this.failAll = undefined;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) {
      chunks.push(c as Buffer);
    }
    if (req.method !== 'POST' || !/\/embeddings$/.test(req.url ?? '')) {
      send(res, 404, { error: { message: `No route ${req.method} ${req.url}`, type: 'invalid_request_error' } });
      return;
    }
    this.requests++;
    this.inFlight++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.inFlight);
    try {
      const step = this.queue.length ? this.queue.shift() : this.failAll;
      const inputs = requestInputs(chunks);
      this.batchSizes.push(inputs);
      if (typeof step === 'object' && 'stall' in step) {
        if (step.stall === 'half-body') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('{"object":"list","data":[');
        }
        await new Promise<void>((resolve) => res.once('close', () => resolve()));
        return;
      }
      const delay = (typeof step === 'object' && 'delayMs' in step ? step.delayMs : undefined) ?? this.latencyMs + this.latencyPerInputMs * inputs;
      if (delay > 0) {
        // A client that gives up (abort, timeout) ends the wait, so close() is never held up.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          res.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      if (res.destroyed || !res.socket || res.socket.destroyed) {
        return;
      }
      if (typeof step === 'object' && 'status' in step) {
        const headers: Record<string, string> = {};
        if (step.retryAfter !== undefined) {
          headers['retry-after'] = String(step.retryAfter);
        }
        const error = { message: `Scripted HTTP ${step.status}`, type: step.status === 429 ? 'rate_limit_exceeded' : 'server_error', ...step.error };
        send(res, step.status, { error }, headers);
        return;
      }
      if (this.options.apiKey && req.headers.authorization !== `Bearer ${this.options.apiKey}`) {
        send(res, 401, { error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' } });
        return;
      }
      let body: { input?: unknown; model?: unknown; dimensions?: unknown; encoding_format?: unknown };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
      } catch {
        send(res, 400, { error: { message: 'Invalid JSON body.', type: 'invalid_request_error' } });
        return;
      }
      const input = typeof body.input === 'string' ? [body.input] : body.input;
      if (!Array.isArray(input) || input.length === 0 || !input.every((t) => typeof t === 'string' && t.length > 0)) {
        send(res, 400, { error: { message: "'input' must be a non-empty string or array of non-empty strings.", type: 'invalid_request_error' } });
        return;
      }
      const format = body.encoding_format === undefined ? 'float' : typeof body.encoding_format === 'string' ? body.encoding_format : JSON.stringify(body.encoding_format);
      this.encodingFormats.push(format);
      if ((format === 'base64' && !this.acceptBase64) || (format !== 'base64' && format !== 'float')) {
        send(res, 400, { error: { message: `Unsupported encoding_format: ${format}.`, type: 'invalid_request_error', param: 'encoding_format' } });
        return;
      }
      const encode = (v: number[]): number[] | string => (format === 'base64' ? Buffer.from(new Float32Array(v).buffer).toString('base64') : v);
      const dims = typeof body.dimensions === 'number' ? body.dimensions : this.dimensions;
      this.inputs += input.length;
      this.texts.push(...(input as string[]));
      const tokens = (input as string[]).reduce((n, t) => n + Math.ceil(t.length / 4), 0);
      send(res, 200, {
        object: 'list',
        // Reversed on purpose: clients must order by `index`, as the API does not promise order.
        data: (input as string[]).map((t, index) => ({ object: 'embedding', index, embedding: encode(fakeEmbedding(t, dims)) })).reverse(),
        model: typeof body.model === 'string' ? body.model : 'fake',
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      });
    } finally {
      this.inFlight--;
    }
  }
}

/** How many inputs a request body holds (0 when it is not a valid request). */
function requestInputs(chunks: readonly Buffer[]): number {
  try {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { input?: unknown };
    return Array.isArray(body.input) ? body.input.length : typeof body.input === 'string' ? 1 : 0;
  } catch {
    return 0;
  }
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) {
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
