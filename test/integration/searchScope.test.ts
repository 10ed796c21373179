/** search_workspace kept to the folders a user mentioned with @ (ToolContext.searchScope), on real Milvus Lite. */
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createToolRegistry } from '../../src/core/agent/tools';
import { createEmbedder } from '../../src/core/embedding/factory';
import { Indexer } from '../../src/core/indexing/indexer';
import type { VectorStore } from '../../src/core/store/types';
import { getTestStore, uniqueCollectionName } from './milvusEnv';

describe('search_workspace scoped to mentioned folders (real Milvus Lite)', function () {
  this.timeout(300_000);
  let store: VectorStore;
  let ws: string;
  const collection = uniqueCollectionName('scope_ws');
  const embedder = createEmbedder({ baseUrl: undefined, apiKey: undefined, model: 'none', dimensions: 2 });

  before(async () => {
    store = await getTestStore();
    ws = await fs.mkdtemp(path.join(os.tmpdir(), 'kmc-scope-'));
    for (const dir of ['src', 'docs', 'scripts']) {
      await fs.mkdir(path.join(ws, dir));
      await fs.writeFile(path.join(ws, dir, 'lantern.txt'), `The ${dir} lantern is lit at dusk by the keeper.\n`);
    }
    const indexer = new Indexer({ store, embedder, config: { include: [], exclude: [], maxFileSizeKb: 1024 } });
    const summary = await indexer.indexFolder(ws, { collection });
    assert.equal(summary.filesIndexed, 3);
  });
  after(async () => {
    await store.dropCollection(collection).catch(() => undefined);
    await fs.rm(ws, { recursive: true, force: true });
  });

  async function paths(searchScope: readonly string[] | undefined, args: Record<string, unknown>): Promise<string[]> {
    const indexer = new Indexer({ store, embedder, config: { include: [], exclude: [], maxFileSizeKb: 1024 } });
    const tools = createToolRegistry({ store, embedder, indexer, workspaceFolders: [ws], collectionFor: () => collection, trusted: true, ...(searchScope ? { searchScope } : {}) });
    const result = JSON.parse((await tools.execute('search_workspace', JSON.stringify({ query: 'lantern lit at dusk', ...args }))).content) as {
      success: boolean;
      results: Array<{ path: string }>;
    };
    assert.equal(result.success, true);
    return result.results.map((r) => r.path).sort();
  }

  it('searches only the mentioned folders; a path the model gives still wins; no mention searches everything', async () => {
    assert.deepEqual(await paths(undefined, {}), ['docs/lantern.txt', 'scripts/lantern.txt', 'src/lantern.txt']);
    assert.deepEqual(await paths(['docs/'], {}), ['docs/lantern.txt']);
    assert.deepEqual(await paths(['docs/', 'scripts/'], {}), ['docs/lantern.txt', 'scripts/lantern.txt']);
    assert.deepEqual(await paths(['docs/'], { path: 'src/' }), ['src/lantern.txt']);
  });
});
