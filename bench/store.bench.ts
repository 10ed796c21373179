/**
 * Milvus Lite throughput and latency through MilvusStore: upsert rows/s of 768-dim vectors
 * with text, and BM25 / hybrid (dense + BM25, RRF) search latency p50/p95.
 *
 *   npm run bench:store                       (sizes 10000,100000)
 *   npm run bench:store -- --sizes 10000,30000 --queries 50
 *
 * Uses its own data dir (.cache/bench-milvus, or KIMI_MILVUS_BENCH_DATA_DIR) and the test
 * venv (.cache/milvus-venv, or KIMI_MILVUS_VENV); drops its collections afterwards.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { MILVUS_LITE_VERSION } from '../src/core/milvus/pins';
import { connectClient } from '../src/core/store/connection';
import { openStore } from '../src/core/store/factory';
import type { ChunkRow, VectorStore } from '../src/core/store/types';
import { prng, wordSource } from './support/random';
import { embeddedServerPid, waitForServerIdle } from './support/serverIdle';

const DIM = 768;
const WRITE_CHUNK = 5000;
const root = path.resolve(__dirname, '..');

const { values } = parseArgs({
  options: { sizes: { type: 'string', default: '10000,100000' }, queries: { type: 'string', default: '50' } },
});
const sizes = String(values.sizes).split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0);
const QUERIES = Number(values.queries);

const rand = prng(42);
const word = wordSource(rand, 5000);

function vector(): number[] {
  const v = Array.from({ length: DIM }, () => rand() * 2 - 1);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

function makeRows(from: number, count: number): ChunkRow[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const text = Array.from({ length: 80 }, word).join(' ');
    return {
      id: i.toString(16).padStart(12, '0'),
      path: `src/module${Math.floor(i / 20)}/file${i % 20}.ts`,
      startLine: 1,
      endLine: 40,
      chunkIndex: 0,
      totalChunks: 1,
      language: 'typescript',
      fileHash: 'ab'.repeat(32),
      text: `src/module${Math.floor(i / 20)}/file${i % 20}.ts:1-40\n${text} ident${i}`,
      vector: vector(),
    };
  });
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function timeQueries(run: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < 3; i++) {
    await run();
  }
  const times: number[] = [];
  for (let i = 0; i < QUERIES; i++) {
    const t = performance.now();
    await run();
    times.push(performance.now() - t);
  }
  return { p50: pct(times, 50), p95: pct(times, 95) };
}

interface Row {
  size: number;
  insertRowsPerS: number;
  upsertRowsPerS: number;
  upsertS: number;
  flushS: number;
  /** Hybrid right after the flush, while Milvus Lite builds the HNSW index in the background. */
  hybridBuilding: { p50: number; p95: number };
  /** Seconds after the flush until the server went quiet (undefined: not measurable here). */
  settleS: number | undefined;
  bm25: { p50: number; p95: number };
  hybrid: { p50: number; p95: number };
}

/** Rows/s of `insert` (what the indexer uses for ids it diffed as new) into a fresh collection. */
async function insertRate(store: VectorStore, size: number): Promise<number> {
  const name = `bench_ins_${size}_${Date.now().toString(36)}`;
  await store.createCollection(name, { embedding: { model: 'bench:random', dimensions: DIM } });
  try {
    let writeMs = 0;
    for (let from = 0; from < size; from += WRITE_CHUNK) {
      const rows = makeRows(from, Math.min(WRITE_CHUNK, size - from));
      const t = performance.now();
      await store.insert(name, rows);
      writeMs += performance.now() - t;
    }
    return size / (writeMs / 1000);
  } finally {
    await store.dropCollection(name).catch(() => undefined);
  }
}

async function benchSize(store: VectorStore, client: MilvusClient, size: number, serverPid: number | undefined): Promise<Row> {
  const insertRowsPerS = await insertRate(store, size);
  const name = `bench_${size}_${Date.now().toString(36)}`;
  await store.createCollection(name, { embedding: { model: 'bench:random', dimensions: DIM } });
  try {
    let writeMs = 0;
    for (let from = 0; from < size; from += WRITE_CHUNK) {
      const rows = makeRows(from, Math.min(WRITE_CHUNK, size - from)); // generated outside the timer
      const t = performance.now();
      await store.upsert(name, rows);
      writeMs += performance.now() - t;
      process.stderr.write(`\r  ${name}: ${Math.min(size, from + WRITE_CHUNK)}/${size} rows`);
    }
    process.stderr.write('\n');
    const count = (await store.describeCollection(name)).rowCount;
    if (count !== size) {
      throw new Error(`expected ${size} rows, found ${count}`);
    }
    // The store flushes a collection 2 s after its last write (see liteFlush.ts); flush
    // explicitly here so the figures are for the steady state, and time it separately.
    const f0 = performance.now();
    await client.flush({ collection_names: [name] });
    await store.search(name, 'warm', { limit: 1, vector: vector() });
    const flushS = (performance.now() - f0) / 1000;
    process.stderr.write(`  flushed in ${flushS.toFixed(1)} s\n`);
    // What a user sees right after indexing: Lite builds the HNSW index on a background thread after
    // the flush (seconds per 10k rows, both cores), and searches compete with it.
    const s0 = performance.now();
    const hybridBuilding = await timeQueries(() => store.search(name, `${word()} ${word()} ${word()}`, { limit: 10, vector: vector() }));
    const waitFrom = (performance.now() - s0) / 1000;
    const idle = await waitForServerIdle(serverPid);
    const settleS = idle.measured ? waitFrom + idle.seconds : undefined;
    const bm25 = await timeQueries(() => store.search(name, `${word()} ${word()} ${word()}`, { limit: 10 }));
    const hybrid = await timeQueries(() => store.search(name, `${word()} ${word()} ${word()}`, { limit: 10, vector: vector() }));
    return { size, insertRowsPerS, upsertRowsPerS: size / (writeMs / 1000), upsertS: writeMs / 1000, flushS, hybridBuilding, settleS, bm25, hybrid };
  } finally {
    await store.dropCollection(name).catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const loadBefore = os.loadavg().map((l) => l.toFixed(1)).join(' ');
  process.env.KIMI_MILVUS_VENV ||= path.join(root, '.cache', 'milvus-venv');
  const dataDir = process.env.KIMI_MILVUS_BENCH_DATA_DIR || path.join(root, '.cache', 'bench-milvus');
  const handle = await openStore(
    { uri: undefined, token: undefined, dataDir, pythonPath: undefined },
    { onProgress: (m) => process.stderr.write(`${m}\n`) },
  );
  // The product's own client settings (keepalive the embedded server accepts), with a long deadline for the flush.
  const client = await connectClient({ address: handle.address, timeoutMs: 600_000 });
  const serverPid = embeddedServerPid(handle, dataDir);
  const f = (n: number): string => n.toFixed(1);
  console.log(`\nMilvus Lite ${MILVUS_LITE_VERSION}, ${DIM}-dim vectors + ~600-byte texts, ${QUERIES} queries each, top 10;`);
  console.log(`${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average at start ${loadBefore}\n`);
  console.log('Searches are timed once Milvus Lite has finished its background index build (the server process quiet);');
  console.log('"while building" is the hybrid search right after the flush, as a user searching at once after indexing sees it.\n');
  console.log('| rows | insert rows/s | upsert rows/s | upsert total s | flush + first search s | index build until s | hybrid p50 ms while building | BM25 p50 ms | BM25 p95 ms | hybrid p50 ms | hybrid p95 ms |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  try {
    for (const size of sizes) {
      // Printed per size, so a long run still reports what it has measured.
      const r = await benchSize(handle.store, client, size, serverPid);
      console.log(
        `| ${r.size.toLocaleString('en-US')} | ${Math.round(r.insertRowsPerS).toLocaleString('en-US')} | ${Math.round(r.upsertRowsPerS).toLocaleString('en-US')} | ${f(r.upsertS)} | ${f(r.flushS)} | ${r.settleS === undefined ? 'n/a' : f(r.settleS)} | ${f(r.hybridBuilding.p50)} | ${f(r.bm25.p50)} | ${f(r.bm25.p95)} | ${f(r.hybrid.p50)} | ${f(r.hybrid.p95)} |`,
      );
    }
  } finally {
    await client.closeConnection().catch(() => undefined);
    await handle.dispose();
  }
  console.log(`\nload average at end: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
