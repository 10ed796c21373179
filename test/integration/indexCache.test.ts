/**
 * The local index cache on real Milvus Lite: a re-index diffs against it only while it agrees
 * with Milvus (same generation token, same row count); a cache that disagrees is detected, the
 * run reads the collection instead, and the index ends equal to a clean one.
 */
import { strict as assert } from 'node:assert';
import { appendFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Embedder } from '../../src/core/embedding/embedder';
import { createEmbedder } from '../../src/core/embedding/factory';
import type { IndexSummary } from '../../src/core/indexing/events';
import { Indexer } from '../../src/core/indexing/indexer';
import type { VectorStore } from '../../src/core/store/types';
import { FakeEmbeddingServer } from '../fakes/embeddingServer';
import { FIXTURE_CONFIG } from '../unit/indexing/workspaceFixture';
import { createCorpus, snapshot } from './indexerHelpers';
import { getTestStore, uniqueCollectionName } from './milvusEnv';

const DIMS = 16;

describe('Index cache on real Milvus Lite', function () {
  this.timeout(300_000);
  let store: VectorStore;
  let server: FakeEmbeddingServer;
  let embedder: Embedder;
  let cacheDir: string;
  const created: string[] = [];

  before(async () => {
    store = await getTestStore();
    server = await new FakeEmbeddingServer({ dimensions: DIMS }).start();
    embedder = createEmbedder({ baseUrl: server.url, apiKey: 'sk-test', model: 'fake-embed', dimensions: DIMS });
    cacheDir = mkdtempSync(path.join(os.tmpdir(), 'kimi-cache-'));
  });
  after(async () => {
    for (const name of created) {
      await store.dropCollection(name).catch(() => undefined);
    }
    await server.close();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  const indexer = (withCache = true): Indexer => new Indexer({ store, embedder, config: FIXTURE_CONFIG, ...(withCache ? { cacheDir } : {}) });

  it('is used while it agrees with Milvus, and rebuilt when it does not', async () => {
    const corpus = createCorpus(30);
    const name = uniqueCollectionName('cache');
    created.push(name);
    try {
      const run = async (): Promise<IndexSummary> => {
        server.reset();
        return indexer().indexFolder(corpus.root, { collection: name });
      };
      const full = await run();
      assert.equal(full.diffedAgainst, 'milvus', 'no cache yet');
      assert.equal(full.filesIndexed, 30);

      const noop = await run();
      assert.equal(noop.diffedAgainst, 'cache');
      assert.equal(noop.filesUnchanged, 30);
      assert.equal(server.requests, 0);

      const ts = path.join(corpus.root, 'pkg1', 'mod1.ts');
      appendFileSync(ts, '\nexport function appended(x: number): number {\n  return x + 1;\n}\n');
      const one = await run();
      assert.equal(one.diffedAgainst, 'cache');
      assert.equal(one.filesIndexed, 1);
      assert.ok(server.inputs >= 1 && server.inputs <= 2, `${server.inputs} chunks embedded`);

      // Rows removed behind the cache's back: the row count disagrees, the run reads Milvus and restores them.
      const md = 'pkg0/doc0.md';
      const lost = (await store.queryByPath(name, md)).length;
      await store.deleteByPath(name, md);
      const repaired = await run();
      assert.equal(repaired.diffedAgainst, 'milvus', 'a row count that disagrees is detected');
      assert.equal(repaired.filesIndexed, 1);
      assert.equal(server.inputs, lost, 'the lost rows were written again');
      assert.equal((await run()).diffedAgainst, 'cache', 'and the rebuilt cache is used next time');

      // Another writer (here an indexer without a cache) changes the generation: the cache is stale.
      writeFileSync(ts, 'export const replaced = 1;\n');
      await indexer(false).indexFile(ts, name, corpus.root);
      const afterOther = await run();
      assert.equal(afterOther.diffedAgainst, 'milvus', 'a generation set by another writer is detected');
      assert.equal(afterOther.filesUnchanged, 30);

      // A damaged cache file is never trusted.
      for (const f of readdirSync(cacheDir)) {
        writeFileSync(path.join(cacheDir, f), '{"format":1,');
      }
      assert.equal((await run()).diffedAgainst, 'milvus');

      const clean = uniqueCollectionName('cache_clean');
      created.push(clean);
      await indexer(false).indexFolder(corpus.root, { collection: clean });
      assert.deepEqual(await snapshot(store, name), await snapshot(store, clean));
    } finally {
      corpus.cleanup();
    }
  });

  it('a file rewritten with the same size and mtime within the racy window is read again', async () => {
    const corpus = createCorpus(3);
    const name = uniqueCollectionName('cache_racy');
    created.push(name);
    try {
      await indexer().indexFolder(corpus.root, { collection: name });
      // Written just now (within 2 s of the run that cached it): the next run hashes it instead of trusting its mtime.
      const ts = path.join(corpus.root, 'pkg1', 'mod1.ts');
      await indexer().indexFolder(corpus.root, { collection: name });
      const { readFileSync, statSync, utimesSync } = await import('node:fs');
      const before = statSync(ts);
      writeFileSync(ts, readFileSync(ts, 'utf8').replace('part 1', 'part X'));
      utimesSync(ts, before.atime, before.mtime);
      server.reset();
      const s = await indexer().indexFolder(corpus.root, { collection: name });
      assert.equal(s.diffedAgainst, 'cache');
      assert.equal(s.filesIndexed, 1, 'the same-size edit was found');
      assert.ok(server.inputs >= 1);
    } finally {
      corpus.cleanup();
    }
  });
});
