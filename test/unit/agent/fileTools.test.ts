import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createToolRegistry, type ToolContext } from '../../../src/core/agent/tools';
import type { VectorStore } from '../../../src/core/store/types';

/** The file tools must not touch the store; any use fails the test. */
const noStore = new Proxy({} as VectorStore, {
  get: (_t, prop) => {
    throw new Error(`store.${String(prop)} used by a file tool`);
  },
});

function context(folder: string, trusted = true): ToolContext {
  return {
    store: noStore,
    embedder: { spec: null, embed: () => Promise.reject(new Error('no embedder')) },
    indexer: { indexFile: () => Promise.reject(new Error('no indexer')) },
    workspaceFolders: [folder],
    collectionFor: () => 'ws',
    trusted,
  };
}

describe('file tools (read_file, list_files, read_and_chunk_file) through the registry', () => {
  let base: string;
  let ws: string;

  before(async () => {
    base = await fs.mkdtemp(path.join(os.tmpdir(), 'kmc-tools-'));
    ws = path.join(base, 'ws');
    await fs.mkdir(path.join(ws, 'src', 'core'), { recursive: true });
    await fs.mkdir(path.join(ws, 'node_modules', 'dep'), { recursive: true });
    const lines = Array.from({ length: 50 }, (_, i) => `line ${i + 1}`).join('\n');
    await fs.writeFile(path.join(ws, 'src', 'core', 'big.ts'), lines);
    await fs.writeFile(path.join(ws, 'src', 'main.ts'), 'console.log(1);\n');
    await fs.writeFile(path.join(ws, 'README.md'), `# Title\n\n${'A paragraph of prose. '.repeat(60)}\n\nSecond paragraph.\n`);
    await fs.writeFile(path.join(ws, 'node_modules', 'dep', 'index.ts'), 'x');
    await fs.writeFile(path.join(ws, '.env'), 'SECRET=1');
    await fs.writeFile(path.join(base, 'passwd'), 'root:x:0:0');
    await fs.symlink(path.join(base, 'passwd'), path.join(ws, 'src', 'passwd.ts'));
  });
  after(async () => {
    await fs.rm(base, { recursive: true, force: true });
  });

  it('read_file returns a line range with its citation and a source', async () => {
    const r = await createToolRegistry(context(ws)).execute('read_file', JSON.stringify({ path: 'src/core/big.ts', start_line: 10, end_line: 12 }));
    assert.equal(r.success, true);
    const body = JSON.parse(r.content) as { content: string; citation: string; total_lines: number };
    assert.equal(body.content, 'line 10\nline 11\nline 12');
    assert.equal(body.citation, 'src/core/big.ts:10-12');
    assert.equal(body.total_lines, 50);
    assert.deepEqual(r.sources, [{ path: 'src/core/big.ts', startLine: 10, endLine: 12, root: ws }]);
  });

  it('a path escape is a failure result for the model, never a read', async () => {
    const reg = createToolRegistry(context(ws));
    for (const p of ['../../etc/passwd', '/etc/passwd', path.join(base, 'passwd'), 'src/passwd.ts', '.env']) {
      const r = await reg.execute('read_file', JSON.stringify({ path: p }));
      assert.equal(r.success, false, p);
      const body = JSON.parse(r.content) as { success: boolean; message: string };
      assert.equal(body.success, false);
      assert.match(body.message, /outside the workspace|credentials/, p);
      assert.ok(!r.content.includes('root:x'), 'nothing of the file leaks');
    }
  });

  it('list_files matches a glob and skips dependencies, secrets and symlinks out', async () => {
    const r = await createToolRegistry(context(ws)).execute('list_files', JSON.stringify({ pattern: '**/*.ts' }));
    const body = JSON.parse(r.content) as { files: string[] };
    assert.deepEqual(body.files, ['src/core/big.ts', 'src/main.ts']);
    const all = JSON.parse((await createToolRegistry(context(ws)).execute('list_files', '{}')).content) as { files: string[] };
    assert.ok(all.files.includes('README.md'));
    assert.ok(!all.files.includes('.env'));
    const under = JSON.parse((await createToolRegistry(context(ws)).execute('list_files', JSON.stringify({ path: 'src/core' }))).content) as { files: string[] };
    assert.deepEqual(under.files, ['src/core/big.ts']);
  });

  it('read_and_chunk_file chunks prose with the seed\'s size and overlap', async () => {
    const r = await createToolRegistry(context(ws)).execute('read_and_chunk_file', JSON.stringify({ file_path: './README.md', chunk_size: 300, overlap: 30 }));
    assert.equal(r.success, true);
    const body = JSON.parse(r.content) as { total_chunks: number; chunks: Array<{ text: string; citation: string; source_file: string }> };
    assert.ok(body.total_chunks >= 4, `got ${body.total_chunks}`);
    assert.ok(body.chunks.every((c) => c.text.length <= 400 && c.source_file === 'README.md' && /^README\.md:\d+-\d+$/.test(c.citation)));
  });

  it('in Restricted Mode the file tools refuse with an explanation', async () => {
    const reg = createToolRegistry(context(ws, false));
    for (const [name, args] of [
      ['read_file', { path: 'src/main.ts' }],
      ['list_files', {}],
      ['read_and_chunk_file', { file_path: 'README.md' }],
      ['upload_file_to_collection', { file_path: 'README.md', collection_name: 'c' }],
    ] as const) {
      const r = await reg.execute(name, JSON.stringify(args));
      assert.equal(r.success, false);
      assert.match(r.summary, /not trusted/);
    }
  });

  it('declares every tool with an object schema and a valid name', () => {
    const defs = createToolRegistry(context(ws), { webSearch: true }).definitions();
    const names = defs.map((d) => d.function.name);
    for (const seed of ['connect_database', 'create_collection', 'add_documents', 'search_documents', 'list_all_collections', 'read_and_chunk_file', 'upload_file_to_collection']) {
      assert.ok(names.includes(seed), seed);
    }
    assert.ok(names.includes('search_workspace') && names.includes('read_file') && names.includes('list_files') && names.includes('$web_search'));
    for (const d of defs) {
      if (d.type === 'function') {
        assert.match(d.function.name, /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/);
        assert.equal(d.function.parameters.type, 'object');
      }
    }
    assert.ok(!createToolRegistry(context(ws)).names.includes('$web_search'), 'web search is off by default');
  });
});
