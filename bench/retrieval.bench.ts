/**
 * node --import tsx bench/retrieval.bench.ts [-- --no-hybrid]
 *
 * Search quality on real code: indexes this repository's src/ with the real Indexer into real
 * Milvus Lite, then asks natural-language questions (written from reading the code, before any
 * result was seen), each with the file(s) that answer it, and prints hit@1, hit@5 and MRR@10 for
 *  (a) BM25 over the raw chunk text (the behaviour before schema 2: `bm25Text: 'raw'`),
 *  (b) BM25 with identifier expansion (the product's default, Kimi key alone),
 *  (c) hybrid: (b) + dense vectors from the fake hashed bag-of-words embedder (test/fakes), a
 *      deterministic stand-in, not a real embedding model.
 * A hit is a result chunk from one of the question's files; ranks are over chunks (limit 10).
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { MilvusConfig } from '../src/core/config';
import { createEmbedder } from '../src/core/embedding/factory';
import type { Embedder } from '../src/core/embedding/embedder';
import { Indexer } from '../src/core/indexing/indexer';
import { openStore, type StoreHandle } from '../src/core/store/factory';
import type { Bm25Text } from '../src/core/store/searchText';
import { FakeEmbeddingServer } from '../test/fakes/embeddingServer';

const { values } = parseArgs({ options: { 'no-hybrid': { type: 'boolean', default: false }, verbose: { type: 'boolean', default: false } } });

/** Question → files (relative to src/) that answer it. Mixed paraphrase and identifier-ish wording. */
const QUESTIONS: ReadonlyArray<readonly [string, readonly string[]]> = [
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

async function evaluate(handle: StoreHandle, collection: string, embedder: Embedder | undefined): Promise<Scores> {
  const ranks: Array<number | undefined> = [];
  for (const [question, gold] of QUESTIONS) {
    const vector = embedder ? (await embedder.embed([question]))[0] : undefined;
    const hits = await handle.store.search(collection, question, { limit: LIMIT, vector });
    const at = hits.findIndex((h) => gold.includes(h.path));
    ranks.push(at >= 0 ? at + 1 : undefined);
  }
  const n = ranks.length;
  return {
    hit1: ranks.filter((r) => r === 1).length / n,
    hit5: ranks.filter((r) => r !== undefined && r <= 5).length / n,
    mrr10: ranks.reduce<number>((s, r) => s + (r ? 1 / r : 0), 0) / n,
    ranks,
  };
}

async function main(): Promise<void> {
  const repo = path.resolve(__dirname, '..');
  const root = path.join(repo, 'src');
  process.env.KIMI_MILVUS_VENV ||= path.join(repo, '.cache', 'milvus-venv');
  const config: MilvusConfig = { uri: undefined, token: undefined, dataDir: path.join(repo, '.cache', 'bench-retrieval'), pythonPath: undefined };
  const progress = (m: string): boolean => process.stderr.write(`${m}\n`);
  const server = values['no-hybrid'] ? undefined : await new FakeEmbeddingServer({ dimensions: DIMS }).start();
  const handles: Partial<Record<Bm25Text, StoreHandle>> = {};
  const dropLater: Array<[StoreHandle, string]> = [];
  const rows: Array<[string, Scores]> = [];
  try {
    const none = createEmbedder({ baseUrl: undefined, apiKey: undefined, model: '', dimensions: 0 });
    const runs: Array<{ label: string; mode: Bm25Text; embedder: Embedder }> = [
      { label: '(a) BM25, raw text (before)', mode: 'raw', embedder: none },
      { label: '(b) BM25 + identifier expansion', mode: 'identifiers', embedder: none },
    ];
    if (server) {
      const fake = createEmbedder({ baseUrl: server.url, apiKey: 'sk-bench', model: 'fake-hashed-bow', dimensions: DIMS });
      runs.push({ label: '(c) hybrid: (b) + hashed bag-of-words dense', mode: 'identifiers', embedder: fake });
    }
    for (const [i, run] of runs.entries()) {
      const handle = (handles[run.mode] ??= await openStore(config, { onProgress: progress, bm25Text: run.mode }));
      const collection = `bench_retrieval_${process.pid}_${i}`;
      await handle.store.dropCollection(collection).catch(() => undefined);
      dropLater.push([handle, collection]);
      const indexer = new Indexer({ store: handle.store, embedder: run.embedder, config: { include: [], exclude: [], maxFileSizeKb: 1024 } });
      const t = performance.now();
      const summary = await indexer.indexFolder(root, { collection });
      process.stderr.write(`${run.label}: indexed ${summary.filesTotal} files, ${summary.chunksWritten} chunks in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
      const scores = await evaluate(handle, collection, run.embedder.spec ? run.embedder : undefined);
      rows.push([run.label, scores]);
    }
  } finally {
    for (const [handle, collection] of dropLater) {
      await handle.store.dropCollection(collection).catch(() => undefined);
    }
    for (const handle of Object.values(handles)) {
      await handle?.dispose();
    }
    await server?.close();
  }
  if (values.verbose) {
    process.stdout.write(`\n| question | ${rows.map(([l]) => l.slice(0, 3)).join(' | ')} |\n|---|${rows.map(() => '---|').join('')}\n`);
    QUESTIONS.forEach(([q], i) => process.stdout.write(`| ${q} | ${rows.map(([, s]) => s.ranks[i] ?? '–').join(' | ')} |\n`));
  }
  const pct = (x: number): string => `${(x * 100).toFixed(0)} %`;
  process.stdout.write(`\n${QUESTIONS.length} questions over src/ (chunk ranks, limit ${LIMIT})\n\n| search | hit@1 | hit@5 | MRR@10 |\n|---|---|---|---|\n`);
  for (const [label, s] of rows) {
    process.stdout.write(`| ${label} | ${pct(s.hit1)} | ${pct(s.hit5)} | ${s.mrr10.toFixed(3)} |\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:retrieval failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
