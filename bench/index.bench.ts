/**
 * npm run bench:index [-- --files 5000 --latency 50 --dims 768 --corpus DIR]
 *
 * Indexes a generated corpus (or --corpus DIR) into real Milvus Lite (dense + BM25) with the fake
 * OpenAI-compatible embedder answering every request after --latency ms, and prints files/s,
 * chunks/s, embedding requests, peak RSS, the full-index wall time, the time of a re-index with
 * nothing changed, and of a re-index after touching one file: right after the full index, and again
 * once Milvus Lite's background index build is done.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { createEmbedder } from '../src/core/embedding/factory';
import type { IndexSummary } from '../src/core/indexing/events';
import { Indexer } from '../src/core/indexing/indexer';
import { ForkedEmbeddingServer } from './support/embeddingServerProcess';
import { openStore } from '../src/core/store/factory';
import { embeddedServerPid, waitForServerIdle } from './support/serverIdle';

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '5000' },
    latency: { type: 'string', default: '50' },
    dims: { type: 'string', default: '768' },
    corpus: { type: 'string' },
  },
});
const FILES = Number(values.files);
const LATENCY = Number(values.latency);
const DIMS = Number(values.dims);

const WORDS = 'index vector search chunk embed query milvus server client token stream config cache retry batch file folder path line score'.split(' ');

function words(seed: number, n: number): string {
  return Array.from({ length: n }, (_, i) => WORDS[(seed * 31 + i * 7) % WORDS.length]).join(' ');
}

/** Mixed code and prose, in nested folders, the shape of a real repository. */
function generateCorpus(root: string, files: number): void {
  for (let i = 0; i < files; i++) {
    const dir = path.join(root, `pkg${i % 40}`, `mod${i % 9}`);
    mkdirSync(dir, { recursive: true });
    const kind = i % 5;
    if (kind === 0) {
      const paras = Array.from({ length: 5 + (i % 4) }, (_, p) => `${words(i + p, 18)}. ${words(i * p + 3, 12)}!`);
      writeFileSync(path.join(dir, `notes${i}.md`), `# Notes ${i}\n\n${paras.join('\n\n')}\n`);
    } else if (kind === 1) {
      const defs = Array.from({ length: 3 + (i % 3) }, (_, f) =>
        [`def ${WORDS[(i + f) % WORDS.length]}_${i}_${f}(value):`, `    """${words(i + f, 8)}."""`, ...Array.from({ length: 10 }, (_, k) => `    value = value * ${k} + ${f}  # ${words(k + f, 3)}`), '    return value', ''].join('\n'),
      );
      writeFileSync(path.join(dir, `service${i}.py`), defs.join('\n'));
    } else if (kind === 4) {
      writeFileSync(path.join(dir, `config${i}.json`), JSON.stringify({ name: `pkg${i}`, tags: words(i, 6).split(' '), limits: { retries: i % 7, batch: 64 } }, null, 2));
    } else {
      const fns = Array.from({ length: 3 + (i % 4) }, (_, f) =>
        [`/** ${words(i + f, 10)} */`, `export function ${WORDS[(i + f) % WORDS.length]}Handler${i}_${f}(input: number): number {`, ...Array.from({ length: 12 }, (_, k) => `  const step${k} = input * ${k} + ${f}; // ${words(k, 4)}`), '  return input;', '}', ''].join('\n'),
      );
      writeFileSync(path.join(dir, `handler${i}.ts`), fns.join('\n'));
    }
  }
}

const load = (): string => os.loadavg().map((l) => l.toFixed(1)).join(' ');
const loadAtStart = load();

async function main(): Promise<void> {
  const owned = values.corpus ? undefined : mkdtempSync(path.join(os.tmpdir(), 'kimi-bench-corpus-'));
  const root = values.corpus ? path.resolve(values.corpus) : (owned as string);
  if (owned) {
    process.stdout.write(`generating ${FILES} files in ${owned}…\n`);
    generateCorpus(owned, FILES);
  }
  let peakRss = process.memoryUsage().rss;
  let peakHeap = 0;
  let peakExternal = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakExternal = Math.max(peakExternal, m.external);
  }, 50);
  // In a process of its own, so the peak RSS is the indexer's (and the SDK's), not the fake's.
  const server = await ForkedEmbeddingServer.start({ dimensions: DIMS, latencyMs: LATENCY });
  const repo = path.resolve(__dirname, '..');
  process.env.KIMI_MILVUS_VENV ||= path.join(repo, '.cache', 'milvus-venv');
  const dataDir = process.env.KIMI_MILVUS_BENCH_DATA_DIR || path.join(repo, '.cache', 'bench-milvus');
  const handle = await openStore({ uri: process.env.MILVUS_URI || undefined, token: process.env.MILVUS_TOKEN || undefined, dataDir, pythonPath: undefined }, {
    onProgress: (m) => process.stderr.write(`${m}\n`),
  });
  const { store } = handle;
  const collection = `bench_index_${process.pid}`;
  try {
    const embedder = createEmbedder({ baseUrl: server.url, apiKey: 'sk-bench', model: 'fake-embed', dimensions: DIMS });
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'kimi-bench-cache-'));
    const indexer = new Indexer({ store, embedder, config: { include: [], exclude: [], maxFileSizeKb: 1024 }, cacheDir });
    await store.dropCollection(collection).catch(() => undefined);
    // What the process holds before any indexing: Node, tsx and the SDK.
    const rssBefore = process.memoryUsage().rss;

    const timed = async (label: string): Promise<{ s: IndexSummary; ms: number; requests: number; inputs: number }> => {
      await server.reset();
      const t = performance.now();
      const s = await indexer.indexFolder(root, { collection });
      const ms = performance.now() - t;
      const { requests, inputs } = await server.stats();
      process.stdout.write(`${label}: ${(ms / 1000).toFixed(2)} s, ${s.filesIndexed} files written, ${s.chunksEmbedded} chunks embedded, ${requests} requests, diffed against ${s.diffedAgainst}, load ${load()}\n`);
      return { s, ms, requests, inputs };
    };

    const full = await timed('full index');
    const noop = await timed('re-index, nothing changed');
    const touched = full.s.filesTotal > 0 ? findFile(root) : undefined;
    touch(touched, 'touched by the benchmark');
    const one = await timed('re-index after touching one file');
    // The runs above start while Milvus Lite still builds the index of what the full index wrote
    // (a background thread, seconds per 10k rows); the same two runs again once it is done.
    const idle = await waitForServerIdle(embeddedServerPid(handle, dataDir));
    const settledNoop = await timed('settled: re-index, nothing changed');
    touch(touched, 'touched again');
    const settledOne = await timed('settled: re-index after touching one file');
    const rows = (await store.describeCollection(collection)).rowCount;

    const secs = full.ms / 1000;
    const table = [
      ['corpus', `${full.s.filesTotal} files, ${(full.s.bytes / 1e6).toFixed(1)} MB, ${full.s.chunksWritten} chunks (${rows} rows)`],
      ['embedder', `fake OpenAI-compatible, ${LATENCY} ms per request, ${DIMS} dims, 64 inputs/request, 4 in flight`],
      ['full index (wall)', `${secs.toFixed(2)} s`],
      ['files/s', (full.s.filesTotal / secs).toFixed(0)],
      ['chunks/s', (full.s.chunksWritten / secs).toFixed(0)],
      ['embedding requests', `${full.requests} (${full.inputs} inputs)`],
      ['re-index, nothing changed', `${(noop.ms / 1000).toFixed(2)} s, ${noop.requests} requests`],
      ['re-index after touching one file', `${(one.ms / 1000).toFixed(2)} s, ${one.inputs} chunks embedded, ${one.requests} requests`],
      [
        `once Milvus Lite's index build is done (${idle.measured ? `${idle.seconds.toFixed(1)} s later` : 'not measurable here'}): nothing changed / one file touched`,
        `${(settledNoop.ms / 1000).toFixed(2)} s / ${(settledOne.ms / 1000).toFixed(2)} s, ${settledOne.inputs} chunks embedded`,
      ],
      ['peak RSS', `${(peakRss / 1024 / 1024).toFixed(0)} MB (before indexing ${(rssBefore / 1024 / 1024).toFixed(0)} MB; peak JS heap ${(peakHeap / 1024 / 1024).toFixed(0)} MB, external ${(peakExternal / 1024 / 1024).toFixed(0)} MB)`],
      ['load average at start / end', `${loadAtStart} / ${load()}`],
    ];
    process.stdout.write('\n| measure | value |\n|---|---|\n' + table.map(([k, v]) => `| ${k} | ${v} |`).join('\n') + '\n');
  } finally {
    clearInterval(sampler);
    await store.dropCollection(collection).catch(() => undefined);
    await handle.dispose();
    await server.close();
    if (owned) {
      rmSync(owned, { recursive: true, force: true });
    }
  }
}

/** Appends a comment line to `file` (a change that re-chunks its end). */
function touch(file: string | undefined, note: string): void {
  if (file) {
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n${file.endsWith('.py') ? '#' : '//'} ${note}\n`);
  }
}

/** The first source file of the corpus, to touch between runs. */
function findFile(root: string): string | undefined {
  const entries = readdirSync(root, { recursive: true, encoding: 'utf8' }).sort();
  const rel = entries.find((e) => /\.(ts|py|js)$/.test(e) && !e.split(path.sep).includes('node_modules'));
  return rel ? path.join(root, rel) : undefined;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:index failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
