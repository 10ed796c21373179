import { strict as assert } from 'node:assert';
import { StoreError } from '../../src/core/errors';
import { findFreePort } from '../../src/core/milvus/processes';
import { embeddedServer, openStore } from '../../src/core/store/factory';
import { getTestHandle, getTestStore, testMilvusConfig, uniqueCollectionName } from './milvusEnv';

describe('MilvusStore over a Milvus URI (remote mode)', function () {
  this.timeout(180_000);

  it('works against a server given by URI, and disposing it leaves the server alone', async () => {
    const embedded = await getTestHandle();
    const name = uniqueCollectionName('remote');
    await embedded.store.createCollection(name, { embedding: null, description: 'via embedded' });
    const remote = await openStore({ ...testMilvusConfig(), uri: `http://${embedded.address}` }, {});
    try {
      assert.equal(remote.mode, 'remote');
      assert.equal(remote.address, `http://${embedded.address}`);
      await remote.store.upsert(name, [
        { id: 'ab01', path: 'r.ts', startLine: 1, endLine: 1, chunkIndex: 0, totalChunks: 1, language: 'ts', fileHash: 'h', text: 'remoteOnlyToken here' },
      ]);
      const hits = await (await getTestStore()).search(name, 'remoteOnlyToken');
      assert.equal(hits[0]?.id, 'ab01');
      assert.equal((await remote.store.describeCollection(name)).description, 'via embedded');
    } finally {
      await remote.dispose();
      await embedded.store.dropCollection(name);
    }
    assert.equal((await embeddedServer(testMilvusConfig()).status()).running, true);
  });

  it('fails fast with StoreError unavailable when nothing listens at the URI', async () => {
    const port = await findFreePort();
    const started = Date.now();
    await assert.rejects(openStore({ ...testMilvusConfig(), uri: `http://127.0.0.1:${port}` }, {}), (err: unknown) => {
      assert.ok(err instanceof StoreError, String(err));
      assert.equal(err.code, 'unavailable');
      assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
      return true;
    });
    assert.ok(Date.now() - started < 30_000);
  });
});
