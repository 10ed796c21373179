import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { failureMessage } from '../../src/cli/command';
import { StoreError, UserAbortError } from '../../src/core/errors';
import { userMessage } from '../../src/extension/errorText';
import type { ChunkRow, EmbeddingSpec, VectorStore } from '../../src/core/store/types';
import { DataType, type FieldType } from '@zilliz/milvus2-sdk-node';
import { closeQuietly, connectClient } from '../../src/core/store/connection';
import { F, PROP, createRequest } from '../../src/core/store/schema';
import { getTestHandle, getTestStore, uniqueCollectionName } from './milvusEnv';

const DIM = 64;
const SPEC: EmbeddingSpec = { model: 'test:hashed-bow', dimensions: DIM };

/** Deterministic test embedder: hashed bag of words, L2-normalized. */
function embed(text: string): number[] {
  const v = new Array<number>(DIM).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    const h = createHash('sha256').update(word).digest();
    v[h.readUInt32BE(0) % DIM] += h[4] % 2 === 0 ? 1 : -1;
  }
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

function row(path: string, chunkIndex: number, text: string, withVector: boolean, totalChunks = 1): ChunkRow {
  const fileHash = createHash('sha256').update(`file:${path}`).digest('hex');
  const id = createHash('sha256').update(`${path}\0${chunkIndex}\0${text}`).digest('hex').slice(0, 32);
  return {
    id,
    path,
    startLine: chunkIndex * 10 + 1,
    endLine: chunkIndex * 10 + 10,
    chunkIndex,
    totalChunks,
    language: path.split('.').pop() ?? '',
    fileHash,
    text: `${path}:${chunkIndex * 10 + 1}-${chunkIndex * 10 + 10}\n${text}`,
    ...(withVector ? { vector: embed(text) } : {}),
  };
}

const WEIRD_PATH = `src/we"ird 'quo\\tes/naïve-日本語 ✓.ts`;
const ODD_PATH = 'odd\tdir/new\nline 100%_done.md';

function corpus(withVector: boolean): ChunkRow[] {
  return [
    row('src/parser.ts', 0, 'export function parseConfigFile(path: string) { return readJson(path) }', withVector, 2),
    row('src/parser.ts', 1, 'function zanzibarQuokkaFlux() { /* the rare identifier lives here */ }', withVector, 2),
    row('src/server.ts', 0, 'start the http server and listen on the configured port', withVector),
    row('docs/guide.md', 0, 'A guide explaining how the database stores vectors and answers questions', withVector),
    row('docs/cooking.md', 0, 'bake bread with flour water salt yeast in a hot oven', withVector),
    row(WEIRD_PATH, 0, 'strange path file contents mention the quokka too', withVector),
    row('src/weird.ts', 0, 'a neighbour of the strange path that must survive deletion', withVector),
    row(ODD_PATH, 0, 'tabs and newlines in a file name', withVector),
  ];
}

describe('MilvusStore against Milvus Lite', function () {
  this.timeout(180_000);
  let store: VectorStore;
  const created: string[] = [];

  before(async function () {
    this.timeout(900_000); // the first run installs Milvus Lite into the venv
    store = await getTestStore();
  });

  after(async () => {
    for (const name of created) {
      await store.dropCollection(name).catch(() => undefined);
    }
  });

  async function fresh(prefix: string, embedding: EmbeddingSpec | null): Promise<string> {
    const name = uniqueCollectionName(prefix);
    created.push(name);
    await store.createCollection(name, { description: `test ${prefix}`, embedding, metadata: { root: '/tmp/x' } });
    return name;
  }

  it('a write is not serialized to JSON on the side (patches/: the SDK logged every request at debug level, even when off)', async () => {
    const name = await fresh('nojson', SPEC);
    const rows = Array.from({ length: 200 }, (_, i) => row(`src/json/file${i}.ts`, 0, `export const value${i} = ${i};`, true));
    const stringify = JSON.stringify;
    let requests = 0;
    JSON.stringify = ((value: unknown, ...rest: never[]) => {
      if (typeof value === 'object' && value !== null && ('fields_data' in value || 'num_rows' in value)) {
        requests++;
      }
      return stringify(value, ...rest);
    }) as typeof JSON.stringify;
    try {
      await store.insert(name, rows);
      await store.upsert(name, rows.slice(0, 10));
    } finally {
      JSON.stringify = stringify;
    }
    assert.equal(requests, 0, 'an insert/upsert request was turned into JSON');
    assert.equal((await store.describeCollection(name)).rowCount, rows.length);
  });

  it('BM25 search finds the chunk with a rare identifier', async () => {
    const name = await fresh('bm25', null);
    await store.upsert(name, corpus(false));
    const hits = await store.search(name, 'zanzibarQuokkaFlux');
    assert.ok(hits.length >= 1, 'expected a hit');
    assert.equal(hits[0].path, 'src/parser.ts');
    assert.equal(hits[0].chunkIndex, 1);
    assert.equal(hits[0].startLine, 11);
    assert.match(hits[0].text, /zanzibarQuokkaFlux/);
    assert.match(hits[0].id, /^[0-9a-f]{32}$/);
    for (const h of hits) {
      assert.ok(h.score > 0 && h.score <= 1, `score ${h.score} not in (0, 1]`);
    }
    // A vector passed to a BM25-only collection is ignored rather than failing.
    const again = await store.search(name, 'zanzibarQuokkaFlux', { vector: embed('x') });
    assert.equal(again[0].id, hits[0].id);
  });

  it('BM25 meets a question in words whose only matches are inside identifiers', async () => {
    const name = await fresh('identifiers', null);
    const reader = row('src/io/loader.ts', 0, 'export async function readAndChunkFile(p: string) { return splitIntoWindows(await load(p)) }', false);
    // Near the byte limit: the expanded BM25 text must be cut to fit, not refused.
    const huge = row('src/big/manyHumps.ts', 0, 'fooBarBaz '.repeat(6500), false);
    await store.upsert(name, [...corpus(false), reader, huge]);
    const hits = await store.search(name, 'read and chunk a file');
    assert.equal(hits[0]?.id, reader.id);
    assert.equal(hits[0].text, reader.text, 'the display text is the stored text, not the expanded one');
    assert.deepEqual(Object.keys(hits[0]).sort(), ['chunkIndex', 'endLine', 'id', 'language', 'path', 'score', 'startLine', 'text', 'totalChunks']);
    // Path segments are searchable words too, and identifiers in the query are split the same way.
    assert.equal((await store.search(name, 'loader'))[0]?.id, reader.id);
    assert.equal((await store.search(name, 'splitIntoWindows'))[0]?.id, reader.id);
    assert.equal((await store.search(name, 'many humps'))[0]?.id, huge.id);
  });

  it('refuses a collection of the older search schema with rebuild advice, and still serves it', async () => {
    const name = uniqueCollectionName('oldschema');
    created.push(name);
    // Schema 1 as it was: BM25 over the analyzed `text`, no search_text, version "1".
    const req = createRequest(name, { embedding: null, description: 'old' });
    const current: FieldType[] = 'fields' in req ? req.fields : [];
    const fields = current
      .filter((f) => f.name !== F.searchText)
      .map((f) => (f.name === F.text ? { ...f, data_type: DataType.VarChar, enable_analyzer: true } : f));
    const functions = (req.functions ?? []).map((fn) => ({ ...fn, input_field_names: [F.text] }));
    const client = await connectClient({ address: (await getTestHandle()).address });
    try {
      const res = await client.createCollection({ ...req, fields, functions, properties: { ...req.properties, [PROP.schemaVersion]: '1' } });
      assert.equal(res.error_code, 'Success', res.reason);
    } finally {
      await closeQuietly(client);
    }
    await assert.rejects(store.ensureCollection(name, { embedding: null }), (err: unknown) => {
      assert.ok(err instanceof StoreError);
      assert.equal(err.code, 'schema-mismatch');
      assert.match(err.message, /schema 1/);
      // Each front end says how to rebuild it, from the code.
      assert.match(userMessage(err), /Clear Index/);
      assert.match(failureMessage(err), /--rebuild/);
      return true;
    });
    // Listing, writing and searching it keep working with the old (raw) keyword search.
    assert.equal((await store.describeCollection(name)).description, 'old');
    await store.upsert(name, corpus(false));
    assert.equal((await store.search(name, 'zanzibarQuokkaFlux'))[0]?.chunkIndex, 1);
    // Dropping it (what Clear Index / --rebuild do) lets ensureCollection make a current one.
    await store.dropCollection(name);
    assert.equal((await store.ensureCollection(name, { embedding: null })).rowCount, 0);
  });

  it('hybrid search ranks the expected chunk first, best score highest', async () => {
    const name = await fresh('hybrid', SPEC);
    await store.upsert(name, corpus(true));
    const question = 'how does the database store vectors';
    const hits = await store.search(name, question, { vector: embed(question), limit: 5 });
    assert.equal(hits[0].path, 'docs/guide.md');
    assert.ok(hits.length >= 2);
    for (let i = 1; i < hits.length; i++) {
      assert.ok(hits[i - 1].score >= hits[i].score, 'scores must be best-first');
    }
    assert.ok(hits[0].score > 0.5 && hits[0].score <= 1, `top score ${hits[0].score}`);
  });

  it('filters by path prefix and extension', async () => {
    const name = await fresh('filters', null);
    await store.upsert(name, corpus(false));
    const docs = await store.search(name, 'the', { pathPrefix: 'docs/' });
    assert.ok(docs.length > 0);
    assert.ok(docs.every((h) => h.path.startsWith('docs/')), JSON.stringify(docs.map((h) => h.path)));
    const ts = await store.search(name, 'quokka strange path', { extensions: ['.ts'] });
    assert.ok(ts.length > 0);
    assert.ok(ts.every((h) => h.path.endsWith('.ts')));
    const none = await store.search(name, 'quokka', { extensions: ['md'] });
    assert.ok(none.every((h) => h.path.endsWith('.md')));
    // LIKE wildcards in the prefix are literal: "src/we_" must not match "src/weird.ts".
    const literal = await store.search(name, 'strange path', { pathPrefix: 'src/we_' });
    assert.deepEqual(literal, []);
  });

  it('deleteByPath removes exactly that path, including quotes, backslashes and non-ASCII', async () => {
    const name = await fresh('delete', null);
    const rows = corpus(false);
    await store.upsert(name, rows);
    assert.equal((await store.queryByPath(name, WEIRD_PATH)).length, 1);
    await store.deleteByPath(name, WEIRD_PATH);
    assert.deepEqual(await store.queryByPath(name, WEIRD_PATH), []);
    const files = await store.listIndexedFiles(name);
    assert.deepEqual(
      files.map((f) => f.path),
      [...new Set(rows.map((r) => r.path).filter((p) => p !== WEIRD_PATH))].sort(),
    );
    assert.equal((await store.describeCollection(name)).rowCount, rows.length - 1);
    await store.deleteByPath(name, ODD_PATH);
    assert.deepEqual(await store.queryByPath(name, ODD_PATH), []);
    assert.equal((await store.describeCollection(name)).rowCount, rows.length - 2);
    await store.deleteByIds(name, [rows[0].id]);
    assert.equal((await store.queryByPath(name, 'src/parser.ts')).length, 1);
  });

  it('re-upsert is idempotent and queryByPath returns chunks in order', async () => {
    const name = await fresh('idem', SPEC);
    const rows = corpus(true);
    await store.upsert(name, rows);
    await store.upsert(name, rows);
    await store.upsert(name, [...rows].reverse());
    assert.equal((await store.describeCollection(name)).rowCount, rows.length);
    const parser = await store.queryByPath(name, 'src/parser.ts');
    assert.deepEqual(parser.map((r) => r.chunkIndex), [0, 1]);
    assert.equal(parser[1].text, rows[1].text);
    assert.equal(parser[1].fileHash, rows[1].fileHash);
    assert.equal(parser[0].totalChunks, 2);
  });

  it('lists collections with row counts, descriptions, embedding and metadata', async () => {
    const a = await fresh('list_a', null);
    const b = await fresh('list_b', SPEC);
    await store.upsert(a, corpus(false).slice(0, 3));
    await store.upsert(b, corpus(true));
    const all = await store.listCollections();
    const infoA = all.find((c) => c.name === a);
    const infoB = all.find((c) => c.name === b);
    assert.ok(infoA && infoB);
    assert.equal(infoA.rowCount, 3);
    assert.equal(infoB.rowCount, corpus(true).length);
    assert.equal(infoA.description, 'test list_a');
    assert.equal(infoA.embedding, null);
    assert.deepEqual(infoB.embedding, SPEC);
    assert.deepEqual(infoB.metadata, { root: '/tmp/x' });
    const { rowCount, ...header } = await store.describeCollection(b);
    assert.equal(rowCount, corpus(true).length);
    assert.deepEqual(await store.describeHeader(b), header, 'a search describes a collection without counting it');
    assert.equal(await store.hasCollection(a), true);
    await store.dropCollection(a);
    assert.equal(await store.hasCollection(a), false);
  });

  it('refuses a dimension or model mismatch with an actionable error', async () => {
    const name = await fresh('mismatch', SPEC);
    const ok = await store.ensureCollection(name, { embedding: SPEC });
    assert.deepEqual(ok.embedding, SPEC);
    const expectMismatch = async (embedding: EmbeddingSpec | null): Promise<void> => {
      await assert.rejects(store.ensureCollection(name, { embedding }), (err: unknown) => {
        assert.ok(err instanceof StoreError);
        assert.equal(err.code, 'schema-mismatch');
        assert.match(userMessage(err), /Clear Index/);
        assert.match(failureMessage(err), /--rebuild/);
        return true;
      });
    };
    await expectMismatch({ ...SPEC, dimensions: DIM * 2 });
    await expectMismatch({ ...SPEC, model: 'other:model' });
    await expectMismatch(null);
    // Rows whose vectors do not fit are refused before anything is written.
    await assert.rejects(store.upsert(name, [{ ...row('a.ts', 0, 'x', false), vector: [1, 2, 3] }]), /schema-mismatch|dimension/);
    assert.equal((await store.describeCollection(name)).rowCount, 0);
  });

  it('ensureCollection creates a missing collection', async () => {
    const name = uniqueCollectionName('ensure');
    created.push(name);
    const info = await store.ensureCollection(name, { embedding: null, description: 'made by ensure' });
    assert.equal(info.rowCount, 0);
    assert.equal(info.description, 'made by ensure');
    assert.equal(await store.hasCollection(name), true);
  });

  it('serializes concurrent writers to one collection and honours cancellation', async () => {
    const name = await fresh('concurrent', null);
    const groups = Array.from({ length: 6 }, (_, g) =>
      Array.from({ length: 200 }, (_, i) => row(`g${g}/f${i}.txt`, 0, `group ${g} item ${i}`, false)),
    );
    await Promise.all(groups.map((rows) => store.upsert(name, rows)));
    assert.equal((await store.describeCollection(name)).rowCount, 1200);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(store.search(name, 'group', {}, controller.signal), UserAbortError);
    await assert.rejects(store.upsert(name, groups[0], controller.signal), UserAbortError);
  });

  it('keeps rows searchable, updatable and deletable across the background flush', async () => {
    const name = await fresh('flush', SPEC);
    const rows = corpus(true);
    await store.upsert(name, rows);
    await new Promise((r) => setTimeout(r, 3500)); // past the idle flush (2 s) and its warm-up search
    const hits = await store.search(name, 'zanzibarQuokkaFlux', { vector: embed('zanzibarQuokkaFlux') });
    assert.equal(hits[0].path, 'src/parser.ts');
    await store.upsert(name, [{ ...rows[2], text: `${rows[2].text} updatedMarkerWord` }]);
    assert.equal((await store.search(name, 'updatedMarkerWord'))[0]?.id, rows[2].id);
    await store.deleteByPath(name, 'src/parser.ts');
    assert.equal((await store.describeCollection(name)).rowCount, rows.length - 2);
    assert.ok((await store.search(name, 'zanzibarQuokkaFlux')).every((h) => h.path !== 'src/parser.ts'));
  });

  it('insert writes new rows; updatePlacements moves rows keeping text, BM25 terms and vector (flushed or not)', async () => {
    const name = await fresh('place', SPEC);
    const rows = corpus(true);
    await store.insert(name, rows.slice(0, 4));
    await new Promise((r) => setTimeout(r, 3500)); // rows 0-3 now in a flushed segment
    await store.insert(name, rows.slice(4));
    const moved = [rows[1], rows[5]].map((r) => ({ id: r.id, startLine: r.startLine + 7, endLine: r.endLine + 7, chunkIndex: r.chunkIndex + 1, totalChunks: 9, fileHash: 'f'.repeat(64) }));
    await store.updatePlacements(name, moved);
    assert.equal((await store.describeCollection(name)).rowCount, rows.length, 'no row added');
    for (const [i, m] of [[1, moved[0]], [5, moved[1]]] as const) {
      const [stored] = (await store.queryByPath(name, rows[i].path)).filter((r) => r.id === m.id);
      assert.deepEqual(
        [stored.startLine, stored.endLine, stored.chunkIndex, stored.totalChunks, stored.fileHash, stored.text],
        [m.startLine, m.endLine, m.chunkIndex, 9, m.fileHash, rows[i].text],
      );
    }
    const dense = await store.search(name, '', { limit: 1, vector: rows[1].vector });
    assert.equal(dense[0]?.id, rows[1].id, 'the vector was kept');
    assert.equal(dense[0]?.startLine, moved[0].startLine);
    assert.equal((await store.search(name, 'zanzibarQuokkaFlux', { limit: 1 }))[0]?.id, rows[1].id, 'the BM25 terms were kept');
  });

  it('reports a missing collection as not-found', async () => {
    const missing = uniqueCollectionName('missing');
    const notFound = (err: unknown): boolean => err instanceof StoreError && err.code === 'not-found' && err.message.includes(missing);
    await assert.rejects(store.describeCollection(missing), notFound);
    await assert.rejects(store.search(missing, 'x'), notFound);
    await assert.rejects(store.deleteByPath(missing, 'a.ts'), notFound);
    await assert.rejects(store.listIndexedFiles(missing), notFound);
  });

  it('rejects invalid collection names', async () => {
    for (const bad of ['1abc', 'has-dash', 'sp ace', '', 'x'.repeat(256), 'ünï']) {
      await assert.rejects(store.hasCollection(bad), (err: unknown) => err instanceof StoreError && err.code === 'invalid-name');
    }
  });

  it('lists every indexed file beyond the 16,384-row query window', async () => {
    const name = await fresh('many', null);
    const rows: ChunkRow[] = [];
    const files = 170;
    const perFile = 100;
    for (let f = 0; f < files; f++) {
      for (let c = 0; c < perFile; c++) {
        rows.push({ ...row(`pkg/file${f}.txt`, c, `chunk ${c} of file ${f}`, false, perFile) });
      }
    }
    await store.upsert(name, rows);
    const listed = await store.listIndexedFiles(name);
    assert.equal(listed.length, files);
    assert.equal(listed.reduce((n, f) => n + f.ids.length, 0), files * perFile);
    assert.ok(listed.every((f) => f.ids.length === perFile && f.totalChunks === perFile));
  });
});
