/**
 * What a search costs through `kimi-milvus mcp` (one warm server process, many calls) next to the
 * same searches through the CLI (`kimi-milvus search`, one process per call): p50/p95 over N
 * queries on a BM25 collection of 10k chunks, so the per-call cost of a process start (Node,
 * bundle load, Milvus connect) is visible.
 *
 *   npm run bench:mcp                        (10000 chunks, 50 queries)
 *   npm run bench:mcp -- --chunks 10000 --queries 50
 *
 * Uses its own data dir (.cache/bench-milvus, or KIMI_MILVUS_BENCH_DATA_DIR) and the test venv
 * (.cache/milvus-venv, or KIMI_MILVUS_VENV); builds dist/ first; drops its collection afterwards.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { collectionNameFor } from '../src/core/indexing/collectionName';
import { openStore } from '../src/core/store/factory';
import type { ChunkRow } from '../src/core/store/types';
import { prng, wordSource } from './support/random';

const repo = path.resolve(__dirname, '..');
const cli = path.join(repo, 'dist', 'cli.js');
const { values } = parseArgs({ options: { chunks: { type: 'string', default: '10000' }, queries: { type: 'string', default: '50' } } });
const CHUNKS = Number(values.chunks);
const QUERIES = Number(values.queries);
const WRITE_BATCH = 2000;

const rand = prng(7);
const word = wordSource(rand, 4000);

function rows(from: number, count: number): ChunkRow[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const file = `src/module${Math.floor(i / 20)}/file${i % 20}.ts`;
    return {
      id: i.toString(16).padStart(12, '0'),
      path: file,
      startLine: 1,
      endLine: 40,
      chunkIndex: 0,
      totalChunks: 1,
      language: 'typescript',
      fileHash: 'cd'.repeat(32),
      text: `${file}:1-40\n${Array.from({ length: 80 }, word).join(' ')} ident${i}`,
    };
  });
}

function pct(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const load = (): string => os.loadavg().map((x) => x.toFixed(2)).join(', ');

async function main(): Promise<void> {
  process.env.KIMI_MILVUS_VENV ??= path.join(repo, '.cache', 'milvus-venv');
  const dataDir = process.env.KIMI_MILVUS_BENCH_DATA_DIR || path.join(repo, '.cache', 'bench-milvus');
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: repo, stdio: 'ignore' });
  const base = mkdtempSync(path.join(os.tmpdir(), 'kimi-mcp-bench-'));
  const root = path.join(base, 'workspace');
  execFileSync('mkdir', ['-p', root]);
  const collection = collectionNameFor(root);
  // This process keeps a lease on Milvus Lite, so the server stays up (warm) between CLI calls.
  const handle = await openStore({ uri: undefined, token: undefined, dataDir, pythonPath: undefined }, { onProgress: (m) => process.stderr.write(`${m}\n`) });
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('EMBEDDING_') && k !== 'MILVUS_URI') {
      env[k] = v;
    }
  }
  env.KIMI_MILVUS_DATA_DIR = dataDir;
  let client: Client | undefined;
  try {
    await handle.store.createCollection(collection, { embedding: null, metadata: { root } });
    for (let i = 0; i < CHUNKS; i += WRITE_BATCH) {
      await handle.store.upsert(collection, rows(i, Math.min(WRITE_BATCH, CHUNKS - i)));
    }
    const queries = Array.from({ length: QUERIES }, () => `${word()} ${word()} ${word()}`);
    console.log(`kimi-milvus search latency, ${CHUNKS} chunks (BM25), ${QUERIES} queries; load average before: ${load()}`);

    client = new Client({ name: 'bench', version: '1' });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [cli, 'mcp', '--root', root], env, stderr: 'ignore' }));
    const search = async (query: string): Promise<void> => {
      const r = (await client?.callTool({ name: 'search_workspace', arguments: { query, limit: 10 } })) as CallToolResult;
      if (r.isError) {
        throw new Error(JSON.stringify(r.content));
      }
    };
    for (let i = 0; i < 3; i++) {
      await search(queries[i]); // warm: store opened, caches filled
    }
    const mcp: number[] = [];
    for (const q of queries) {
      const t = performance.now();
      await search(q);
      mcp.push(performance.now() - t);
    }

    // The CLI keeps a V8 code cache of its bundle (src/cli.ts); here in a private folder, and
    // timed against runs with the cache turned off, one of each per query so both see the same load.
    const cached = { ...env, XDG_CACHE_HOME: path.join(base, 'cache') };
    const uncached = { ...env, KIMI_MILVUS_CODE_CACHE: '0' };
    const cliOnce = async (query: string, cliEnv: Record<string, string>): Promise<void> => {
      await promisify(execFile)(process.execPath, [cli, 'search', query, '--collection', collection, '--limit', '10', '--json'], { env: cliEnv });
    };
    await cliOnce(queries[0], cached); // writes the cache
    await cliOnce(queries[0], uncached);
    const perProcess: number[] = [];
    const noCache: number[] = [];
    for (const q of queries) {
      let t = performance.now();
      await cliOnce(q, cached);
      perProcess.push(performance.now() - t);
      t = performance.now();
      await cliOnce(q, uncached);
      noCache.push(performance.now() - t);
    }
    const row = (name: string, xs: number[]): string => `${name.padEnd(44)} p50 ${pct(xs, 50).toFixed(1).padStart(7)} ms   p95 ${pct(xs, 95).toFixed(1).padStart(7)} ms`;
    console.log(row('MCP search_workspace (warm server)', mcp));
    console.log(row('CLI search (one process per call)', perProcess));
    console.log(row('CLI search, KIMI_MILVUS_CODE_CACHE=0', noCache));
    console.log(`load average after: ${load()} (${os.cpus().length} cores)`);
  } finally {
    await client?.close();
    await handle.store.dropCollection(collection).catch(() => undefined);
    await handle.dispose();
    rmSync(base, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
