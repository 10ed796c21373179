/**
 * npm run bench:swebench [-- --repos sympy,pytest] [--modes plain,bm25,hybrid,tool] [--data FILE]
 *   [--limit N] [--no-local] [--verbose] [--json FILE] [--tag T] [--rebuild]
 *
 * File localization on real issues (SWE-bench Lite): for each issue, its whole text is the query
 * and the hit is the file its accepted fix changed, among the first k distinct files returned
 * (file-level Acc@1/5/10 and MRR@10, per repository). Each repository's tree is a release's sdist
 * from PyPI (downloaded once with pip into ~/.cache/kimi-milvus-chat/swebench, unpacked there),
 * indexed with the product's defaults by the product's Indexer into real Milvus Lite (its data dir
 * is kept in the same cache, so a second run re-indexes nothing). Modes:
 *  plain   whole-file Okapi BM25 in the bench itself (no chunks, no index): the reference;
 *  bm25    the product's keyword search (no embedding model);
 *  hybrid  the product's search with the local model's vectors (all-MiniLM-L6-v2);
 *  tool    search_workspace exactly as Kimi and MCP clients call it ({ query, limit: 10 }), hybrid
 *          unless --no-local.
 * Data: --data (default: the shared SWE-bench Lite file when it exists). A row may carry `sdist`
 * ("requests==2.7.0") for a repository the bench has no release for. Instances whose gold file is
 * not in the tree are left out (and counted). --limit N keeps the first N issues per repository.
 * Index time (this run: incremental after the first), search p50/p95 and the load average are
 * printed with the table. Embedding a large tree with the local model takes long on a loaded
 * machine: run it under `nice -n 10`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { searchWorkspace } from '../src/core/agent/tools/searchTools';
import { toolEnv } from '../src/core/agent/tools/context';
import type { Embedder } from '../src/core/embedding/embedder';
import { createEmbedder } from '../src/core/embedding/factory';
import { LocalEmbedder } from '../src/core/embedding/localEmbedder';
import { bundledModelsDir } from '../src/core/embedding/localModel';
import { Indexer } from '../src/core/indexing/indexer';
import { openStore, type StoreHandle } from '../src/core/store/factory';
import { prepareQuery, searchFiles } from '../src/core/search/searchFiles';
import type { CollectionInfo } from '../src/core/store/types';
import { embedVenvDir } from '../test/support/localModel';
import { PlainBm25 } from './support/plainBm25';
import { embeddedServerPid, waitForServerIdle } from './support/serverIdle';
import { ensureTree, loadInstances, withGoldInTree, sharedData, type Instance } from './support/swebenchData';

const { values } = parseArgs({
  options: {
    repos: { type: 'string' },
    modes: { type: 'string', default: 'plain,bm25,hybrid,tool' },
    data: { type: 'string' },
    limit: { type: 'string' },
    'no-local': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    json: { type: 'string' },
    tag: { type: 'string', default: '' },
    rebuild: { type: 'boolean', default: false },
  },
});

const CACHE = path.join(os.homedir(), '.cache', 'kimi-milvus-chat', 'swebench');
/** What Kimi asks search_workspace for. */
const TOOL_LIMIT = 10;
const MODES = ['plain', 'bm25', 'hybrid', 'tool'] as const;
type Mode = (typeof MODES)[number];

interface Row {
  readonly repo: string;
  readonly mode: Mode;
  readonly ranks: Array<number | undefined>;
  readonly ms: number[];
  indexSeconds?: number;
}

const log = (m: string): void => void process.stderr.write(`${m}\n`);
const load = (): string => os.loadavg().map((x) => x.toFixed(2)).join(' ');

function rankOf(files: readonly string[], gold: readonly string[]): number | undefined {
  const at = files.slice(0, 10).findIndex((f) => gold.includes(f));
  return at >= 0 ? at + 1 : undefined;
}

function distinct(paths: readonly string[]): string[] {
  return [...new Set(paths)];
}

function pct(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '_');
}

interface Ctx {
  readonly handle: StoreHandle;
  readonly none: Embedder;
  readonly local: LocalEmbedder | undefined;
  readonly modes: readonly Mode[];
}

/** Indexes `root` into `collection` (incremental) and returns the seconds it took. */
async function indexTree(ctx: Ctx, root: string, collection: string, embedder: Embedder): Promise<number> {
  if (values.rebuild) {
    await ctx.handle.store.dropCollection(collection).catch(() => undefined);
  }
  const indexer = new Indexer({ store: ctx.handle.store, embedder, config: { include: [], exclude: [], maxFileSizeKb: 1024 }, cacheDir: path.join(CACHE, 'index-cache') });
  const t = performance.now();
  let last = 0;
  const summary = await indexer.indexFolder(root, {
    collection,
    onProgress: (p) => {
      if (performance.now() - last > 30_000) {
        last = performance.now();
        log(`  ${collection}: ${p.filesDone}/${p.filesTotal} files, ${p.chunksDone} chunks (load ${load()})`);
      }
    },
  });
  const s = (performance.now() - t) / 1000;
  log(`${collection}: ${summary.filesTotal} files (${summary.filesIndexed} indexed, ${summary.filesUnchanged} unchanged), ${summary.chunksWritten} chunks written, ${summary.chunksEmbedded} embedded in ${s.toFixed(1)} s`);
  return s;
}

/** The product's file-level search (what search_workspace runs per collection), timed per query. */
async function searchAll(ctx: Ctx, collection: string, kept: readonly Instance[], r: Row, embedder: Embedder | undefined): Promise<void> {
  const info: CollectionInfo = await ctx.handle.store.describeCollection(collection);
  const embed = embedder ? async (text: string): Promise<number[] | undefined> => (await embedder.embed([text]))[0] : undefined;
  // The first search reads the definitions index (once per collection generation): timed apart.
  const t0 = performance.now();
  await searchFiles(ctx.handle.store, info, prepareQuery('warm up'), { limit: 1 });
  log(`${collection}: first search (reads the definitions index) ${(performance.now() - t0).toFixed(0)} ms`);
  for (const inst of kept) {
    const t = performance.now();
    const files = await searchFiles(ctx.handle.store, info, prepareQuery(inst.problem), { limit: 10, embed });
    r.ms.push(performance.now() - t);
    r.ranks.push(rankOf(files.map((f) => f.path), inst.goldFiles));
  }
}

async function runRepo(ctx: Ctx, repo: string, instances: Instance[], rows: Row[]): Promise<void> {
  const root = ensureTree(instances[0].sdist, CACHE, log);
  const { kept, dropped } = withGoldInTree(instances, root);
  if (dropped.length) {
    log(`${repo}: ${dropped.length} instance(s) left out, gold file not in ${instances[0].sdist}: ${dropped.join(', ')}`);
  }
  const base = `swebench_${slug(instances[0].sdist)}${values.tag ? `_${slug(values.tag)}` : ''}`;
  const wantsLocal = !values['no-local'] && ctx.local !== undefined && ctx.modes.some((m) => m === 'hybrid' || m === 'tool');
  const bm25Collection = `${base}_bm25`;
  const localCollection = `${base}_local`;
  const row = (mode: Mode): Row => {
    const r: Row = { repo, mode, ranks: [], ms: [] };
    rows.push(r);
    return r;
  };
  if (ctx.modes.includes('plain')) {
    const r = row('plain');
    const plain = await PlainBm25.build(root);
    for (const inst of kept) {
      const t = performance.now();
      const files = plain.rank(inst.problem, 10);
      r.ms.push(performance.now() - t);
      r.ranks.push(rankOf(files, inst.goldFiles));
    }
  }
  const bm25Seconds = ctx.modes.includes('bm25') || (ctx.modes.includes('tool') && !wantsLocal) ? await indexTree(ctx, root, bm25Collection, ctx.none) : undefined;
  const localSeconds = wantsLocal && ctx.local ? await indexTree(ctx, root, localCollection, ctx.local) : undefined;
  const idle = await waitForServerIdle(embeddedServerPid(ctx.handle, path.join(CACHE, 'milvus')));
  log(`Milvus Lite settled after ${idle.seconds.toFixed(1)} s (load ${load()})`);
  if (bm25Seconds !== undefined && ctx.modes.includes('bm25')) {
    const r = row('bm25');
    r.indexSeconds = bm25Seconds;
    await searchAll(ctx, bm25Collection, kept, r, undefined);
  }
  if (localSeconds !== undefined && ctx.local && ctx.modes.includes('hybrid')) {
    const r = row('hybrid');
    r.indexSeconds = localSeconds;
    await searchAll(ctx, localCollection, kept, r, ctx.local);
  }
  if (ctx.modes.includes('tool')) {
    const r = row('tool');
    const collection = wantsLocal ? localCollection : bm25Collection;
    const embedder = wantsLocal && ctx.local ? ctx.local : ctx.none;
    const env = toolEnv({
      store: ctx.handle.store,
      embedder,
      indexer: { indexFile: () => Promise.reject(new Error('read-only benchmark')) },
      workspaceFolders: [root],
      collectionFor: () => collection,
      trusted: true,
    });
    const tool = searchWorkspace(env);
    for (const inst of kept) {
      const t = performance.now();
      const out = await tool.run({ query: inst.problem, limit: TOOL_LIMIT });
      r.ms.push(performance.now() - t);
      const results = Array.isArray(out.result.results) ? (out.result.results as Array<{ path?: unknown }>) : [];
      r.ranks.push(rankOf(distinct(results.map((x) => String(x.path))), inst.goldFiles));
    }
  }
  if (values.verbose) {
    const mine = rows.filter((x) => x.repo === repo);
    process.stdout.write(`\n| ${repo} | ${mine.map((x) => x.mode).join(' | ')} |\n|---|${mine.map(() => '---|').join('')}\n`);
    kept.forEach((inst, i) => process.stdout.write(`| ${inst.instanceId} | ${mine.map((x) => x.ranks[i] ?? '–').join(' | ')} |\n`));
  }
  if (values.json) {
    const out = kept.map((inst, i) => ({ id: inst.instanceId, gold: inst.goldFiles, ...Object.fromEntries(rows.filter((x) => x.repo === repo).map((x) => [x.mode, x.ranks[i] ?? null])) }));
    fs.appendFileSync(values.json, `${out.map((o) => JSON.stringify(o)).join('\n')}\n`);
  }
}

function report(rows: readonly Row[]): void {
  const label: Record<Mode, string> = {
    plain: 'plain BM25, whole files (reference)',
    bm25: 'product, BM25',
    hybrid: 'product, hybrid (local model)',
    tool: `search_workspace (Kimi/MCP, limit ${TOOL_LIMIT})`,
  };
  process.stdout.write(`\nFile-level localization, whole issue text as the query (load ${load()})\n\n`);
  process.stdout.write('| repository | search | issues | Acc@1 | Acc@5 | Acc@10 | MRR@10 | p50 ms | p95 ms | index s |\n|---|---|---|---|---|---|---|---|---|---|\n');
  for (const r of rows) {
    const n = r.ranks.length;
    const acc = (k: number): string => `${((100 * r.ranks.filter((x) => x !== undefined && x <= k).length) / Math.max(1, n)).toFixed(0)} %`;
    const mrr = r.ranks.reduce<number>((s, x) => s + (x ? 1 / x : 0), 0) / Math.max(1, n);
    const idx = r.indexSeconds !== undefined ? r.indexSeconds.toFixed(0) : '';
    process.stdout.write(`| ${r.repo} | ${label[r.mode]} | ${n} | ${acc(1)} | ${acc(5)} | ${acc(10)} | ${mrr.toFixed(3)} | ${pct(r.ms, 50).toFixed(0)} | ${pct(r.ms, 95).toFixed(0)} | ${idx} |\n`);
  }
}

async function main(): Promise<void> {
  const modes = (values.modes ?? '').split(',').map((m) => m.trim()).filter(Boolean) as Mode[];
  const unknown = modes.filter((m) => !MODES.includes(m));
  if (unknown.length) {
    throw new Error(`Unknown mode(s) ${unknown.join(', ')}; choose from ${MODES.join(', ')}.`);
  }
  const data = values.data ? path.resolve(values.data) : sharedData();
  const all = loadInstances(data);
  const wanted = values.repos?.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const byRepo = new Map<string, Instance[]>();
  for (const inst of all) {
    if (!wanted || wanted.some((w) => inst.repo.toLowerCase().includes(w))) {
      byRepo.set(inst.repo, [...(byRepo.get(inst.repo) ?? []), inst]);
    }
  }
  if (byRepo.size === 0) {
    throw new Error(`No instance in ${data} matches --repos ${values.repos}.`);
  }
  const limit = values.limit ? Number(values.limit) : undefined;
  log(`Data: ${data}; load ${load()}`);
  process.env.KIMI_MILVUS_VENV ||= path.join(os.homedir(), '.cache', 'kimi-milvus-chat', 'milvus-venv');
  const handle = await openStore({ uri: undefined, token: undefined, dataDir: path.join(CACHE, 'milvus'), pythonPath: undefined }, { onProgress: log });
  const local =
    values['no-local'] || !modes.some((m) => m === 'hybrid' || m === 'tool')
      ? undefined
      : new LocalEmbedder({ storageDir: path.join(CACHE, 'embed'), bundledDir: bundledModelsDir(), venvDir: embedVenvDir(), onProgress: log });
  const ctx: Ctx = { handle, none: createEmbedder({ baseUrl: undefined, apiKey: undefined, model: '', dimensions: 0 }), local, modes };
  const rows: Row[] = [];
  try {
    for (const [repo, instances] of byRepo) {
      // Several releases of one repository would be several trees; the first row's release is used.
      const sdist = instances[0].sdist;
      await runRepo(ctx, repo, instances.filter((i) => i.sdist === sdist).slice(0, limit), rows);
    }
  } finally {
    await local?.close();
    await handle.dispose();
  }
  report(rows);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:swebench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
