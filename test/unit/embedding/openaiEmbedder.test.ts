import { strict as assert } from 'node:assert';
import { ApiError, ConfigError, UserAbortError } from '../../../src/core/errors';
import { failureMessage } from '../../../src/cli/command';
import { userMessage } from '../../../src/extension/errorText';
import { createEmbedder } from '../../../src/core/embedding/factory';
import { NoneEmbedder } from '../../../src/core/embedding/noneEmbedder';
import { OpenAiEmbedder } from '../../../src/core/embedding/openaiEmbedder';
import { FakeEmbeddingServer, fakeEmbedding } from '../../fakes/embeddingServer';

const FAST = { baseDelayMs: 5, maxDelayMs: 20 };

describe('OpenAiEmbedder against a fake OpenAI-compatible server', () => {
  let server: FakeEmbeddingServer;
  beforeEach(async () => {
    server = await new FakeEmbeddingServer({ dimensions: 16, apiKey: 'sk-test-key' }).start();
  });
  afterEach(() => server.close());

  const embedder = (extra: Partial<ConstructorParameters<typeof OpenAiEmbedder>[0]> = {}): OpenAiEmbedder =>
    new OpenAiEmbedder({ baseUrl: server.url, apiKey: 'sk-test-key', model: 'fake-embed', dimensions: 16, ...FAST, ...extra });

  it('returns one vector per input, in input order, batching 64 inputs a request', async () => {
    const texts = Array.from({ length: 150 }, (_, i) => `text number ${i}`);
    const vectors = await embedder().embed(texts);
    assert.equal(vectors.length, 150);
    // Asked for as base64 float32: the server's vectors rounded to float32, nothing else.
    vectors.forEach((v, i) => assert.deepEqual(v, fakeEmbedding(texts[i], 16).map(Math.fround)));
    assert.equal(server.requests, 3);
    assert.equal(server.inputs, 150);
    assert.deepEqual(server.encodingFormats, ['base64', 'base64', 'base64']);
  });

  it('asks a server that refuses base64 once more for floats, and keeps floats from then on', async () => {
    server.acceptBase64 = false;
    const e = embedder();
    const first = await e.embed(['alpha beta', 'gamma']);
    assert.deepEqual(first, [fakeEmbedding('alpha beta', 16), fakeEmbedding('gamma', 16)]);
    await e.embed(['delta']);
    assert.deepEqual(server.encodingFormats, ['base64', 'float', 'float']);
  });

  it('takes floats from a server that ignores encoding_format, and rejects a broken base64 vector', async () => {
    const http = await import('node:http');
    const ignoring = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const broken = req.url?.includes('broken');
        res.end(JSON.stringify({ object: 'list', data: [{ object: 'embedding', index: 0, embedding: broken ? 'AAAAAAA=' : fakeEmbedding('x', 16) }] }));
      });
    });
    await new Promise<void>((resolve) => ignoring.listen(0, '127.0.0.1', resolve));
    try {
      const port = (ignoring.address() as { port: number }).port;
      const plain = new OpenAiEmbedder({ baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: undefined, model: 'm', dimensions: 16, ...FAST });
      assert.deepEqual(await plain.embed(['x']), [fakeEmbedding('x', 16)]);
      const broken = new OpenAiEmbedder({ baseUrl: `http://127.0.0.1:${port}/broken`, apiKey: undefined, model: 'm', dimensions: 16, ...FAST });
      await assert.rejects(broken.embed(['x']), /invalid response \(a base64 embedding is not a whole number of float32 values\)/);
    } finally {
      ignoring.close();
    }
  });

  it('bounds concurrency across calls', async () => {
    server.latencyMs = 30;
    const e = embedder({ batchSize: 1, concurrency: 3 });
    await Promise.all([e.embed(['a', 'b', 'c', 'd']), e.embed(['e', 'f', 'g', 'h'])]);
    assert.equal(server.requests, 8);
    assert.equal(server.maxConcurrent, 3);
  });

  it('retries 429 (honouring Retry-After) and 500, then succeeds', async () => {
    server.script({ status: 429, retryAfter: 0.2 }, { status: 500 }, { status: 503 });
    const started = Date.now();
    const vectors = await embedder().embed(['hello world']);
    assert.equal(vectors.length, 1);
    assert.equal(server.requests, 4);
    assert.ok(Date.now() - started >= 190, 'waited as long as Retry-After asked');
  });

  it('gives up after maxRetries with a clear, retryable ApiError', async () => {
    server.failAll = { status: 500 };
    await assert.rejects(embedder({ maxRetries: 2 }).embed(['x']), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.status, 500);
      assert.match(err.message, /HTTP 500.*Gave up after 2 retries/s);
      return true;
    });
    assert.equal(server.requests, 3);
  });

  it('fails at once on a bad key (401), naming what to fix and never the key', async () => {
    await assert.rejects(embedder({ apiKey: 'sk-wrong-key-123' }).embed(['x']), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.status, 401);
      assert.equal(err.retryable, false);
      assert.equal(err.code, 'auth');
      assert.match(err.message, /rejected the API key/);
      // The way out is worded by the front end, from the code.
      assert.match(failureMessage(err), /rejected the API key.*EMBEDDING_API_KEY/);
      assert.match(userMessage(err), /rejected the API key.*Set Embedding API Key/);
      assert.ok(!failureMessage(err).includes('sk-wrong-key-123'));
      return true;
    });
    assert.equal(server.requests, 1);
  });

  it('does not retry an exhausted quota', async () => {
    server.script({ status: 429, error: { code: 'insufficient_quota', message: 'You exceeded your current quota.' } });
    await assert.rejects(embedder().embed(['x']), /quota .* is used up/);
    assert.equal(server.requests, 1);
  });

  it('throws ConfigError when the model returns another dimension than configured', async () => {
    await assert.rejects(embedder({ dimensions: 32 }).embed(['x']), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /returns 16-dimensional vectors, but 32 are configured/);
      assert.equal(err.code, 'embedding-dimensions');
      assert.match(failureMessage(err), /Set the embedding dimensions to 16 \(EMBEDDING_DIMENSIONS/);
      return true;
    });
  });

  it('sends `dimensions` for text-embedding-3 models', async () => {
    const v = await embedder({ model: 'text-embedding-3-small', dimensions: 24 }).embed(['x']);
    assert.equal(v[0].length, 24);
  });

  it('cancels a slow request with UserAbortError', async () => {
    server.latencyMs = 5000;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    await assert.rejects(embedder().embed(['x'], controller.signal), UserAbortError);
    // The only meaningful bound: it did not wait for the server's answer (5 s), however loaded the machine.
    assert.ok(Date.now() - started < 4500);
  });

  it('cancels during a Retry-After wait', async () => {
    server.script({ status: 429, retryAfter: 30 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(embedder().embed(['x'], controller.signal), UserAbortError);
  });

  it('reports an unreachable endpoint after retries', async () => {
    const e = new OpenAiEmbedder({ baseUrl: 'http://127.0.0.1:1/v1', apiKey: 'k', model: 'm', dimensions: 4, maxRetries: 1, ...FAST });
    await assert.rejects(e.embed(['x']), /Embedding request to 127\.0\.0\.1:1 failed/);
  });

  it('identifies its vectors by host and model, without the port', () => {
    assert.deepEqual(embedder().spec, { model: '127.0.0.1:fake-embed', dimensions: 16 });
  });
});

describe('createEmbedder', () => {
  it('is "none" (BM25 only) with neither endpoint nor key', () => {
    const e = createEmbedder({ baseUrl: undefined, apiKey: undefined, model: 'text-embedding-3-small', dimensions: 1536 });
    assert.ok(e instanceof NoneEmbedder);
    assert.equal(e.spec, null);
  });

  it('is OpenAI for a key without an endpoint', () => {
    const e = createEmbedder({ baseUrl: '', apiKey: 'sk-x', model: 'text-embedding-3-small', dimensions: 1536 });
    assert.deepEqual(e.spec, { model: 'openai:text-embedding-3-small', dimensions: 1536 });
  });

  it('refuses a malformed URL or dimension with ConfigError', () => {
    assert.throws(() => createEmbedder({ baseUrl: 'not a url', apiKey: undefined, model: 'm', dimensions: 8 }), ConfigError);
    assert.throws(() => createEmbedder({ baseUrl: 'ftp://x', apiKey: undefined, model: 'm', dimensions: 8 }), ConfigError);
    assert.throws(() => createEmbedder({ baseUrl: 'http://x', apiKey: undefined, model: 'm', dimensions: 0 }), ConfigError);
  });
});
