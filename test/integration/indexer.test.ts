import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as iconv from 'iconv-lite';
import type { Embedder } from '../../src/core/embedding/embedder';
import { createEmbedder } from '../../src/core/embedding/factory';
import { ApiError } from '../../src/core/errors';
import type { IndexProgress } from '../../src/core/indexing/events';
import { Indexer } from '../../src/core/indexing/indexer';
import { chunkInput } from '../../src/core/store/searchText';
import type { VectorStore } from '../../src/core/store/types';
import { FakeEmbeddingServer, fakeEmbedding } from '../fakes/embeddingServer';
import {
  EXPECTED_INDEXED,
  EXPECTED_SKIPPED,
  FIXTURE_CONFIG,
  FIXTURE_QUESTION,
  type FixtureWorkspace,
  createFixtureWorkspace,
} from '../unit/indexing/workspaceFixture';
import { createCorpus, snapshot } from './indexerHelpers';
import { getTestStore, uniqueCollectionName } from './milvusEnv';

const DIMS = 32;
const MATH_CHUNKS = 1;
/** Ten 17-line functions: several chunks, each a few whole functions. */
const LONG_TS = Array.from({ length: 10 }, (_, f) =>
  [`/** Handler ${f}. */`, `export function handler${f}(a: number): number {`, ...Array.from({ length: 12 }, (_, k) => `  const v${k} = a + ${k}; // step ${k} of handler ${f}`), '  return a;', '}', ''].join('\n'),
).join('\n');

describe('Indexer on real Milvus Lite', function () {
  this.timeout(300_000);
  let store: VectorStore;
  let server: FakeEmbeddingServer;
  let embedder: Embedder;
  let ws: FixtureWorkspace;
  const created: string[] = [];

  const collection = (prefix: string): string => {
    const name = uniqueCollectionName(prefix);
    created.push(name);
    return name;
  };
  const makeEmbedder = (maxRetries = 6, concurrency = 4): Embedder =>
    createEmbedder(
      { baseUrl: server.url, apiKey: 'sk-test', model: 'fake-embed', dimensions: DIMS },
      { tuning: { baseDelayMs: 5, maxDelayMs: 40, maxRetries, concurrency } },
    );
  const indexer = (e: Embedder = embedder): Indexer => new Indexer({ store, embedder: e, config: FIXTURE_CONFIG });

  before(async () => {
    store = await getTestStore();
    server = await new FakeEmbeddingServer({ dimensions: DIMS, apiKey: 'sk-test' }).start();
    embedder = makeEmbedder();
  });
  beforeEach(() => {
    server.reset();
    ws = createFixtureWorkspace();
  });
  afterEach(() => ws.cleanup());
  after(async () => {
    for (const name of created) {
      await store.dropCollection(name).catch(() => undefined);
    }
    await server.close();
  });

  it('indexes exactly the right files, reports the rest as skipped, with exact line ranges', async () => {
    const name = collection('idx_fixture');
    const progress: IndexProgress[] = [];
    const summary = await indexer().indexFolder(ws.root, { collection: name, onProgress: (p) => progress.push(p) });
    assert.equal(summary.cancelled, false);
    assert.equal(summary.filesTotal, EXPECTED_INDEXED.length);
    assert.equal(summary.filesIndexed, EXPECTED_INDEXED.length);
    const skipped = summary.skipped.map((s) => [s.path, s.reason]).filter(([p]) => !p.endsWith('ignore'));
    assert.deepEqual(skipped.sort(), [...EXPECTED_SKIPPED].sort());

    const files = await store.listIndexedFiles(name);
    assert.deepEqual(files.map((f) => f.path).sort(), EXPECTED_INDEXED);
    let rows = 0;
    for (const f of files) {
      const bytes = readFileSync(path.join(ws.root, f.path));
      const text = f.path.endsWith('gbk.txt') ? iconv.decode(bytes, 'gbk') : bytes.toString('utf8');
      const lines = text.split('\n');
      for (const r of await store.queryByPath(name, f.path)) {
        rows++;
        assert.ok(!/^\S+:\d+-\d+\n/.test(r.text), 'the stored text has no line-number header');
        const region = lines.slice(r.startLine - 1, r.endLine).join('\n');
        assert.ok(region.includes(r.text), `${f.path} chunk ${r.chunkIndex} sits at its lines`);
        assert.equal(r.totalChunks, f.totalChunks);
      }
    }
    assert.equal(summary.chunksWritten, rows);
    assert.equal(summary.chunksEmbedded, rows);
    assert.equal(server.inputs, rows, 'each chunk embedded exactly once');
    const gbk = await store.queryByPath(name, 'docs/chinese-gbk.txt');
    assert.ok(gbk.some((r) => r.text.includes('这是一个用GBK编码的文件！')));
    assert.equal(progress[progress.length - 1].phase, 'done');
    const phases = new Set(progress.map((p) => p.phase));
    for (const phase of ['discovering', 'diffing', 'chunking', 'embedding', 'writing', 'deleting', 'done'] as const) {
      assert.ok(phases.has(phase), `progress reports ${phase}`);
    }
    assert.equal(progress[progress.length - 1].filesDone, EXPECTED_INDEXED.length);
    const info = await store.describeCollection(name);
    assert.deepEqual(info.embedding, embedder.spec);
    assert.equal(info.metadata.root, ws.root);
  });

  it('search finds the chunk that answers a fixture question, at the right lines', async () => {
    const name = collection('idx_search');
    await indexer().indexFolder(ws.root, { collection: name });
    const [vector] = await embedder.embed([FIXTURE_QUESTION.query]);
    for (const options of [{ limit: 3, vector }, { limit: 3 }]) {
      const hits = await store.search(name, FIXTURE_QUESTION.query, options);
      assert.ok(hits.length > 0);
      // RRF gives equal scores to a chunk first in one list and second in the other: a tie may come first.
      const top = hits.find((h) => h.score === hits[0].score && h.startLine <= FIXTURE_QUESTION.line && FIXTURE_QUESTION.line <= h.endLine);
      assert.ok(top, `the answer is a top hit (${options.vector ? 'hybrid' : 'BM25'})`);
      assert.equal(top.path, FIXTURE_QUESTION.path);
      assert.ok(top.text.includes(FIXTURE_QUESTION.answer));
    }
  });

  it('re-indexing an unchanged folder embeds and writes nothing', async () => {
    const name = collection('idx_noop');
    await indexer().indexFolder(ws.root, { collection: name });
    const before = await snapshot(store, name);
    server.reset();
    const summary = await indexer().indexFolder(ws.root, { collection: name });
    assert.equal(summary.filesUnchanged, EXPECTED_INDEXED.length);
    assert.equal(summary.chunksWritten + summary.chunksEmbedded + summary.chunksDeleted, 0);
    assert.equal(server.requests, 0);
    assert.deepEqual(await snapshot(store, name), before);
  });

  it('after an edit, a delete and an add, embeds only the changed chunks and equals a clean index', async () => {
    const name = collection('idx_incr');
    ws.write('src/long.ts', LONG_TS);
    await indexer().indexFolder(ws.root, { collection: name });
    const longChunks = (await store.queryByPath(name, 'src/long.ts')).length;
    assert.ok(longChunks >= 3, `src/long.ts has ${longChunks} chunks`);
    const beforeIds = new Set((await store.listIndexedFiles(name)).flatMap((f) => f.ids));
    // Same line count: only the chunk holding the edited function changes.
    ws.write('src/long.ts', LONG_TS.replace('const v3 = a + 3; // step 3 of handler 7', 'const v3 = a - 3; // step 3 of handler 7'));
    ws.remove('src/util/math.py');
    ws.write('docs/new.md', '# New page\n\nA page added after the first index.\n');
    server.reset();
    const summary = await indexer().indexFolder(ws.root, { collection: name });
    assert.equal(summary.filesIndexed, 2);
    assert.equal(summary.filesDeleted, 1);
    assert.equal(summary.filesUnchanged, EXPECTED_INDEXED.length - 1);

    const files = await store.listIndexedFiles(name);
    assert.ok(!files.some((f) => f.path === 'src/util/math.py'), 'deleted file has no rows');
    assert.deepEqual((await store.queryByPath(name, 'src/util/math.py')).length, 0);
    const newRows = [];
    for (const f of files) {
      const rows = await store.queryByPath(name, f.path);
      assert.equal(new Set(rows.map((r) => r.chunkIndex)).size, rows.length, `${f.path}: no duplicate chunks`);
      assert.equal(rows.length, f.totalChunks);
      newRows.push(...rows.filter((r) => !beforeIds.has(r.id)));
    }
    assert.equal(newRows.length, 2, 'one edited chunk and the new file\'s chunk');
    assert.deepEqual([...server.texts].sort(), newRows.map((r) => chunkInput(r.path, r.text, r.section)).sort(), 'exactly the new chunks were embedded');
    assert.ok(server.texts.some((t) => t.includes('a - 3; // step 3 of handler 7')));
    assert.ok(!server.texts.some((t) => t.includes('handler0(')), 'unchanged chunks of the edited file were not re-embedded');
    assert.equal(summary.chunksDeleted, 1 + MATH_CHUNKS, 'the stale chunk and the deleted file\'s rows');

    const clean = collection('idx_incr_clean');
    await indexer().indexFolder(ws.root, { collection: clean });
    // Rows kept from the earlier version of the edited file were given its new hash and placement.
    assert.deepEqual(await snapshot(store, name), await snapshot(store, clean));
  });

  it('a cancelled run followed by a re-index equals a clean full index, without re-embedding', async () => {
    const corpus = createCorpus(700);
    try {
      const name = collection('idx_cancel');
      server.latencyMs = 40;
      const controller = new AbortController();
      const summary = await indexer().indexFolder(
        corpus.root,
        { collection: name, onProgress: (p) => p.chunksDone > 0 && controller.abort() },
        controller.signal,
      );
      assert.equal(summary.cancelled, true);
      const partial = (await store.listIndexedFiles(name)).reduce((n, f) => n + f.ids.length, 0);
      server.reset();
      const resumed = await indexer().indexFolder(corpus.root, { collection: name });
      assert.equal(resumed.cancelled, false);
      const clean = collection('idx_cancel_clean');
      server.latencyMs = 0;
      const embeddedOnResume = server.inputs;
      await indexer().indexFolder(corpus.root, { collection: clean });
      const full = await snapshot(store, clean);
      assert.ok(partial > 0 && partial < full.length, `cancelled mid-way (${partial} of ${full.length} rows)`);
      assert.deepEqual(await snapshot(store, name), full);
      assert.equal(embeddedOnResume, full.length - partial, 'chunks written before the cancel were not embedded again');
    } finally {
      corpus.cleanup();
    }
  });

  it('reports progress with files done of total and the time left on a slow run', async () => {
    const corpus = createCorpus(300);
    try {
      const name = collection('idx_eta');
      server.latencyMs = 300;
      const events: IndexProgress[] = [];
      const summary = await indexer(makeEmbedder(6, 1)).indexFolder(corpus.root, { collection: name, onProgress: (p) => events.push(p) });
      const working = events.filter((p) => p.phase !== 'done' && p.etaSeconds !== undefined);
      assert.ok(working.length > 0, 'time left is reported while embedding and writing');
      assert.ok(working.every((p) => Number.isFinite(p.etaSeconds) && (p.etaSeconds ?? -1) >= 0));
      assert.ok(working.some((p) => (p.etaSeconds ?? 0) > 0));
      assert.ok(events.every((p, i) => i === 0 || p.filesDone >= events[i - 1].filesDone), 'files done never goes back');
      const last = events[events.length - 1];
      assert.deepEqual([last.phase, last.filesDone, last.filesTotal, last.chunksDone], ['done', 300, 300, summary.chunksWritten]);
      assert.ok(summary.chunksWritten >= 600);
    } finally {
      corpus.cleanup();
    }
  });

  it('finishes through 429 storms and 500s', async () => {
    const corpus = createCorpus(300);
    try {
      const name = collection('idx_storm');
      server.script(
        ...Array.from({ length: 12 }, () => ({ status: 429, retryAfter: 0.02 })),
        { status: 500 },
        { status: 502 },
        { status: 429 },
        { status: 503 },
      );
      const summary = await indexer(makeEmbedder(16)).indexFolder(corpus.root, { collection: name });
      assert.equal(summary.cancelled, false);
      const requests = server.requests;
      const clean = collection('idx_storm_clean');
      server.reset();
      await indexer().indexFolder(corpus.root, { collection: clean });
      assert.equal(requests, server.requests + 16, 'every scripted failure was retried');
      assert.deepEqual(await snapshot(store, name), await snapshot(store, clean));
    } finally {
      corpus.cleanup();
    }
  });

  it('fails clearly when the embedder keeps failing, leaving a state the next run completes', async () => {
    const corpus = createCorpus(300);
    try {
      const name = collection('idx_fail');
      // Let the first write round (512 chunks = 8 requests) through, then fail for good.
      server.script(...Array.from({ length: 8 }, () => 'ok' as const));
      server.failAll = { status: 500 };
      // One request at a time, so the scripted successes go to the first round, in order.
      await assert.rejects(indexer(makeEmbedder(1, 1)).indexFolder(corpus.root, { collection: name }), (err: unknown) => {
        assert.ok(err instanceof ApiError);
        assert.match(err.message, /HTTP 500.*Gave up after 1 retries/s);
        return true;
      });
      // What was written before the failure stays, and every file in Milvus is complete.
      const written = await store.listIndexedFiles(name);
      assert.ok(written.length > 0, 'the first round was written');
      for (const f of written) {
        assert.equal(f.ids.length, f.totalChunks, f.path);
      }
      server.failAll = undefined;
      await indexer().indexFolder(corpus.root, { collection: name });
      const clean = collection('idx_fail_clean');
      await indexer().indexFolder(corpus.root, { collection: clean });
      assert.deepEqual(await snapshot(store, name), await snapshot(store, clean));
    } finally {
      corpus.cleanup();
    }
  });

  it('indexFile adds and updates one file (creating the collection), removeFile deletes its rows', async () => {
    const name = collection('idx_file');
    const file = path.join(ws.root, 'src', 'app.ts');
    const first = await indexer().indexFile(file, name, ws.root);
    assert.equal(first.path, 'src/app.ts');
    assert.ok(first.chunks >= 1);
    assert.equal(first.embedded, first.chunks);
    const info = await store.describeCollection(name);
    assert.deepEqual(info.embedding, embedder.spec);

    server.reset();
    assert.deepEqual(await indexer().indexFile(file, name, ws.root), { path: 'src/app.ts', chunks: first.chunks, embedded: 0 });
    assert.equal(server.requests, 0);

    const outside = await indexer().indexFile(path.join(ws.root, 'docs', 'guide.md'), name, '');
    assert.equal(outside.path, 'guide.md', 'root-less files are stored by name');
    assert.deepEqual(await indexer().indexFile(path.join(ws.root, '.env'), name, ws.root), { path: '.env', chunks: 0, embedded: 0, skipped: 'secret' });

    const removed = await indexer().removeFile(file, name, ws.root);
    assert.equal(removed, first.chunks);
    assert.equal((await store.queryByPath(name, 'src/app.ts')).length, 0);
    assert.equal(await indexer().removeFile(file, name, ws.root), 0);
  });

  it('without an embedding endpoint, indexes for BM25 only and never calls an embedder', async () => {
    const name = collection('idx_bm25');
    const none = createEmbedder({ baseUrl: undefined, apiKey: undefined, model: 'x', dimensions: 8 });
    const summary = await indexer(none).indexFolder(ws.root, { collection: name });
    assert.equal(summary.chunksEmbedded, 0);
    assert.equal(server.requests, 0);
    assert.equal((await store.describeCollection(name)).embedding, null);
    const hits = await store.search(name, 'compute_fibonacci', { limit: 3 });
    assert.equal(hits[0]?.path, 'src/util/math.py');
  });

  it('a dry run estimates without writing anything', async () => {
    const name = collection('idx_dry');
    const summary = await indexer().indexFolder(ws.root, { collection: name, dryRun: true });
    assert.equal(summary.dryRun, true);
    assert.equal(summary.filesIndexed, EXPECTED_INDEXED.length);
    assert.equal(await store.hasCollection(name), false);
    assert.equal(server.requests, 0);
    await indexer().indexFolder(ws.root, { collection: name });
    const rows = (await store.listIndexedFiles(name)).reduce((n, f) => n + f.ids.length, 0);
    assert.equal(summary.estimatedChunks, rows);
    assert.ok((summary.estimatedTokens ?? 0) > 0);
  });

  it('the fake embedder agrees with what was stored (hybrid search sees real vectors)', async () => {
    const name = collection('idx_vec');
    await indexer().indexFolder(ws.root, { collection: name });
    const hits = await store.search(name, 'compute fibonacci number', { limit: 1, vector: fakeEmbedding('compute fibonacci number', DIMS) });
    assert.equal(hits[0]?.path, 'src/util/math.py');
  });
});
