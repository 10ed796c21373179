import { strict as assert } from 'node:assert';
import { appendFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Embedder } from '../../src/core/embedding/embedder';
import { createEmbedder } from '../../src/core/embedding/factory';
import { Indexer } from '../../src/core/indexing/indexer';
import { fillVectors } from '../../src/core/indexing/vectorFiller';
import { chunkInput } from '../../src/core/store/searchText';
import type { VectorStore } from '../../src/core/store/types';
import { FakeEmbeddingServer } from '../fakes/embeddingServer';
import { createCorpus } from './indexerHelpers';
import { getTestStore, uniqueCollectionName } from './milvusEnv';

const DIMS = 32;
const CONFIG = { include: [], exclude: [], maxFileSizeKb: 1024 };

describe('Progressive hybrid on real Milvus Lite', function () {
  this.timeout(300_000);
  let store: VectorStore;
  let server: FakeEmbeddingServer;
  let embedder: Embedder;
  let corpus: { root: string; cleanup(): void };
  const created: string[] = [];

  before(async () => {
    store = await getTestStore();
    // Slow mode: every embedding request waits, as a CPU-bound local model would.
    server = await new FakeEmbeddingServer({ dimensions: DIMS, apiKey: 'sk-test', latencyMs: 150 }).start();
    embedder = createEmbedder({ baseUrl: server.url, apiKey: 'sk-test', model: 'fake-embed', dimensions: DIMS }, { tuning: { baseDelayMs: 5, maxDelayMs: 40, maxRetries: 3, concurrency: 1 } });
    corpus = createCorpus(40);
  });
  after(async () => {
    for (const name of created) {
      await store.dropCollection(name).catch(() => undefined);
    }
    corpus.cleanup();
    await server.close();
  });

  it('writes rows before vectors, searches them mid-fill, resumes after a stop, never embeds a chunk twice', async () => {
    const name = uniqueCollectionName('progressive');
    created.push(name);
    const indexer = new Indexer({ store, embedder, config: CONFIG, vectors: 'background' });
    server.reset();
    const summary = await indexer.indexFolder(corpus.root, { collection: name });
    assert.ok(summary.chunksWritten > 40, `a corpus of several rounds (${summary.chunksWritten} chunks)`);
    assert.equal(summary.chunksEmbedded, 0, 'indexing did not wait for vectors');
    assert.equal(server.texts.length, 0, 'nothing was sent to the embedder while indexing');
    const before = await store.vectorCounts(name);
    assert.deepEqual(before, { withVector: 0, total: summary.chunksWritten });

    // Keyword search works as soon as the rows are written, with or without a query vector.
    const [qv] = await embedder.embed(['handler5_2 input']);
    server.reset();
    const bm25 = await store.search(name, 'handler5_2', { limit: 5 });
    assert.equal(bm25[0]?.path, 'pkg5/mod5.ts');
    const hybridEmpty = await store.search(name, 'handler5_2', { limit: 5, vector: qv });
    assert.equal(hybridEmpty[0]?.path, 'pkg5/mod5.ts', 'hybrid search loses no row that has no vector yet');

    // A first fill, stopped after two rounds (a cancel, or the window closing).
    const stop = new AbortController();
    let rounds = 0;
    await assert.rejects(
      fillVectors({ store, embedder, collection: name, batch: 16, onProgress: () => ++rounds === 2 && stop.abort() }, stop.signal),
      (err: Error) => err.name === 'AbortError' || /abort|cancel/i.test(err.message),
    );
    const mid = await store.vectorCounts(name);
    assert.equal(mid.withVector, 32, 'two rounds of 16 have their vectors');
    assert.ok(mid.withVector < mid.total);

    // Mid-fill, a hybrid search returns rows with vectors and rows without.
    const pending = new Set((await store.rowsWithoutVectors(name, { limit: 10_000 })).map((r) => r.id));
    assert.equal(pending.size, mid.total - mid.withVector);
    const mixed = await store.search(name, 'input number return handler section document feature', { limit: 40, vector: qv });
    assert.ok(mixed.some((h) => pending.has(h.id)), 'some hits have no vector yet');
    assert.ok(mixed.some((h) => !pending.has(h.id)), 'some hits have their vector');

    // A restart: a new filler knows nothing but what Milvus says is missing, and completes the rest.
    // (The round that was being embedded when the stop came was lost with it, so it is not counted.)
    server.reset();
    const done = await fillVectors({ store, embedder, collection: name }, new AbortController().signal);
    assert.deepEqual(done.counts, { withVector: mid.total, total: mid.total });
    assert.equal(done.embedded, mid.total - 32);
    const sent = server.texts;
    assert.equal(new Set(sent).size, sent.length, 'no chunk was embedded twice');
    assert.equal(sent.length, mid.total - 32, 'only the rows without a vector were embedded');

    // Re-index after one edit: only the changed chunk is written without a vector and embedded again.
    appendFileSync(path.join(corpus.root, 'pkg0', 'doc0.md'), '\nA closing remark about retention.\n');
    server.reset();
    await indexer.indexFolder(corpus.root, { collection: name });
    const after = await store.vectorCounts(name);
    assert.ok(after.total - after.withVector >= 1 && after.total - after.withVector <= 2, `only the edited chunk(s) wait: ${JSON.stringify(after)}`);
    const refill = await fillVectors({ store, embedder, collection: name }, new AbortController().signal);
    assert.equal(refill.embedded, after.total - after.withVector);
    assert.ok(server.texts.every((t) => t.startsWith('pkg0/doc0.md\n')), 'only the edited file was embedded');
    const rows = await store.queryByPath(name, 'pkg0/doc0.md');
    assert.ok(server.texts.includes(chunkInput(rows.at(-1)!.path, rows.at(-1)!.text, rows.at(-1)!.section)));
    const hybrid = await store.search(name, 'closing remark about retention', { limit: 3, vector: (await embedder.embed(['closing remark about retention']))[0] });
    assert.equal(hybrid[0]?.path, 'pkg0/doc0.md');
  });

  it('a row deleted between the filler\'s query and its write costs that row only', async () => {
    const name = uniqueCollectionName('progressive_race');
    created.push(name);
    await new Indexer({ store, embedder, config: CONFIG, vectors: 'background' }).indexFolder(corpus.root, { collection: name });
    await assert.rejects(store.setVectors(name, [{ id: 'f'.repeat(32), vector: Array.from({ length: DIMS }, () => 0.1) }]), 'Milvus refuses a vector for a row that does not exist');
    // The real store, with an index run's delete landing right after the filler read its round.
    let victim: string | undefined;
    const racing: VectorStore = Object.create(store) as VectorStore;
    racing.rowsWithoutVectors = async (n, query, signal) => {
      const rows = await store.rowsWithoutVectors(n, query, signal);
      if (!victim && rows.length > 0) {
        victim = rows[0].id;
        await store.deleteByIds(n, [victim], signal);
      }
      return rows;
    };
    const done = await fillVectors({ store: racing, embedder, collection: name, batch: 16 }, new AbortController().signal);
    assert.ok(victim);
    assert.equal(done.counts.withVector, done.counts.total, 'every remaining row has its vector');
    assert.equal((await store.rowsWithoutVectors(name, { limit: 100 })).length, 0);
  });
});
