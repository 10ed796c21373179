/**
 * A fake Kimi (Moonshot) API: a real HTTP server on 127.0.0.1 speaking the wire protocol of
 * docs/reference/kimi-api.md, for tests and benchmarks. Never a mock of the SDK.
 *
 *   const kimi = await startFakeKimi();            // { apiKey?: 'sk-test', models?: [...] }
 *   const config = { ...kimiConfig, baseUrl: kimi.baseUrl, apiKey: 'sk-test' };
 *   kimi.script(reply.toolCalls([{ name: 'list_all_collections', arguments: {} }]), reply.text('Done.'));
 *   kimi.handle((body, n) => reply.text('...'));  // used when the script queue is empty
 *   kimi.requests        // every request: { method, path, headers, body }
 *   kimi.chatBodies()    // bodies of POST /v1/chat/completions, in order
 *   await kimi.close();
 *
 * A reply (FakeReply) is either a streamed turn — text, reasoning, tool calls, finish reason,
 * usage, plus timing (ttftMs, chunkDelayMs) and faults (cutAfterChunks destroys the socket
 * without [DONE]; noFinish ends cleanly but without finish_reason) — or an HTTP error with
 * Kimi's body `{error:{type,message}}`. `reply.*` builds the common ones.
 *
 * Streaming follows the docs: `data: {json}\n\n` … `data: [DONE]`; role only in the first chunk;
 * reasoning_content before content; content before tool calls; tool-call fragments keyed by
 * `index` with id and name only in the first fragment; usage inside the final choice.
 * Also: GET /v1/models, POST /v1/tokenizers/estimate-token-count, answered with the fake's own
 * tokenizer (fakeTokenCount: not the product's estimate, so a test comparing the two means something).
 * With `windows`, a request whose prompt plus max_tokens passes its model's window gets Kimi's 400;
 * with `countUsage`, unscripted usage is that tokenizer's count of the request and the reply.
 * The Files API (kimiFiles.ts: upload, file object, content, delete, list), and vision checks on chat
 * requests: image parts must be base64 data URLs in a content list, and a model without vision
 * refuses them with a 400.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fakeFiles, type FakeFiles, type FakeFilesOptions } from './kimiFiles';

export interface FakeToolCall {
  readonly id?: string;
  readonly name: string;
  /** An object is JSON-encoded; a string is sent verbatim (to test invalid JSON). */
  readonly arguments: string | Record<string, unknown>;
}

export interface FakeTurn {
  readonly text?: string;
  readonly reasoning?: string;
  readonly toolCalls?: readonly FakeToolCall[];
  /** Default: "tool_calls" when there are tool calls, else "stop". */
  readonly finishReason?: string;
  readonly usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number; cached_tokens?: number };
  /** Characters per content/reasoning/arguments fragment (default 8). */
  readonly chunkChars?: number;
  /** Delay before the first chunk (time to first token). */
  readonly ttftMs?: number;
  readonly chunkDelayMs?: number;
  /** Destroy the socket after this many data chunks, without [DONE]. */
  readonly cutAfterChunks?: number;
  /** End the stream with [DONE] but never send a finish_reason. */
  readonly noFinish?: boolean;
  /**
   * Stall until the client gives up: 'no-headers' never answers; 'after-first-chunk' sends one
   * data chunk, then silence; 'pings' sends only `: ping` SSE comments (every pingEveryMs, default 50).
   */
  readonly stall?: 'no-headers' | 'after-first-chunk' | 'pings';
  readonly pingEveryMs?: number;
}

export interface FakeError {
  readonly error: { readonly status: number; readonly type: string; readonly message: string };
  readonly delayMs?: number;
}

export type FakeReply = FakeTurn | FakeError;

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: unknown;
}

/** A chat request body as the client sent it (parsed JSON). */
export interface ChatBody {
  readonly model: string;
  readonly messages: Array<Record<string, unknown>>;
  readonly tools?: Array<Record<string, unknown>>;
  readonly tool_choice?: string;
  readonly temperature?: number;
  readonly max_tokens?: number;
  readonly stream?: boolean;
  readonly [key: string]: unknown;
}

export type FakeHandler = (body: ChatBody, index: number) => FakeReply | Promise<FakeReply>;

export const reply = {
  text: (text: string, extra: Partial<FakeTurn> = {}): FakeTurn => ({ text, ...extra }),
  toolCalls: (calls: readonly FakeToolCall[], extra: Partial<FakeTurn> = {}): FakeTurn => ({ toolCalls: calls, ...extra }),
  error: (status: number, type: string, message: string): FakeError => ({ error: { status, type, message } }),
  rateLimit: (seconds = 1): FakeError =>
    reply.error(429, 'rate_limit_reached_error', `Your account org-1<ak-1> request reached max request: 3, please try again after ${seconds} seconds`),
  quota: (): FakeError =>
    reply.error(429, 'exceeded_current_quota_error', 'You exceeded your current token quota: 0, please check your account balance'),
  unauthorized: (): FakeError => reply.error(401, 'invalid_authentication_error', 'Invalid Authentication'),
  contentFilter: (): FakeError => reply.error(400, 'content_filter', 'The request was rejected because it was considered high risk'),
  serverError: (): FakeError => reply.error(500, 'server_error', 'internal error'),
};

export interface FakeKimi {
  /** e.g. http://127.0.0.1:40123/v1 */
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  /** Chat requests refused because they passed their model's window (see FakeKimiOptions.windows). */
  readonly rejected: ChatBody[];
  /** The usage each completed streamed turn reported, in order. */
  readonly usages: NonNullable<FakeTurn['usage']>[];
  script(...replies: FakeReply[]): void;
  handle(handler: FakeHandler | undefined): void;
  chatBodies(): ChatBody[];
  /** The Files API's state: what is stored, every upload, every delete. */
  readonly files: FakeFiles;
  close(): Promise<void>;
}

export interface FakeKimiOptions {
  /** When set, any other bearer token gets 401 invalid_authentication_error. */
  readonly apiKey?: string;
  readonly models?: readonly string[];
  /** Context windows to enforce, by model id: prompt + max_tokens past one gets 400 "exceeded model token limit". */
  readonly windows?: Readonly<Record<string, number>>;
  /** Unscripted usage counts the request and the reply with fakeTokenCount (default: a fixed 100 + 20). */
  readonly countUsage?: boolean;
  readonly files?: FakeFilesOptions;
  /** Models that take image parts (default: kimi-k2.5, kimi-latest and the moonshot-v1 vision previews). */
  readonly visionModels?: readonly string[];
}

const DEFAULT_VISION = ['kimi-k2.5', 'kimi-latest', 'moonshot-v1-8k-vision-preview', 'moonshot-v1-32k-vision-preview', 'moonshot-v1-128k-vision-preview'];

/** Why a chat body's image parts would be refused, or undefined when they are fine. */
export function visionProblem(body: ChatBody, visionModels: readonly string[]): string | undefined {
  let images = 0;
  for (const m of body.messages ?? []) {
    if (!Array.isArray(m.content)) {
      continue;
    }
    for (const part of m.content as Array<Record<string, unknown>>) {
      if (part.type === 'image_url') {
        const url = (part.image_url as { url?: unknown } | undefined)?.url;
        if (typeof url !== 'string' || !/^data:image\/(png|jpeg|webp|gif);base64,[A-Za-z0-9+/=]+$/.test(url)) {
          return 'Invalid request: image_url must be a base64 data URL (URL-formatted images are not supported)';
        }
        images++;
      } else if (part.type !== 'text' || typeof part.text !== 'string') {
        return `Invalid request: unknown content part type ${String(part.type)}`;
      }
    }
  }
  return images > 0 && !visionModels.includes(body.model) ? `Invalid request: model ${body.model} does not support image input` : undefined;
}

/**
 * The fake's tokenizer: runs of up to four letters, up to three digits, one CJK character or one
 * other symbol per token, plus 4 per message. Roughly what a BPE tokenizer does with English and
 * code, and deliberately not the product's own estimate.
 */
const FAKE_TOKEN = /[A-Za-z]{1,4}|\d{1,3}|[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]|[^\sA-Za-z\d]/g;

export function fakeTextTokens(text: string): number {
  return text.match(FAKE_TOKEN)?.length ?? 0;
}

/** The fake's count of a request body's messages (and tools, when given). */
export function fakeTokenCount(body: { messages?: unknown; tools?: unknown }): number {
  const messages = Array.isArray(body.messages) ? (body.messages as Array<Record<string, unknown>>) : [];
  let n = 0;
  for (const m of messages) {
    n += 4 + fakeTextTokens(typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? ''));
    n += m.tool_calls ? fakeTextTokens(JSON.stringify(m.tool_calls)) : 0;
    n += typeof m.name === 'string' ? fakeTextTokens(m.name) : 0;
  }
  return n + (Array.isArray(body.tools) && body.tools.length > 0 ? fakeTextTokens(JSON.stringify(body.tools)) : 0);
}

/** What a turn reports when it scripts no usage and the server does not count. */
const DEFAULT_USAGE = { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function split(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) {
    out.push(text.slice(i, i + size));
  }
  return out;
}

/** The data payloads of one streamed turn, in the order Kimi sends them. */
export function turnChunks(turn: FakeTurn, model: string, counted?: FakeTurn['usage']): unknown[] {
  const size = Math.max(1, turn.chunkChars ?? 8);
  const id = 'chatcmpl-fake';
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}): unknown => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, finish_reason: null, ...extra }],
  });
  const chunks: unknown[] = [chunk({ role: 'assistant', content: '' })];
  for (const part of split(turn.reasoning ?? '', size)) {
    chunks.push(chunk({ reasoning_content: part }));
  }
  for (const part of split(turn.text ?? '', size)) {
    chunks.push(chunk({ content: part }));
  }
  (turn.toolCalls ?? []).forEach((call, index) => {
    const args = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
    chunks.push(
      chunk({ tool_calls: [{ index, id: call.id ?? `${call.name}:${index}`, type: 'function', function: { name: call.name, arguments: '' } }] }),
    );
    for (const part of split(args, size)) {
      chunks.push(chunk({ tool_calls: [{ index, function: { arguments: part } }] }));
    }
  });
  if (!turn.noFinish) {
    const finish = turn.finishReason ?? (turn.toolCalls?.length ? 'tool_calls' : 'stop');
    const usage = turn.usage ?? counted ?? DEFAULT_USAGE;
    chunks.push(chunk({}, { finish_reason: finish, usage }));
  }
  return chunks;
}

export async function startFakeKimi(options: FakeKimiOptions = {}): Promise<FakeKimi> {
  const queue: FakeReply[] = [];
  let handler: FakeHandler | undefined;
  let chatCount = 0;
  const requests: RecordedRequest[] = [];
  const rejected: ChatBody[] = [];
  const usages: NonNullable<FakeTurn['usage']>[] = [];
  const models = options.models ?? ['kimi-k2.5', 'kimi-k2-turbo-preview', 'moonshot-v1-8k'];
  const files = fakeFiles(options.files);
  const visionModels = options.visionModels ?? DEFAULT_VISION;

  const sendError = (res: http.ServerResponse, status: number, type: string, message: string): void => {
    res.writeHead(status, { 'content-type': 'application/json', 'msh-request-id': 'req-fake' });
    res.end(JSON.stringify({ error: { type, message } }));
  };

  const stall = async (res: http.ServerResponse, turn: FakeTurn, model: string): Promise<void> => {
    const closed = new Promise<void>((resolve) => res.once('close', () => resolve()));
    if (turn.stall !== 'no-headers') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'msh-request-id': `req-${chatCount}` });
      res.flushHeaders();
    }
    if (turn.stall === 'after-first-chunk') {
      res.write(`data: ${JSON.stringify(turnChunks(turn, model)[0])}\n\n`);
    }
    const pinger = turn.stall === 'pings' ? setInterval(() => res.write(': ping\n\n'), turn.pingEveryMs ?? 50) : undefined;
    await closed;
    clearInterval(pinger);
  };

  const streamTurn = async (res: http.ServerResponse, turn: FakeTurn, model: string, counted?: FakeTurn['usage']): Promise<void> => {
    if (turn.stall) {
      return stall(res, turn, model);
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'msh-request-id': `req-${chatCount}` });
    res.flushHeaders();
    if (turn.ttftMs) {
      await sleep(turn.ttftMs);
    }
    const chunks = turnChunks(turn, model, counted);
    if (!turn.noFinish && turn.cutAfterChunks === undefined) {
      usages.push(turn.usage ?? counted ?? DEFAULT_USAGE);
    }
    for (let i = 0; i < chunks.length; i++) {
      if (res.destroyed || !res.socket || res.socket.destroyed) {
        return;
      }
      if (turn.cutAfterChunks !== undefined && i >= turn.cutAfterChunks) {
        res.socket?.destroy();
        return;
      }
      const data = `data: ${JSON.stringify(chunks[i])}\n\n`;
      if (turn.cutAfterChunks !== undefined) {
        // Flushed before the cut, or destroy() would drop what the client should still receive.
        await new Promise<void>((resolve) => res.write(data, () => resolve()));
      } else {
        res.write(data);
      }
      if (turn.chunkDelayMs) {
        await sleep(turn.chunkDelayMs);
      }
    }
    res.end('data: [DONE]\n\n');
  };

  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      void (async () => {
        const bytes = Buffer.concat(parts);
        const raw = bytes.toString('utf8');
        const multipart = (req.headers['content-type'] ?? '').startsWith('multipart/form-data');
        let body: unknown;
        try {
          body = multipart ? { multipart: bytes.length } : raw ? JSON.parse(raw) : undefined;
        } catch {
          sendError(res, 400, 'invalid_request_error', 'Invalid request: body is not JSON');
          return;
        }
        const path = (req.url ?? '').split('?')[0] ?? '';
        requests.push({ method: req.method ?? '', path, headers: req.headers, body });
        if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) {
          sendError(res, 401, 'invalid_authentication_error', 'Invalid Authentication');
          return;
        }
        if (path.startsWith('/v1/files') && (await files.handle(req, path, bytes, res))) {
          return;
        }
        if (req.method === 'GET' && path === '/v1/models') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ object: 'list', data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'moonshot' })) }));
          return;
        }
        if (req.method === 'POST' && path === '/v1/tokenizers/estimate-token-count') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ data: { total_tokens: fakeTokenCount((body ?? {})) } }));
          return;
        }
        if (req.method === 'POST' && path === '/v1/chat/completions') {
          const chat = body as ChatBody;
          const refused = visionProblem(chat, visionModels);
          if (refused) {
            sendError(res, 400, 'invalid_request_error', refused);
            return;
          }
          const window = options.windows?.[chat.model];
          const prompt = fakeTokenCount(chat);
          if (window !== undefined && prompt + (chat.max_tokens ?? 1024) > window) {
            rejected.push(chat);
            sendError(res, 400, 'invalid_request_error', `Invalid request: Your request exceeded model token limit: ${window}`);
            return;
          }
          const index = chatCount++;
          const next = queue.shift() ?? (handler ? await handler(chat, index) : undefined);
          if (!next) {
            sendError(res, 500, 'server_error', 'fake kimi: no scripted reply left');
            return;
          }
          if ('error' in next) {
            if (next.delayMs) {
              await sleep(next.delayMs);
            }
            sendError(res, next.error.status, next.error.type, next.error.message);
            return;
          }
          const reply = (next.text ?? '') + (next.reasoning ?? '') + JSON.stringify(next.toolCalls ?? []);
          const completion = fakeTextTokens(reply);
          await streamTurn(res, next, chat.model, options.countUsage ? { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion } : undefined);
          return;
        }
        sendError(res, 404, 'resource_not_found_error', `Not found: ${req.method} ${path}`);
      })().catch((err: unknown) => {
        if (!res.headersSent) {
          sendError(res, 500, 'server_error', String(err));
        } else {
          res.destroy();
        }
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    rejected,
    usages,
    script: (...replies) => void queue.push(...replies),
    handle: (h) => {
      handler = h;
    },
    chatBodies: () => requests.filter((r) => r.path === '/v1/chat/completions').map((r) => r.body as ChatBody),
    files,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
