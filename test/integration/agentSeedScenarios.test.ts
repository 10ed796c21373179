/**
 * The original design's scenarios (docs/reference/design.md#the-scenarios-it-shows) end to end: the real agent loop, real tools, real
 * Milvus Lite, real embeddings over HTTP (fake server), and a fake Kimi whose every next turn
 * is decided from the tool results it actually received.
 */
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Agent } from '../../src/core/agent/agent';
import type { AgentEvent } from '../../src/core/agent/events';
import { ChatHistory } from '../../src/core/agent/history';
import { createToolRegistry, type ToolContext } from '../../src/core/agent/tools';
import type { Embedder } from '../../src/core/embedding/embedder';
import { createEmbedder } from '../../src/core/embedding/factory';
import { Indexer } from '../../src/core/indexing/indexer';
import { KimiClient } from '../../src/core/kimi/kimiClient';
import type { VectorStore } from '../../src/core/store/types';
import { FakeEmbeddingServer } from '../fakes/embeddingServer';
import { reply, startFakeKimi, type ChatBody, type FakeKimi, type FakeReply } from '../fakes/kimiServer';
import { getTestStore, uniqueCollectionName } from './milvusEnv';

const BOOK = `The Adventures of Sherlock Holmes

A Scandal in Bohemia

To Sherlock Holmes she is always the woman. Irene Adler outwitted him, and he keeps her photograph.

The Red-Headed League

Mr. Jabez Wilson, a pawnbroker with flaming red hair, is paid to copy the Encyclopaedia Britannica while thieves dig a tunnel to a bank.

A Case of Identity

Miss Mary Sutherland asks Holmes to find her vanished fiancé, Mr. Hosmer Angel, who turns out to be her stepfather in disguise.

The Boscombe Valley Mystery

Holmes and Watson travel to Herefordshire, where young James McCarthy is accused of murdering his father.
`;

interface ToolResultJson {
  success: boolean;
  message?: string;
  [key: string]: unknown;
}

/** The tool results of the newest round in a request, by tool name. */
function lastResults(body: ChatBody): Array<{ name: string; result: ToolResultJson }> {
  const out: Array<{ name: string; result: ToolResultJson }> = [];
  for (let i = body.messages.length - 1; i >= 0 && body.messages[i]?.role === 'tool'; i--) {
    const m = body.messages[i] as { name: string; content: string };
    out.unshift({ name: m.name, result: JSON.parse(m.content) as ToolResultJson });
  }
  return out;
}

describe('Agent: the seed\'s scenarios on real Milvus Lite', function () {
  this.timeout(300_000);
  let store: VectorStore;
  let kimi: FakeKimi;
  let embeddings: FakeEmbeddingServer;
  let embedder: Embedder;
  let ws: string;
  let agent: Agent;
  const books = uniqueCollectionName('agent_books');
  const wsCollection = uniqueCollectionName('agent_ws');
  let indexer: Indexer;

  before(async () => {
    store = await getTestStore();
    kimi = await startFakeKimi({ apiKey: 'sk-test' });
    embeddings = await new FakeEmbeddingServer({ dimensions: 32 }).start();
    embedder = createEmbedder({ baseUrl: embeddings.url, apiKey: 'sk-embed', model: 'fake-embed', dimensions: 32 });
    ws = await fs.mkdtemp(path.join(os.tmpdir(), 'kmc-agent-'));
    await fs.writeFile(path.join(ws, 'sherlock.txt'), BOOK);
    indexer = new Indexer({ store, embedder, config: { include: [], exclude: [], maxFileSizeKb: 1024 } });
    const ctx: ToolContext = { store, embedder, indexer, workspaceFolders: [ws], collectionFor: () => wsCollection, trusted: true };
    const client = new KimiClient(
      { apiKey: 'sk-test', baseUrl: kimi.baseUrl, model: 'kimi-k2.5', temperature: 0.3, maxSteps: 16, webSearch: false },
      { retry: { baseDelayMs: 5 } },
    );
    agent = new Agent({ client, tools: createToolRegistry(ctx) });
  });

  after(async () => {
    await store.dropCollection(books).catch(() => undefined);
    await store.dropCollection(wsCollection).catch(() => undefined);
    await kimi.close();
    await embeddings.close();
    await fs.rm(ws, { recursive: true, force: true });
  });

  afterEach(() => kimi.handle(undefined));

  it('"Upload ./sherlock.txt to the database": connects, fails on the missing collection, creates it, uploads again, reports', async () => {
    const seen: string[] = [];
    kimi.handle((body): FakeReply => {
      const results = lastResults(body);
      const last = results.at(-1);
      seen.push(last ? `${last.name}:${last.result.success}` : 'start');
      if (!last) {
        return reply.toolCalls([{ name: 'connect_database', arguments: {} }], { text: 'Connecting to the database first.' });
      }
      if (last.name === 'connect_database') {
        assert.equal(last.result.success, true, last.result.message);
        return reply.toolCalls([{ name: 'upload_file_to_collection', arguments: { file_path: './sherlock.txt', collection_name: books } }]);
      }
      if (last.name === 'upload_file_to_collection' && !last.result.success) {
        assert.match(String(last.result.message), /does not exist/);
        return reply.toolCalls([{ name: 'create_collection', arguments: { collection_name: books, description: 'Sherlock Holmes stories' } }]);
      }
      if (last.name === 'create_collection') {
        assert.equal(last.result.success, true, last.result.message);
        return reply.toolCalls([{ name: 'upload_file_to_collection', arguments: { file_path: './sherlock.txt', collection_name: books } }]);
      }
      assert.equal(last.name, 'upload_file_to_collection');
      assert.equal(last.result.success, true, last.result.message);
      return reply.text(`Uploaded sherlock.txt to ${books}: ${String(last.result.total_chunks)} chunks.`);
    });
    const events: AgentEvent[] = [];
    const result = await agent.run(new ChatHistory(), 'Upload ./sherlock.txt to the database', (e) => events.push(e));
    assert.deepEqual(seen, ['start', 'connect_database:true', 'upload_file_to_collection:false', 'create_collection:true', 'upload_file_to_collection:true']);
    assert.match(result.text, new RegExp(`Uploaded sherlock.txt to ${books}: [1-9]\\d* chunks`));
    assert.equal(result.steps, 5);
    const files = await store.listIndexedFiles(books);
    assert.deepEqual(files.map((f) => f.path), ['sherlock.txt']);
    const info = await store.describeCollection(books);
    assert.equal(info.description, 'Sherlock Holmes stories');
    assert.deepEqual(info.embedding, embedder.spec);
    assert.equal(events.filter((e) => e.type === 'toolFinished' && !e.success).length, 1);
  });

  it('answers a general question directly, without any tool call', async () => {
    kimi.handle((body) => {
      assert.ok((body.tools ?? []).length >= 10, 'the tools are offered');
      return reply.text('1. Scalable to billions of vectors. 2. Hybrid search. 3. Many index types. 4. Open source. 5. Cloud-native.');
    });
    const events: AgentEvent[] = [];
    const result = await agent.run(new ChatHistory(), 'List five advantages of the Milvus vector database', (e) => events.push(e));
    assert.match(result.text, /Hybrid search/);
    assert.equal(result.steps, 1);
    assert.ok(!events.some((e) => e.type === 'toolStarted'));
  });

  it('answers a question about the uploaded document after search_documents, citing what it found', async () => {
    kimi.handle((body) => {
      const [res] = lastResults(body);
      if (!res) {
        return reply.toolCalls([{ name: 'search_documents', arguments: { collection_name: books, query: 'Irene Adler photograph', limit: 3 } }]);
      }
      assert.equal(res.name, 'search_documents');
      const hits = res.result.results as Array<{ citation: string; text: string }>;
      const hit = hits.find((h) => h.text.includes('Irene Adler'));
      assert.ok(hit, `a hit mentions Irene Adler: ${JSON.stringify(hits)}`);
      return reply.text(`Irene Adler is "the woman" (${hit.citation}).`);
    });
    const events: AgentEvent[] = [];
    const result = await agent.run(new ChatHistory(), 'Who is "the woman" in the Sherlock Holmes book I uploaded?', (e) => events.push(e));
    assert.match(result.text, /Irene Adler is "the woman" \(sherlock\.txt:\d+-\d+\)/);
    const finished = events.find((e) => e.type === 'toolFinished');
    assert.ok(finished?.type === 'toolFinished' && finished.sources?.some((s) => s.path === 'sherlock.txt'), 'sources for the UI');
  });

  it('"list all the collections" calls list_all_collections and reports them', async () => {
    kimi.handle((body) => {
      const [res] = lastResults(body);
      if (!res) {
        return reply.toolCalls([{ name: 'list_all_collections', arguments: {} }]);
      }
      const cols = res.result.collections as Array<{ name: string; document_count: number; description: string }>;
      const mine = cols.find((c) => c.name === books);
      assert.ok(mine, 'the uploaded collection is listed');
      assert.ok(mine.document_count > 0);
      return reply.text(cols.map((c) => `${c.name} (${c.document_count}): ${c.description}`).join('\n'));
    });
    const result = await agent.run(new ChatHistory(), 'list all the collections', () => undefined);
    assert.match(result.text, new RegExp(`${books} \\([1-9]\\d*\\): Sherlock Holmes stories`));
  });

  it('answers a question about the workspace code with search_workspace, then read_file around the hit', async () => {
    await fs.mkdir(path.join(ws, 'src'), { recursive: true });
    const code = [
      '// Retry policy for outgoing calls.',
      'export function backoffDelay(attempt: number): number {',
      '  return Math.min(30_000, 1000 * 2 ** attempt);',
      '}',
      '',
      'export const MAX_ATTEMPTS = 5;',
    ].join('\n');
    await fs.writeFile(path.join(ws, 'src', 'retry.ts'), code);
    const summary = await indexer.indexFolder(ws, { collection: wsCollection });
    assert.ok(summary.filesIndexed >= 2);
    kimi.handle((body) => {
      const results = lastResults(body);
      const last = results.at(-1);
      if (!last) {
        return reply.toolCalls([{ name: 'search_workspace', arguments: { query: 'backoffDelay retry policy', path: 'src/' } }]);
      }
      if (last.name === 'search_workspace') {
        const hits = last.result.results as Array<{ path: string; start_line: number; end_line: number }>;
        assert.ok(hits.length > 0 && hits.every((h) => h.path.startsWith('src/')), 'the path filter holds');
        const hit = hits[0];
        assert.equal(hit?.path, 'src/retry.ts');
        return reply.toolCalls([{ name: 'read_file', arguments: { path: hit.path, start_line: 1, end_line: 4 } }]);
      }
      assert.equal(last.name, 'read_file');
      assert.match(String(last.result.content), /2 \*\* attempt/);
      return reply.text(`Delays double per attempt up to 30 s (${String(last.result.citation)}).`);
    });
    const result = await agent.run(new ChatHistory(), 'How does the retry backoff in this project work?', () => undefined);
    assert.equal(result.text, 'Delays double per attempt up to 30 s (src/retry.ts:1-4).');
  });
});
