/**
 * node --import tsx bench/retrieval.bench.ts [-- --no-hybrid] [--no-local] [--corpus src|stdlib|both] [--verbose]
 *   [--code-min-fill F --code-anchor-mask M]   (another code cut rule than the product's, see constants.ts)
 *   [--no-definitions]   (code chunks without their definitions' names, the behaviour before)
 *   [--src-root DIR]     (another copy of src/, e.g. an older one, so versions compare on one corpus)
 *
 * Search quality on real code, each mode side by side in one run. Two question sets:
 *  - src: this repository's src/, natural-language questions written from reading the code;
 *  - stdlib: CPython's email/ and http/ packages from the machine's Python 3 (code this project
 *    did not write), 30 paraphrased questions (bench/questions/stdlibEmailHttp.ts) written before
 *    any result was seen.
 * Each is indexed with the real Indexer into real Milvus Lite and searched as
 *  (a) BM25 over the raw chunk text (src only: the behaviour before schema 2, `bm25Text: 'raw'`),
 *  (b) BM25 with identifier expansion (the product's default, Kimi key alone),
 *  (c) hybrid: (b) + dense vectors from the fake hashed bag-of-words embedder (test/fakes), a
 *      deterministic stand-in, not a real embedding model,
 *  (d) hybrid: (b) + the local embedder (all-MiniLM-L6-v2 int8, the real model; downloaded once
 *      into .cache/bench-embed, runtime venv from KIMI_EMBED_VENV or ~/.cache/kimi-milvus-chat),
 *  (e) dense only: the vectors of (d), ranked by cosine in the bench itself (no re-embedding).
 * A hit is a result chunk from one of the question's files; ranks are over chunks (limit 10). Each
 * run with identifier expansion also ranks files the way search_workspace does (a hit is one of the
 * question's files; ranks over files, limit 10).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { MilvusConfig } from '../src/core/config';
import { createEmbedder } from '../src/core/embedding/factory';
import type { Embedder } from '../src/core/embedding/embedder';
import { Indexer } from '../src/core/indexing/indexer';
import { openStore, type StoreHandle } from '../src/core/store/factory';
import { prepareQuery, searchFiles } from '../src/core/search/searchFiles';
import type { Bm25Text } from '../src/core/store/searchText';
import { LocalEmbedder } from '../src/core/embedding/localEmbedder';
import { bundledModelsDir } from '../src/core/embedding/localModel';
import { FakeEmbeddingServer } from '../test/fakes/embeddingServer';
import { embedVenvDir } from '../test/support/localModel';
import { STDLIB_EMAIL_HTTP } from './questions/stdlibEmailHttp';

const { values } = parseArgs({
  options: {
    'no-hybrid': { type: 'boolean', default: false },
    'no-local': { type: 'boolean', default: false },
    corpus: { type: 'string', default: 'both' },
    verbose: { type: 'boolean', default: false },
    'code-min-fill': { type: 'string' },
    'code-anchor-mask': { type: 'string' },
    'no-definitions': { type: 'boolean', default: false },
    'src-root': { type: 'string' },
  },
});
const CHUNK_OPTIONS = {
  ...(values['code-min-fill'] ? { codeMinFill: Number(values['code-min-fill']) } : {}),
  ...(values['code-anchor-mask'] ? { codeAnchorMask: Number(values['code-anchor-mask']) } : {}),
  ...(values['no-definitions'] ? { definitions: false } : {}),
};

type Questions = ReadonlyArray<readonly [string, readonly string[]]>;

/** Question → files (relative to src/) that answer it. Mixed paraphrase and identifier-ish wording. */
const QUESTIONS: Questions = [
  ['where are Kimi rate limit errors retried', ['core/kimi/retry.ts', 'core/kimi/kimiClient.ts']],
  ['how does the chat webview sanitize model output', ['webview/markdown.ts', 'webview/markdownConfig.ts']],
  ['how are tool calls assembled from streamed chunks', ['core/kimi/streamAssembler.ts']],
  ['which history messages are kept when the context window is full', ['core/agent/history.ts']],
  ['estimate the number of tokens of a message', ['core/agent/tokens.ts']],
  ['the system prompt given to the model', ['core/agent/systemPrompt.ts']],
  ['prevent the agent from reading files outside the workspace', ['core/agent/workspacePaths.ts']],
  ['split a markdown document into chunks at headings', ['core/indexing/proseChunker.ts']],
  ['chunk source code by function definitions', ['core/indexing/codeChunker.ts']],
  ['decode a file in GBK or latin1 encoding', ['core/indexing/decode.ts']],
  ['respect gitignore rules while discovering files', ['core/indexing/ignoreRules.ts', 'core/indexing/discover.ts']],
  ['detect binary files before indexing', ['core/indexing/sniff.ts']],
  ['which files hold credentials and must never be indexed', ['core/secrets.ts']],
  ['cross-process lock file with stale owner takeover', ['core/milvus/fileLock.ts']],
  ['create the python virtual environment and pip install milvus lite', ['core/milvus/venv.ts']],
  ['find a suitable python interpreter', ['core/milvus/python.ts']],
  ['start the embedded milvus server and wait until it is ready', ['core/milvus/liteServer.ts', 'core/milvus/launcher.ts', 'core/milvus/startup.ts']],
  ['escape user values in milvus filter expressions', ['core/store/filters.ts']],
  ['read all rows beyond the query limit of 16384', ['core/store/scan.ts']],
  ['normalize BM25 scores into 0 to 1 for display', ['core/store/scores.ts']],
  ['hybrid search with reciprocal rank fusion', ['core/store/search.ts']],
  ['flush the milvus lite memtable after writes are idle', ['core/store/liteFlush.ts']],
  ['parse the Retry-After header of the embedding API', ['core/embedding/backoff.ts']],
  ['embedding response vectors arrive out of order', ['core/embedding/response.ts']],
  ['estimate remaining time of indexing progress', ['core/indexing/progress.ts']],
  ['compute chunk ids from the content hash', ['core/indexing/ids.ts']],
  ['turn a folder path into a valid collection name', ['core/indexing/collectionName.ts']],
  ['open a cited source file when the user clicks it in the chat', ['extension/chat/sourceOpener.ts', 'webview/citations.ts']],
  ['re-index files automatically when they change on disk', ['extension/indexing/liveSync.ts']],
  ['show indexing state in the status bar', ['extension/statusBar.ts']],
  ['store the API key securely in VS Code', ['extension/secretStore.ts', 'extension/secretCommands.ts']],
  ['what happens when the account balance is exhausted', ['core/kimi/kimiErrors.ts']],
  ['redact API keys from log messages', ['core/logger.ts']],
  ['parse a Milvus URI for Zilliz Cloud', ['core/store/factory.ts']],
  ['context window size of each Kimi model', ['core/kimi/models.ts']],
  ['search_workspace tool', ['core/agent/tools/searchTools.ts']],
  ['read_and_chunk_file tool', ['core/agent/tools/fileTools.ts']],
  ['validate tool arguments against a JSON schema', ['core/agent/tools/registry.ts']],
  ['convert a VS Code cancellation token to an AbortSignal', ['extension/cancellation.ts']],
];

const LIMIT = 10;
const DIMS = 256;

interface Scores {
  readonly hit1: number;
  readonly hit5: number;
  readonly mrr10: number;
  readonly ranks: ReadonlyArray<number | undefined>;
}

/** Keeps every chunk text and vector the Indexer embeds, for the dense-only row (brute-force cosine). */
class Recording implements Embedder {
  readonly rows: Array<{ path: string; vector: number[] }> = [];
  constructor(readonly inner: Embedder) {}
  get spec(): Embedder['spec'] {
    return this.inner.spec;
  }
  async embed(texts: readonly string[], signal?: AbortSignal): Promise<number[][]> {
    const vectors = await this.inner.embed(texts, signal);
    texts.forEach((t, i) => {
      // What is embedded starts with the chunk's path on a line of its own (chunkInput).
      const path = /^([^\n]+)\n/.exec(t)?.[1];
      const vector = vectors[i];
      if (path && vector) {
        this.rows.push({ path, vector });
      }
    });
    return vectors;
  }
}

async function evaluateDense(recording: Recording, questions: Questions): Promise<Scores> {
  const ranks: Array<number | undefined> = [];
  for (const [question, gold] of questions) {
    const [q] = await recording.inner.embed([question]);
    const scored = recording.rows.map((r) => ({ path: r.path, score: r.vector.reduce((s, v, i) => s + v * (q?.[i] ?? 0), 0) }));
    scored.sort((a, b) => b.score - a.score);
    const at = scored.slice(0, LIMIT).findIndex((h) => gold.includes(h.path));
    ranks.push(at >= 0 ? at + 1 : undefined);
  }
  return summarize(ranks);
}

function summarize(ranks: Array<number | undefined>): Scores {
  const n = ranks.length;
  return {
    hit1: ranks.filter((r) => r === 1).length / n,
    hit5: ranks.filter((r) => r !== undefined && r <= 5).length / n,
    mrr10: ranks.reduce<number>((s, r) => s + (r ? 1 / r : 0), 0) / n,
    ranks,
  };
}

/** The same questions through the file ranking search_workspace uses (ranks over files, limit 10). */
async function evaluateFiles(handle: StoreHandle, collection: string, embedder: Embedder | undefined, questions: Questions): Promise<Scores> {
  const info = await handle.store.describeCollection(collection);
  const embed = embedder ? async (text: string): Promise<number[] | undefined> => (await embedder.embed([text]))[0] : undefined;
  const ranks: Array<number | undefined> = [];
  for (const [question, gold] of questions) {
    const files = await searchFiles(handle.store, info, prepareQuery(question), { limit: LIMIT, embed });
    const at = files.findIndex((f) => gold.includes(f.path));
    ranks.push(at >= 0 ? at + 1 : undefined);
  }
  return summarize(ranks);
}

async function evaluate(handle: StoreHandle, collection: string, embedder: Embedder | undefined, questions: Questions): Promise<Scores> {
  const ranks: Array<number | undefined> = [];
  for (const [question, gold] of questions) {
    const vector = embedder ? (await embedder.embed([question]))[0] : undefined;
    const hits = await handle.store.search(collection, question, { limit: LIMIT, vector });
    const at = hits.findIndex((h) => gold.includes(h.path));
    ranks.push(at >= 0 ? at + 1 : undefined);
  }
  return summarize(ranks);
}

/** A copy of the machine's CPython email/ and http/ packages (without caches), the stdlib corpus. */
function stdlibCorpus(): string {
  const lib = execFileSync(process.platform === 'win32' ? 'python' : 'python3', ['-c', 'import os, email; print(os.path.dirname(os.path.dirname(email.__file__)))'], { encoding: 'utf8' }).trim();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-stdlib-'));
  for (const pkg of ['email', 'http']) {
    fs.cpSync(path.join(lib, pkg), path.join(dir, pkg), { recursive: true, filter: (src) => !src.includes('__pycache__') });
  }
  return dir;
}

interface Corpus {
  readonly name: string;
  readonly root: string;
  readonly questions: Questions;
  readonly raw: boolean;
}

async function main(): Promise<void> {
  const repo = path.resolve(__dirname, '..');
  process.env.KIMI_MILVUS_VENV ||= path.join(repo, '.cache', 'milvus-venv');
  const config: MilvusConfig = { uri: undefined, token: undefined, dataDir: path.join(repo, '.cache', 'bench-retrieval'), pythonPath: undefined };
  const progress = (m: string): boolean => process.stderr.write(`${m}\n`);
  const corpora: Corpus[] = [];
  if (values.corpus === 'src' || values.corpus === 'both') {
    corpora.push({ name: 'src', root: values['src-root'] ? path.resolve(values['src-root']) : path.join(repo, 'src'), questions: QUESTIONS, raw: true });
  }
  const stdlib = values.corpus === 'stdlib' || values.corpus === 'both' ? stdlibCorpus() : undefined;
  if (stdlib) {
    corpora.push({ name: 'stdlib email+http (paraphrased)', root: stdlib, questions: STDLIB_EMAIL_HTTP, raw: false });
  }
  const server = values['no-hybrid'] ? undefined : await new FakeEmbeddingServer({ dimensions: DIMS }).start();
  const local = values['no-local']
    ? undefined
    : new LocalEmbedder({ storageDir: path.join(repo, '.cache', 'bench-embed'), bundledDir: bundledModelsDir(), venvDir: embedVenvDir(), onProgress: progress });
  const handles: Partial<Record<Bm25Text, StoreHandle>> = {};
  const dropLater: Array<[StoreHandle, string]> = [];
  const rows: Array<[string, string, Scores]> = [];
  try {
    const none = createEmbedder({ baseUrl: undefined, apiKey: undefined, model: '', dimensions: 0 });
    for (const corpus of corpora) {
      const runs: Array<{ label: string; mode: Bm25Text; embedder: Embedder }> = [];
      if (corpus.raw) {
        runs.push({ label: '(a) BM25, raw text (before)', mode: 'raw', embedder: none });
      }
      runs.push({ label: '(b) BM25 + identifier expansion', mode: 'identifiers', embedder: none });
      if (server) {
        const fake = createEmbedder({ baseUrl: server.url, apiKey: 'sk-bench', model: 'fake-hashed-bow', dimensions: DIMS });
        runs.push({ label: '(c) hybrid: (b) + hashed bag-of-words dense', mode: 'identifiers', embedder: fake });
      }
      const recording = local ? new Recording(local) : undefined;
      if (recording) {
        runs.push({ label: '(d) hybrid: (b) + all-MiniLM-L6-v2 int8 (local)', mode: 'identifiers', embedder: recording });
      }
      for (const [i, run] of runs.entries()) {
        const handle = (handles[run.mode] ??= await openStore(config, { onProgress: progress, bm25Text: run.mode }));
        const collection = `bench_retrieval_${process.pid}_${rows.length}_${i}`;
        await handle.store.dropCollection(collection).catch(() => undefined);
        dropLater.push([handle, collection]);
        const indexer = new Indexer({ store: handle.store, embedder: run.embedder, config: { include: [], exclude: [], maxFileSizeKb: 1024 }, chunkOptions: CHUNK_OPTIONS });
        const t = performance.now();
        const summary = await indexer.indexFolder(corpus.root, { collection });
        process.stderr.write(`${corpus.name} ${run.label}: indexed ${summary.filesTotal} files, ${summary.chunksWritten} chunks in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
        const scores = await evaluate(handle, collection, run.embedder.spec ? run.embedder : undefined, corpus.questions);
        rows.push([corpus.name, run.label, scores]);
        if (run.mode === 'identifiers') {
          const files = await evaluateFiles(handle, collection, run.embedder.spec ? run.embedder : undefined, corpus.questions);
          rows.push([corpus.name, `${run.label.slice(0, 3)} files: search_workspace's ranking of the same`, files]);
        }
      }
      if (recording) {
        rows.push([corpus.name, '(e) dense only: all-MiniLM-L6-v2 int8 (brute-force cosine)', await evaluateDense(recording, corpus.questions)]);
      }
    }
  } finally {
    for (const [handle, collection] of dropLater) {
      await handle.store.dropCollection(collection).catch(() => undefined);
    }
    for (const handle of Object.values(handles)) {
      await handle?.dispose();
    }
    await server?.close();
    await local?.close();
    if (stdlib) {
      fs.rmSync(stdlib, { recursive: true, force: true });
    }
  }
  const pct = (x: number): string => `${(x * 100).toFixed(0)} %`;
  for (const corpus of corpora) {
    const mine = rows.filter(([c]) => c === corpus.name);
    if (values.verbose) {
      process.stdout.write(`\n| question | ${mine.map(([, l]) => l.slice(0, 3)).join(' | ')} |\n|---|${mine.map(() => '---|').join('')}\n`);
      corpus.questions.forEach(([q], i) => process.stdout.write(`| ${q} | ${mine.map(([, , s]) => s.ranks[i] ?? '–').join(' | ')} |\n`));
    }
    process.stdout.write(`\n${corpus.name}: ${corpus.questions.length} questions (chunk ranks, limit ${LIMIT})\n\n| search | hit@1 | hit@5 | MRR@10 |\n|---|---|---|---|\n`);
    for (const [, label, s] of mine) {
      process.stdout.write(`| ${label} | ${pct(s.hit1)} | ${pct(s.hit5)} | ${s.mrr10.toFixed(3)} |\n`);
    }
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:retrieval failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
