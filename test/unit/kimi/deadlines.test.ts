/**
 * Each stall shape of a paid API ends with a clear message within its (test-sized) deadline, and
 * is retried only as the retry policy says. Real HTTP against the fake servers; no timing asserted.
 */
import { strict as assert } from 'node:assert';
import type { KimiConfig } from '../../../src/core/config';
import { OpenAiEmbedder } from '../../../src/core/embedding/openaiEmbedder';
import { ApiError } from '../../../src/core/errors';
import { KimiClient } from '../../../src/core/kimi/kimiClient';
import { sseEvents } from '../../../src/core/net/deadlines';
import { FakeEmbeddingServer } from '../../fakes/embeddingServer';
import { type FakeKimi, startFakeKimi } from '../../fakes/kimiServer';

const KEY = 'sk-deadline-key-123456';
const SHORT = { headersMs: 300, idleMs: 300, totalMs: 5_000 };

function config(kimi: FakeKimi, deadlines = SHORT): KimiConfig {
  return { apiKey: KEY, baseUrl: kimi.baseUrl, model: 'kimi-k2.5', temperature: undefined, maxSteps: 16, webSearch: false, deadlines };
}

describe('deadlines: Kimi', () => {
  let kimi: FakeKimi;
  beforeEach(async () => {
    kimi = await startFakeKimi({ apiKey: KEY });
  });
  afterEach(async () => {
    await kimi.close();
  });

  const cases: Array<{ name: string; stall: 'no-headers' | 'after-first-chunk' | 'pings'; message: RegExp; deadlines?: typeof SHORT }> = [
    { name: 'no headers', stall: 'no-headers', message: /Kimi sent no response within 300 ms/ },
    { name: 'one chunk, then silence', stall: 'after-first-chunk', message: /Kimi sent nothing new for 300 ms/ },
    { name: 'only ": ping" comments', stall: 'pings', message: /Kimi sent nothing new for 300 ms/ },
    { name: 'pings past the total limit', stall: 'pings', message: /Kimi did not finish the request within 800 ms/, deadlines: { headersMs: 5_000, idleMs: 60_000, totalMs: 800 } },
  ];
  for (const c of cases) {
    it(`${c.name}: ends with a clear error, retried exactly as the policy says`, async () => {
      // A tool call's arguments: nothing reaches the user before the stall, so the cut is retryable.
      for (let i = 0; i < 3; i++) {
        kimi.script({ toolCalls: [{ name: 'read_file', arguments: { path: 'a.ts' } }], stall: c.stall });
      }
      const client = new KimiClient(config(kimi, c.deadlines), { retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 5 } });
      const retries: string[] = [];
      await assert.rejects(
        client.chat({ messages: [{ role: 'user', content: 'hi' }] }, { onRetry: (_a, _d, reason) => retries.push(reason) }),
        (err: unknown) => err instanceof ApiError && err.type === 'timeout' && c.message.test(err.message) && err.retryable,
      );
      assert.equal(kimi.chatBodies().length, 3, 'first attempt + maxRetries');
      assert.equal(retries.length, 2);
    });
  }
});

describe('deadlines: embeddings', () => {
  let server: FakeEmbeddingServer;
  beforeEach(async () => {
    server = await new FakeEmbeddingServer({ dimensions: 8 }).start();
  });
  afterEach(async () => {
    await server.close();
  });

  for (const stall of ['no-headers', 'half-body'] as const) {
    it(`${stall}: fails with the deadline's message after the allowed retries`, async () => {
      server.failAll = undefined;
      server.script({ stall }, { stall });
      const embedder = new OpenAiEmbedder({ baseUrl: server.url, apiKey: KEY, model: 'fake', dimensions: 8, maxRetries: 1, baseDelayMs: 1, maxDelayMs: 2, deadlines: SHORT });
      await assert.rejects(embedder.embed(['hello']), (err: unknown) =>
        err instanceof ApiError && (stall === 'no-headers' ? /sent no response within 300 ms/ : /sent nothing new for 300 ms/).test(err.message) && /Gave up after 1 retries/.test(err.message),
      );
      assert.equal(server.requests, 2);
    });
  }
});

describe('sseEvents progress filter', () => {
  it('counts data lines, not comments or blank lines, across chunk boundaries', () => {
    const p = sseEvents();
    const enc = (t: string): Uint8Array => new TextEncoder().encode(t);
    assert.equal(p(enc(': ping\n\n')), false);
    assert.equal(p(enc(': pi')), false);
    assert.equal(p(enc('ng\n\n')), false);
    assert.equal(p(enc('data: {"a"')), true);
    assert.equal(p(enc(':1}\n\n')), true, 'a colon inside a data line is data');
    assert.equal(p(enc('\r\n')), false);
  });
});
