/**
 * A slow embedding endpoint (a CPU server whose time grows with the batch) against the embedder's
 * deadlines: the deadline grows with the batch, a batch that still hits it is split rather than
 * sent whole again, every retry is reported, and what finally fails says why (core) and what to set
 * (each front end's words, by the error's code). Real HTTP
 * against the fake server with test-sized deadlines and delays; the logic is the product's.
 */
import { strict as assert } from 'node:assert';
import type { EmbedRetry } from '../../../src/core/embedding/embedder';
import { DEADLINE_INPUTS, OpenAiEmbedder, scaledDeadlines } from '../../../src/core/embedding/openaiEmbedder';
import { EmbeddingApiError } from '../../../src/core/errors';
import { VSCODE_WORDS } from '../../../src/extension/errorText';
import { COMMAND_LINE_WORDS } from '../../../src/text/commandLineWords';
import { errorText } from '../../../src/text/errorText';
import { FakeEmbeddingServer, fakeEmbedding } from '../../fakes/embeddingServer';

const KEY = 'sk-slow-endpoint';
const DIMS = 8;

function embedderFor(server: FakeEmbeddingServer, headersMs: number, batchSize: number, maxRetries = 2): OpenAiEmbedder {
  return new OpenAiEmbedder({
    baseUrl: server.url, apiKey: KEY, model: 'fake', dimensions: DIMS, batchSize, concurrency: 1, maxRetries, baseDelayMs: 1, maxDelayMs: 2,
    deadlines: { headersMs, idleMs: 10_000, totalMs: 60_000 },
  });
}

const texts = (n: number): string[] => Array.from({ length: n }, (_, i) => `chunk number ${i} about topic ${i % 7}`);

describe('slow embedding endpoints', () => {
  let server: FakeEmbeddingServer;
  beforeEach(async () => {
    server = await new FakeEmbeddingServer({ dimensions: DIMS }).start();
  });
  afterEach(async () => {
    await server.close();
  });

  it('scales the headers and total deadlines with the batch, never below the configured ones', () => {
    const base = { headersMs: 30_000, idleMs: 60_000, totalMs: 600_000 };
    assert.deepEqual(scaledDeadlines(base, 1), base);
    assert.deepEqual(scaledDeadlines(base, DEADLINE_INPUTS), base);
    assert.deepEqual(scaledDeadlines(base, 64), { headersMs: 120_000, idleMs: 60_000, totalMs: 2_400_000 });
  });

  it('gives a batch of 64 four times the headers deadline of 16, so it is answered in one request', async () => {
    // 64 inputs take 600 ms: three times the 200 ms meant for 16 inputs, well within 4 × 200 ms.
    server.latencyPerInputMs = 600 / 64;
    const vectors = await embedderFor(server, 200, 64).embed(texts(64));
    assert.deepEqual(server.batchSizes, [64]);
    assert.deepEqual(vectors[5], fakeEmbedding(texts(64)[5], DIMS).map((v) => Math.fround(v)));
  });

  it('splits a batch that hits the deadline instead of sending it whole again, and reports each split', async () => {
    // 75 ms per input against 400 ms for up to 16 inputs: 16 and 8 inputs (1.2 s, 600 ms) miss it, 4 (300 ms) make it.
    server.latencyPerInputMs = 75;
    const retries: EmbedRetry[] = [];
    const embedded: number[] = [];
    const input = texts(16);
    const vectors = await embedderFor(server, 400, 16).embed(input, undefined, {
      onRetry: (r) => retries.push(r),
      onEmbedded: (n) => embedded.push(n),
    });
    assert.equal(vectors.length, 16);
    input.forEach((t, i) => assert.deepEqual(vectors[i], fakeEmbedding(t, DIMS).map((v) => Math.fround(v)), `vector ${i} in input order`));
    assert.equal(server.batchSizes.filter((n) => n === 16).length, 1, 'the whole batch was sent once');
    assert.ok(retries.length >= 3 && retries.every((r) => r.action === 'split' && /sent no response within 400 ms/.test(r.reason)), JSON.stringify(retries));
    assert.equal(retries[0]?.inputs, 16);
    assert.equal(embedded.reduce((a, b) => a + b, 0), 16, 'every input embedded exactly once');
    // Each request that failed was followed by its halves, never by itself again.
    for (const r of retries) {
      assert.ok(server.batchSizes.includes(Math.ceil(r.inputs / 2)));
    }
  });

  it('after repeated deadlines on a single input, says why and which settings give the endpoint more time', async () => {
    server.latencyPerInputMs = 500;
    const retries: EmbedRetry[] = [];
    const err = await embedderFor(server, 100, 4, 2)
      .embed(texts(2), undefined, { onRetry: (r) => retries.push(r) })
      .then(() => assert.fail('the single input never meets its deadline'), (e: unknown) => e);
    assert.ok(err instanceof EmbeddingApiError, String(err));
    assert.equal(err.code, 'timeout');
    assert.match(err.message, /sent no response within 100 ms\..*Gave up after 2 retries\. Even a request of 1 input did not finish in time/s);
    assert.doesNotMatch(err.message, /KIMI_MILVUS|kimiMilvus\.|--connect-timeout/, 'core names no front end\'s settings');
    assert.match(errorText(err, COMMAND_LINE_WORDS), /Give it more time \(the connect timeout: --connect-timeout or KIMI_MILVUS_CONNECT_TIMEOUT; the whole request: --request-timeout or KIMI_MILVUS_REQUEST_TIMEOUT\)/);
    assert.match(errorText(err, VSCODE_WORDS), /the connect timeout: "kimiMilvus\.network\.connectTimeoutSeconds"/);
    // 2 inputs → split → the first single input: tried 1 + 2 times, then the run stops.
    assert.deepEqual(server.batchSizes, [2, 1, 1, 1]);
    assert.deepEqual(retries.map((r) => r.action), ['split', 'retry', 'retry']);
  });
});
