/** The collection tools on real Milvus Lite, called the way the model calls them (JSON arguments). */
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createToolRegistry, type ToolRegistry } from '../../src/core/agent/tools';
import { createEmbedder } from '../../src/core/embedding/factory';
import { Indexer } from '../../src/core/indexing/indexer';
import type { VectorStore } from '../../src/core/store/types';
import { getTestStore, uniqueCollectionName } from './milvusEnv';

describe('Agent tools on real Milvus Lite', function () {
  this.timeout(300_000);
  let store: VectorStore;
  let tools: ToolRegistry;
  let ws: string;
  const docs = uniqueCollectionName('agent_docs');
  const unindexed = uniqueCollectionName('agent_unindexed');

  before(async () => {
    store = await getTestStore();
    ws = await fs.mkdtemp(path.join(os.tmpdir(), 'kmc-tools-'));
    const embedder = createEmbedder({ baseUrl: undefined, apiKey: undefined, model: 'none', dimensions: 2 });
    const indexer = new Indexer({ store, embedder, config: { include: [], exclude: [], maxFileSizeKb: 1024 } });
    tools = createToolRegistry({ store, embedder, indexer, workspaceFolders: [ws], collectionFor: () => unindexed, trusted: true });
  });
  after(async () => {
    await store.dropCollection(docs).catch(() => undefined);
    await fs.rm(ws, { recursive: true, force: true });
  });

  const call = async (name: string, args: unknown): Promise<{ success: boolean; message?: string; [k: string]: unknown }> =>
    JSON.parse((await tools.execute(name, JSON.stringify(args))).content) as { success: boolean };

  it('connect_database reports status; create_collection refuses bad and duplicate names', async () => {
    const status = await call('connect_database', {});
    assert.equal(status.success, true);
    assert.match(String(status.message), /connection is automatic/);
    assert.match(String((await call('create_collection', { collection_name: 'bad name!' })).message), /not a valid collection name/);
    assert.equal((await call('create_collection', { collection_name: docs, description: 'notes' })).success, true);
    assert.equal((await call('create_collection', { collection_name: docs })).message, `Collection ${docs} already exists`);
  });

  it('add_documents then search_documents finds them (BM25 without an embedder)', async () => {
    const added = await call('add_documents', {
      collection_name: docs,
      documents: ['Milvus supports hybrid search combining BM25 and dense vectors.', 'Kimi K2 is a mixture-of-experts model with 32B active parameters.'],
    });
    assert.equal(added.success, true, added.message);
    assert.equal(added.inserted_count, 2);
    const found = await call('search_documents', { collection_name: docs, query: 'mixture-of-experts active parameters', limit: 1 });
    assert.equal(found.success, true);
    const results = found.results as Array<{ text: string; citation: string }>;
    assert.equal(results.length, 1);
    assert.match(results[0]?.text ?? '', /mixture-of-experts/);
    assert.match(results[0]?.citation ?? '', /^documents\/[0-9a-f]{12}\.txt:1-1$/);
    const missing = await call('add_documents', { collection_name: uniqueCollectionName('nope'), documents: ['x'] });
    assert.match(String(missing.message), /does not exist\. Create it first/);
  });

  it('search_workspace on a workspace that was never indexed says how to index it', async () => {
    const r = await call('search_workspace', { query: 'anything' });
    assert.equal(r.success, false);
    assert.match(String(r.message), /not been indexed yet/);
  });
});
