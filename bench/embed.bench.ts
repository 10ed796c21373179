/**
 * npm run bench:embed [-- --corpus DIR] [--sample 200] [--threads 1,2] [--endpoint NAME=URL@DIMS ...]
 *
 * The local embedder's cost on this machine, per candidate:
 *  - throughput: the product's own embedding server (ONNX Runtime in the runtime venv) embeds a
 *    sample of the corpus's real chunks (the exact texts the Indexer sends) in batches of 16, as
 *    the product does: tokens/s (from the server's usage counts), chunks/s, the server's peak RSS
 *    and model load time;
 *  - index time: the real Indexer indexes the corpus (default this repository's src/) into real
 *    Milvus Lite with that embedder; wall time, chunks/s and seconds per 1,000 chunks.
 * Other runtimes that speak the OpenAI embeddings protocol (e.g. a model served by another
 * package) are compared with --endpoint NAME=URL@DIMS. Print `uptime` with the figures: on a
 * shared machine they move with the load.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Embedder } from '../src/core/embedding/embedder';
import { createEmbedder } from '../src/core/embedding/factory';
import { LocalEmbedder } from '../src/core/embedding/localEmbedder';
import { DEFAULT_LOCAL_MODEL, bundledModelsDir, ensureLocalModel } from '../src/core/embedding/localModel';
import { startEmbedServer } from '../src/core/embedding/localRuntime';
import { Indexer } from '../src/core/indexing/indexer';
import { nullLogger } from '../src/core/logger';
import { openStore } from '../src/core/store/factory';
import { embedVenvDir } from '../test/support/localModel';

const { values } = parseArgs({
  options: {
    corpus: { type: 'string' },
    sample: { type: 'string', default: '200' },
    threads: { type: 'string', default: '1,2' },
    endpoint: { type: 'string', multiple: true, default: [] },
  },
});

const repo = path.resolve(__dirname, '..');
const storageDir = path.join(repo, '.cache', 'bench-embed');
const root = path.resolve(values.corpus ?? path.join(repo, 'src'));
const SAMPLE = Number(values.sample);

/** Passes texts through to an embedder and keeps them (the exact chunk texts the Indexer sends). */
class Recording implements Embedder {
  readonly texts: string[] = [];
  constructor(private readonly inner: Embedder) {}
  get spec(): Embedder['spec'] {
    return this.inner.spec;
  }
  embed(texts: readonly string[], signal?: AbortSignal): Promise<number[][]> {
    this.texts.push(...texts);
    return this.inner.embed(texts, signal);
  }
}

function peakRssMb(pid: number | undefined): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+)/.exec(status)?.[1];
    return kb ? Math.round(Number(kb) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

interface Throughput {
  readonly tokensPerS: number;
  readonly chunksPerS: number;
  readonly rssMb: number | undefined;
  readonly loadS: number;
}

async function throughput(baseUrl: string, model: string, texts: readonly string[], pid?: number, loadS = 0): Promise<Throughput> {
  let tokens = 0;
  const t = performance.now();
  for (let i = 0; i < texts.length; i += 16) {
    const res = await fetch(`${baseUrl}/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, input: texts.slice(i, i + 16) }),
    });
    const body = (await res.json()) as { usage?: { prompt_tokens?: number } };
    tokens += body.usage?.prompt_tokens ?? 0;
  }
  const s = (performance.now() - t) / 1000;
  return { tokensPerS: tokens / s, chunksPerS: texts.length / s, rssMb: peakRssMb(pid), loadS };
}

async function indexTime(embedder: Embedder): Promise<{ seconds: number; chunks: number; texts: string[] }> {
  process.env.KIMI_MILVUS_VENV ||= path.join(repo, '.cache', 'milvus-venv');
  const handle = await openStore({ uri: undefined, token: undefined, dataDir: path.join(repo, '.cache', 'bench-embed-milvus'), pythonPath: undefined }, { logger: nullLogger });
  const collection = `bench_embed_${process.pid}_${Date.now()}`;
  const recording = new Recording(embedder);
  try {
    const t = performance.now();
    const summary = await new Indexer({ store: handle.store, embedder: recording, config: { include: [], exclude: [], maxFileSizeKb: 1024 } }).indexFolder(root, { collection });
    return { seconds: (performance.now() - t) / 1000, chunks: summary.chunksWritten, texts: recording.texts };
  } finally {
    await handle.store.dropCollection(collection).catch(() => undefined);
    await handle.dispose();
  }
}

async function main(): Promise<void> {
  const uptime = (): string => execFileSync('uptime', { encoding: 'utf8' }).trim();
  process.stdout.write(`corpus ${root}\nbefore: ${uptime()}\n\n`);
  const modelDir = await ensureLocalModel(DEFAULT_LOCAL_MODEL, { modelsDir: path.join(storageDir, 'models'), bundledDir: bundledModelsDir() });
  const rows: string[] = [];
  const candidates: Array<{ name: string; make: () => Promise<{ embedder: Embedder; url: string; model: string; pid?: number; loadS: number; stop: () => Promise<void> }> }> = [];
  for (const threads of values.threads.split(',').map(Number).filter((n) => n > 0)) {
    candidates.push({
      name: `all-MiniLM-L6-v2 int8, onnxruntime (Python), ${threads} thread${threads > 1 ? 's' : ''}`,
      make: async () => {
        const t = performance.now();
        const server = await startEmbedServer(modelDir, DEFAULT_LOCAL_MODEL.meta, { venvDir: embedVenvDir(), pythonPath: undefined, logger: nullLogger, threads });
        const loadS = (performance.now() - t) / 1000;
        const embedder = new LocalEmbedder({ storageDir, bundledDir: bundledModelsDir(), venvDir: embedVenvDir(), threads });
        return {
          embedder,
          url: server.baseUrl,
          model: DEFAULT_LOCAL_MODEL.meta.name,
          pid: server.pid,
          loadS,
          stop: async () => {
            await embedder.close();
            await server.stop();
          },
        };
      },
    });
  }
  for (const spec of values.endpoint) {
    const match = /^([^=]+)=(.+)@(\d+)$/.exec(spec);
    if (!match) {
      throw new Error(`--endpoint wants NAME=URL@DIMS, got ${spec}`);
    }
    const [, name = '', url = '', dims = '0'] = match;
    candidates.push({
      name,
      make: async () => ({
        embedder: createEmbedder({ provider: 'openai-compatible', baseUrl: url, apiKey: 'sk-bench', model: name, dimensions: Number(dims) }, { tuning: { concurrency: 1, batchSize: 16, timeoutMs: 600_000 } }),
        url,
        model: name,
        loadS: 0,
        stop: async () => undefined,
      }),
    });
  }
  for (const candidate of candidates) {
    const c = await candidate.make();
    try {
      const index = await indexTime(c.embedder);
      const sample = index.texts.slice(0, SAMPLE);
      const tp = await throughput(c.url, c.model, sample, c.pid, c.loadS);
      rows.push(
        `| ${candidate.name} | ${tp.tokensPerS.toFixed(0)} | ${tp.chunksPerS.toFixed(1)} | ${tp.rssMb ?? '?'} MB | ${tp.loadS.toFixed(1)} s | ` +
          `${index.chunks} chunks in ${index.seconds.toFixed(0)} s | ${((index.seconds / Math.max(1, index.chunks)) * 1000).toFixed(0)} s |`,
      );
      process.stderr.write(`${rows[rows.length - 1]}\n`);
    } finally {
      await c.stop();
    }
  }
  process.stdout.write(
    `| candidate | tokens/s | chunks/s | server peak RSS | model load | index corpus | per 1,000 chunks |\n|---|---|---|---|---|---|---|\n${rows.join('\n')}\n\nafter: ${uptime()}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:embed failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
