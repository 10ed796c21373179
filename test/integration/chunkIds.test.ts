/**
 * Stable chunk ids on real Milvus Lite, counting what reaches the (fake) embedder: appending,
 * inserting and deleting a definition embed only the chunks whose own text changed; chunks that
 * only moved keep their vectors and get their new line ranges.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Embedder } from '../../src/core/embedding/embedder';
import { createEmbedder } from '../../src/core/embedding/factory';
import { Indexer } from '../../src/core/indexing/indexer';
import { chunkInput } from '../../src/core/store/searchText';
import type { ChunkRow, VectorStore } from '../../src/core/store/types';
import { FakeEmbeddingServer, fakeEmbedding } from '../fakes/embeddingServer';
import { FIXTURE_CONFIG } from '../unit/indexing/workspaceFixture';
import { snapshot } from './indexerHelpers';
import { getTestStore, uniqueCollectionName } from './milvusEnv';

const DIMS = 32;
const FILE = 'src/handlers.ts';

/** A definition of `body` lines, different for every `n`. */
function definition(n: number, body: number): string {
  return [
    `/** Handler ${n}: ${'step '.repeat(1 + (n % 3)).trim()}. */`,
    `export function handler${n}(input: number): number {`,
    ...Array.from({ length: body }, (_, k) => `  const v${k} = input * ${k + n} + ${n}; // handler ${n}, step ${k}`),
    '  return input;',
    '}',
    '',
  ].join('\n');
}

/** Definitions of varied sizes: about ten chunks. */
const DEFS = Array.from({ length: 22 }, (_, n) => definition(n, 6 + ((n * 7) % 17)));

describe('Stable chunk ids on real Milvus Lite', function () {
  this.timeout(300_000);
  let store: VectorStore;
  let server: FakeEmbeddingServer;
  let embedder: Embedder;
  let root: string;
  const created: string[] = [];

  before(async () => {
    store = await getTestStore();
    server = await new FakeEmbeddingServer({ dimensions: DIMS }).start();
    embedder = createEmbedder({ baseUrl: server.url, apiKey: 'sk-test', model: 'fake-embed', dimensions: DIMS });
  });
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'kimi-ids-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  after(async () => {
    for (const name of created) {
      await store.dropCollection(name).catch(() => undefined);
    }
    await server.close();
  });

  const indexer = (): Indexer => new Indexer({ store, embedder, config: FIXTURE_CONFIG });
  const write = (text: string): void => writeFileSync(path.join(root, 'src', 'handlers.ts'), text);
  const collection = (prefix: string): string => {
    const name = uniqueCollectionName(prefix);
    created.push(name);
    return name;
  };

  /** Indexes the current file and returns how many chunk texts reached the embedder. */
  const reindex = async (name: string): Promise<number> => {
    server.reset();
    const summary = await indexer().indexFolder(root, { collection: name });
    assert.equal(summary.chunksEmbedded, server.inputs);
    return server.inputs;
  };

  /** Every row sits exactly at its lines, indexes are 0..n-1, totals right. */
  const assertPlaced = (rows: readonly ChunkRow[], text: string): void => {
    const lines = text.split('\n');
    rows.forEach((r, i) => {
      assert.equal(r.chunkIndex, i);
      assert.equal(r.totalChunks, rows.length);
      assert.equal(lines.slice(r.startLine - 1, r.endLine).join('\n'), r.text, `chunk ${i} sits at lines ${r.startLine}-${r.endLine}`);
    });
  };

  /** The row found by a dense search for its own embedding: its stored vector is the one of its text. */
  const assertVectorKept = async (name: string, row: ChunkRow): Promise<void> => {
    const vector = fakeEmbedding(chunkInput(row.path, row.text), DIMS);
    const [top] = await store.search(name, '', { limit: 1, vector });
    assert.equal(top?.id, row.id);
    assert.equal(top?.startLine, row.startLine, 'the search returns the new line range');
    assert.ok((top?.score ?? 0) > 0.99, `cosine ${top?.score}`);
  };

  it('append, insert at the top and delete a definition embed only the changed chunks', async () => {
    const name = collection('ids_edit');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(path.join(root, 'src'));
    let text = DEFS.join('\n');
    write(text);
    const full = await reindex(name);
    const first = await store.queryByPath(name, FILE);
    assert.ok(first.length >= 8, `${first.length} chunks`);
    assert.equal(full, first.length);
    assertPlaced(first, text);

    text = `${text}\n${definition(99, 9)}`;
    write(text);
    const appended = await reindex(name);
    assert.ok(appended >= 1 && appended <= 2, `appending a function embedded ${appended} chunks`);
    assertPlaced(await store.queryByPath(name, FILE), text);

    const beforeInsert = new Map((await store.queryByPath(name, FILE)).map((r) => [r.id, r]));
    text = `import { helper } from './helper';\n${text}`;
    write(text);
    const inserted = await reindex(name);
    assert.ok(inserted <= 1, `inserting a line at the top embedded ${inserted} chunks`);
    const afterInsert = await store.queryByPath(name, FILE);
    assertPlaced(afterInsert, text);
    const moved = afterInsert.filter((r) => beforeInsert.has(r.id));
    assert.ok(moved.length >= afterInsert.length - 1, 'every other chunk kept its id');
    for (const r of moved) {
      assert.equal(r.startLine, (beforeInsert.get(r.id)?.startLine ?? 0) + 1, 'moved down one line');
    }
    await assertVectorKept(name, moved[moved.length - 1]);

    text = text.replace(DEFS[11], '');
    write(text);
    const deleted = await reindex(name);
    assert.ok(deleted <= 1, `deleting a definition embedded ${deleted} chunks`);
    const afterDelete = await store.queryByPath(name, FILE);
    assertPlaced(afterDelete, text);
    assert.ok(!afterDelete.some((r) => r.text.includes('handler11(')));
    await assertVectorKept(name, afterDelete[afterDelete.length - 1]);

    const clean = collection('ids_clean');
    server.reset();
    await indexer().indexFolder(root, { collection: clean });
    assert.deepEqual(await snapshot(store, name), await snapshot(store, clean), 'equals a clean index');
  });

  it('two identical chunks in one file get two ids, and moving one does not re-embed either', async () => {
    const name = collection('ids_twins');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(path.join(root, 'src'));
    const twin = definition(7, 30);
    let text = [twin, definition(1, 30), twin].join('\n');
    write(text);
    await reindex(name);
    const rows = await store.queryByPath(name, FILE);
    assert.equal(new Set(rows.map((r) => r.id)).size, rows.length);
    assert.equal(rows.filter((r) => r.text === twin.trimEnd()).length, 2);
    text = `\n\n${text}`;
    write(text);
    assert.equal(await reindex(name), 0, 'blank lines above move every chunk and embed none');
    assertPlaced(await store.queryByPath(name, FILE), text);
  });
});
