/**
 * The core services root (src/core/services.ts) every front end holds, on the real Milvus Lite of
 * the test data dir, reached by URI so that opening and closing here never touches the shared lease.
 */
import { strict as assert } from 'node:assert';
import type { EmbeddingConfig, IndexConfig, MilvusConfig } from '../../src/core/config';
import { StoreError } from '../../src/core/errors';
import { createEmbedder } from '../../src/core/embedding/factory';
import { nullLogger } from '../../src/core/logger';
import { findFreePort } from '../../src/core/milvus/processes';
import { CoreServices } from '../../src/core/services';
import { openStore } from '../../src/core/store/factory';
import { getTestHandle, testMilvusConfig } from './milvusEnv';

describe('CoreServices (the lazily opened services root)', function () {
  this.timeout(120_000);
  const embedding: EmbeddingConfig = { baseUrl: undefined, apiKey: undefined, model: 'text-embedding-3-small', dimensions: 1536 };
  let milvus: MilvusConfig;
  let index: IndexConfig;
  let opens: number;
  let services: CoreServices;

  beforeEach(async () => {
    milvus = { ...testMilvusConfig(), uri: `http://${(await getTestHandle()).address}` };
    index = { include: [], exclude: [], maxFileSizeKb: 1024 };
    opens = 0;
    services = new CoreServices({
      inputs: () => ({ milvus, embedding, index }),
      openStore: (config) => {
        opens++;
        return openStore(config);
      },
      createEmbedder: (inputs) => createEmbedder(inputs.embedding),
      logger: nullLogger,
    });
  });

  afterEach(() => services.dispose());

  it('opens the store once, on first use, for callers that ask at the same time', async () => {
    assert.equal(services.readyStore, undefined);
    const deferred = services.deferredStore;
    assert.equal(opens, 0, 'taking the deferred store opens nothing');
    const [a, b] = await Promise.all([services.store(), services.store()]);
    assert.equal(opens, 1);
    assert.equal(a, b);
    assert.equal(services.readyStore, a);
    assert.deepEqual(await deferred.listCollections(), await a.listCollections());
    assert.equal(opens, 1);
  });

  it('closing forgets the store: the next use opens a new one; a second close has nothing to close', async () => {
    const first = await services.store();
    assert.equal(await services.closeStore(), true);
    assert.equal(services.readyStore, undefined);
    assert.equal(await services.closeStore(), false);
    const second = await services.store();
    assert.notEqual(second, first);
    assert.equal(opens, 2);
  });

  it('a failed open is forgotten, so the next use (after the setting is fixed) opens the store', async () => {
    const good = milvus;
    milvus = { ...good, uri: `http://127.0.0.1:${await findFreePort()}` };
    await assert.rejects(services.store(), (err: unknown) => err instanceof StoreError && err.code === 'unavailable');
    assert.equal(services.readyStore, undefined);
    milvus = good;
    assert.ok(await services.store());
    assert.equal(opens, 2);
  });

  it('keeps one Indexer while its inputs stay the same, and builds a new one when they change', async () => {
    const first = await services.indexer();
    assert.equal(await services.indexer(), first);
    index = { ...index, maxFileSizeKb: 10 };
    const second = await services.indexer();
    assert.notEqual(second, first);
    const embedder = await services.embedder();
    services.dropEmbedder();
    assert.notEqual(await services.embedder(), embedder);
    assert.notEqual(await services.indexer(), second);
  });
});
