import { strict as assert } from 'node:assert';
import type { Embedder } from '../../src/core/embedding/embedder';
import { createEmbedder } from '../../src/core/embedding/factory';
import type { EmbeddingProgress } from '../../src/core/indexing/embeddingProgress';
import { Indexer } from '../../src/core/indexing/indexer';
import { fillVectors } from '../../src/core/indexing/vectorFiller';
import type { VectorStore } from '../../src/core/store/types';
import { FakeEmbeddingServer } from '../fakes/embeddingServer';
import { createCorpus } from './indexerHelpers';
import { getTestStore, uniqueCollectionName } from './milvusEnv';

const DIMS = 16;

/** The background fill with a priority hint (the files a user has open), on real Milvus Lite. */
describe('Vector fill order: the files a user works on first', function () {
  this.timeout(300_000);
  let store: VectorStore;
  let server: FakeEmbeddingServer;
  let embedder: Embedder;
  let corpus: { root: string; cleanup(): void };
  const name = uniqueCollectionName('fill_priority');

  before(async () => {
    store = await getTestStore();
    server = await new FakeEmbeddingServer({ dimensions: DIMS, apiKey: 'sk-test' }).start();
    embedder = createEmbedder({ baseUrl: server.url, apiKey: 'sk-test', model: 'fake-embed', dimensions: DIMS }, { tuning: { concurrency: 1 } });
    corpus = createCorpus(30);
  });
  after(async () => {
    await store.dropCollection(name).catch(() => undefined);
    corpus.cleanup();
    await server.close();
  });

  it('embeds the priority files first, then the rest, each chunk once, with the embedding phase reported', async () => {
    await new Indexer({ store, embedder, config: { include: [], exclude: [], maxFileSizeKb: 1024 }, vectors: 'background' }).indexFolder(corpus.root, { collection: name });
    const total = (await store.vectorCounts(name)).total;
    const open = ['pkg4/mod25.ts', 'pkg3/doc24.md'];
    const openChunks = (await Promise.all(open.map((p) => store.queryByPath(name, p)))).flat().length;
    assert.ok(openChunks >= 2 && openChunks < total / 4, `${openChunks} of ${total}`);
    server.reset();
    const seen: EmbeddingProgress[] = [];
    let asked = 0;
    const done = await fillVectors(
      { store, embedder, collection: name, batch: 4, priority: () => (asked++, open), onEmbedding: (p) => seen.push(p) },
      new AbortController().signal,
    );
    assert.deepEqual(done.counts, { withVector: total, total });
    const first = server.texts.slice(0, openChunks).map((t) => t.split('\n')[0]);
    assert.deepEqual([...new Set(first)].sort(), [...open].sort(), 'the open files were embedded before any other');
    assert.ok(server.texts.slice(openChunks).every((t) => !open.includes(t.split('\n')[0] ?? '')));
    assert.equal(new Set(server.texts).size, total, 'each chunk embedded once');
    assert.ok(asked > total / 4 - 1, 'the hint is asked again every round');
    // The embedding phase: from nothing to all, never backwards, with a rate once a request finished.
    assert.equal(seen.at(-1)?.chunksDone, total);
    assert.ok(seen.every((p, i) => i === 0 || p.chunksDone >= (seen[i - 1]?.chunksDone ?? 0)));
    assert.ok(seen.every((p) => p.chunksTotal === total && p.retries === 0 && p.tokensPerSecond !== undefined && p.tokensPerSecond > 0));
  });
});
