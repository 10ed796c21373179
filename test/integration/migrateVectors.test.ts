import { strict as assert } from 'node:assert';
import type { Embedder } from '../../src/core/embedding/embedder';
import { createEmbedder } from '../../src/core/embedding/factory';
import { Indexer } from '../../src/core/indexing/indexer';
import { fillVectors } from '../../src/core/indexing/vectorFiller';
import { migrateVectors, migrationName } from '../../src/core/store/migrate';
import type { VectorStore } from '../../src/core/store/types';
import { FakeEmbeddingServer } from '../fakes/embeddingServer';
import { createCorpus } from './indexerHelpers';
import { getTestStore, uniqueCollectionName } from './milvusEnv';

const CONFIG = { include: [], exclude: [], maxFileSizeKb: 1024 };
const none: Embedder = { spec: null, embed: () => Promise.reject(new Error('keyword-only: nothing is embedded')) };

describe('Changing the embedding model migrates a collection in place (real Milvus Lite)', function () {
  this.timeout(300_000);
  let store: VectorStore;
  /** One fake endpoint per dimension (a real one answers in the model's own size). */
  const servers = new Map<number, FakeEmbeddingServer>();
  let corpus: { root: string; cleanup(): void };
  const created: string[] = [];
  const embedderOf = (dimensions: number): Embedder =>
    createEmbedder({ baseUrl: servers.get(dimensions)?.url, apiKey: 'sk-test', model: `fake-${dimensions}`, dimensions }, { tuning: { baseDelayMs: 5, maxDelayMs: 40, maxRetries: 3, concurrency: 1 } });

  before(async () => {
    store = await getTestStore();
    for (const dimensions of [16, 8]) {
      servers.set(dimensions, await new FakeEmbeddingServer({ dimensions, apiKey: 'sk-test' }).start());
    }
    corpus = createCorpus(12);
  });
  after(async () => {
    for (const name of created) {
      await store.dropCollection(name).catch(() => undefined);
      await store.dropCollection(migrationName(name)).catch(() => undefined);
    }
    corpus.cleanup();
    for (const server of servers.values()) {
      await server.close();
    }
  });

  it('keyword-only → vectors → another dimension: rows, ids and keyword search survive; the next run is incremental', async () => {
    const name = uniqueCollectionName('migrate');
    created.push(name);
    const summary = await new Indexer({ store, embedder: none, config: CONFIG }).indexFolder(corpus.root, { collection: name });
    const ids = async (): Promise<string[]> => (await store.listIndexedFiles(name)).flatMap((f) => f.ids).sort();
    const before = await ids();
    assert.equal(before.length, summary.chunksWritten);

    const sixteen = embedderOf(16);
    assert.deepEqual(await store.fit(name, sixteen.spec), { kind: 'vectors', from: null, to: sixteen.spec });
    const progress: number[] = [];
    const copied = await migrateVectors(store, name, sixteen.spec, { onProgress: (n) => progress.push(n) });
    assert.equal(copied, before.length);
    assert.equal(progress.at(-1), before.length);
    assert.deepEqual(await store.fit(name, sixteen.spec), { kind: 'ok' });
    assert.equal(await store.hasCollection(migrationName(name)), false, 'the copy keeps the old name, not its own');
    assert.deepEqual(await ids(), before, 'the same rows, the same ids');
    const info = await store.describeCollection(name);
    assert.deepEqual(info.embedding, sixteen.spec);
    assert.ok(info.metadata.root, 'the folder the collection mirrors is kept');
    assert.equal((await store.search(name, 'handler5_2', { limit: 3 }))[0]?.path, 'pkg5/mod5.ts', 'keyword search works before any vector');
    assert.deepEqual(await store.vectorCounts(name), { withVector: 0, total: before.length });
    await fillVectors({ store, embedder: sixteen, collection: name }, new AbortController().signal);
    assert.deepEqual(await store.vectorCounts(name), { withVector: before.length, total: before.length });

    // The next index run with the new model finds nothing to do.
    const again = await new Indexer({ store, embedder: sixteen, config: CONFIG, vectors: 'background' }).indexFolder(corpus.root, { collection: name });
    assert.equal(again.chunksWritten, 0);

    // Another dimension: the vectors go, the rows stay, and the background fill makes new ones.
    const eight = embedderOf(8);
    assert.equal((await store.fit(name, eight.spec)).kind, 'vectors');
    await migrateVectors(store, name, eight.spec);
    assert.deepEqual(await ids(), before);
    assert.deepEqual(await store.vectorCounts(name), { withVector: 0, total: before.length });
    await fillVectors({ store, embedder: eight, collection: name }, new AbortController().signal);
    const [qv] = await eight.embed(['handler5_2 input']);
    assert.equal((await store.search(name, 'handler5_2', { limit: 3, vector: qv }))[0]?.path, 'pkg5/mod5.ts');
  });

  it('a cancelled migration leaves the collection as it was; an interrupted swap is finished by the next one', async () => {
    const name = uniqueCollectionName('migrate_cancel');
    created.push(name);
    await new Indexer({ store, embedder: none, config: CONFIG }).indexFolder(corpus.root, { collection: name });
    const total = (await store.vectorCounts(name)).total;
    const controller = new AbortController();
    await assert.rejects(
      migrateVectors(store, name, embedderOf(16).spec, { onProgress: () => controller.abort(), signal: controller.signal }),
      (err: Error) => err.name === 'UserAbortError',
    );
    assert.equal(await store.hasCollection(migrationName(name)), false);
    assert.deepEqual(await store.fit(name, null), { kind: 'ok' });
    assert.equal((await store.vectorCounts(name)).total, total);

    // A crash after the old collection was dropped: only the copy is left.
    await migrateVectors(store, name, embedderOf(16).spec);
    await store.renameCollection(name, migrationName(name));
    assert.equal(await store.hasCollection(name), false);
    await migrateVectors(store, name, embedderOf(16).spec);
    assert.equal(await store.hasCollection(name), true);
    assert.equal((await store.vectorCounts(name)).total, total);
  });
});
