/**
 * node --import tsx bench/docs.bench.ts [-- --verbose]
 *
 * Documentation facts: indexes undici's own docs (node_modules/undici/docs/docs, 42 Markdown files
 * we did not write) with the real Indexer into real Milvus Lite and asks the questions of
 * bench/questions/undici-docs.json (written before any result was seen). A hit is a result chunk
 * from the question's file whose text contains the sentence that states the fact. BM25 only
 * (the Kimi key alone), side by side:
 *  (a) Markdown chunks without their heading path (the behaviour before schema 4),
 *  (b) with it (the product: `Errors › Rate limits` in what BM25 reads, not in the cited text).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { MilvusConfig } from '../src/core/config';
import { createEmbedder } from '../src/core/embedding/factory';
import { Indexer } from '../src/core/indexing/indexer';
import { openStore } from '../src/core/store/factory';
import type { SearchHit } from '../src/core/store/types';

const { values } = parseArgs({ options: { verbose: { type: 'boolean', default: false } } });

interface Question {
  readonly q: string;
  readonly file: string;
  readonly needle: string;
}

const LIMIT = 10;

async function main(): Promise<void> {
  const repo = path.resolve(__dirname, '..');
  const root = path.join(repo, 'node_modules', 'undici', 'docs', 'docs');
  const set = JSON.parse(readFileSync(path.join(__dirname, 'questions', 'undici-docs.json'), 'utf8')) as { questions: Question[] };
  process.env.KIMI_MILVUS_VENV ||= path.join(repo, '.cache', 'milvus-venv');
  const config: MilvusConfig = { uri: undefined, token: undefined, dataDir: path.join(repo, '.cache', 'bench-docs'), pythonPath: undefined };
  const handle = await openStore(config, { onProgress: (m) => process.stderr.write(`${m}\n`) });
  const none = createEmbedder({ baseUrl: undefined, apiKey: undefined, model: '', dimensions: 0 });
  const runs = [
    { label: '(a) BM25, no heading path (before)', headingPaths: false },
    { label: '(b) BM25 + heading path', headingPaths: true },
  ];
  const results: Array<[string, Array<number | undefined>]> = [];
  try {
    for (const [i, run] of runs.entries()) {
      const collection = `bench_docs_${process.pid}_${i}`;
      await handle.store.dropCollection(collection).catch(() => undefined);
      try {
        const indexer = new Indexer({ store: handle.store, embedder: none, config: { include: [], exclude: [], maxFileSizeKb: 1024 }, chunkOptions: { headingPaths: run.headingPaths } });
        const summary = await indexer.indexFolder(root, { collection });
        process.stderr.write(`${run.label}: ${summary.filesTotal} files, ${summary.chunksWritten} chunks\n`);
        const ranks: Array<number | undefined> = [];
        for (const question of set.questions) {
          const hits = await handle.store.search(collection, question.q, { limit: LIMIT });
          const at = hits.findIndex((h: SearchHit) => h.path === question.file && h.text.includes(question.needle));
          ranks.push(at >= 0 ? at + 1 : undefined);
        }
        results.push([run.label, ranks]);
      } finally {
        await handle.store.dropCollection(collection).catch(() => undefined);
      }
    }
  } finally {
    await handle.dispose();
  }
  if (values.verbose) {
    process.stdout.write(`\n| question | ${results.map(([l]) => l.slice(0, 3)).join(' | ')} |\n|---|${results.map(() => '---|').join('')}\n`);
    set.questions.forEach((q, i) => process.stdout.write(`| ${q.q} | ${results.map(([, r]) => r[i] ?? '–').join(' | ')} |\n`));
  }
  const n = set.questions.length;
  process.stdout.write(`\n${n} documentation facts over undici's docs (chunk ranks, limit ${LIMIT})\n\n| search | hit@1 | hit@5 | MRR@10 |\n|---|---|---|---|\n`);
  for (const [label, ranks] of results) {
    const hit = (k: number): string => `${ranks.filter((r) => r !== undefined && r <= k).length}/${n}`;
    const mrr = ranks.reduce<number>((s, r) => s + (r ? 1 / r : 0), 0) / n;
    process.stdout.write(`| ${label} | ${hit(1)} | ${hit(5)} | ${mrr.toFixed(3)} |\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:docs failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
