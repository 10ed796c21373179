/**
 * npm run bench:embed [-- --threads 2] [--sample 400] [--rounds 2] [--files 209] [--before REV [--before-index]] [--no-index]
 *
 * The local embedder against ONNX Runtime itself, on the same machine in one run, rounds
 * interleaved (product, reference, product, reference…) so a changing load hits both alike; the
 * load average is printed with every figure. Corpus: the 209-file CPython slice of issue 18
 * (bench/support/stdlibSlice.ts; --files N takes its first N files), model all-MiniLM-L6-v2 int8,
 * 256 tokens.
 *  1. Throughput: the same sample of the slice's chunk texts (exactly what the indexer sends),
 *     embedded by the product's LocalEmbedder (its server and client, --threads threads) and by
 *     plain ONNX Runtime in-process with the same model, threads and length (ortReference.py:
 *     ONNX Runtime's defaults, length-sorted batches of 32). With --before REV, also the
 *     embedding server of that commit with its old client settings, and the cosine between its
 *     vectors and the product's (retrieval cannot change when the vectors do not).
 *  2. The whole pipeline: `kimi-milvus index` of the slice with EMBEDDING_PROVIDER=local until
 *     every chunk has its vector, against the same CLI fed by ortReference.py served as an
 *     OpenAI-compatible endpoint (same model, --threads threads, 256 tokens). The reference's
 *     start is timed as the product's own server start is. --before-index adds one run of the CLI
 *     of commit REV (its tree from `git archive`, built with esbuild, this checkout's node_modules).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { LocalEmbedder } from '../src/core/embedding/localEmbedder';
import { DEFAULT_LOCAL_MODEL, bundledModelsDir, ensureLocalModel } from '../src/core/embedding/localModel';
import { ensureEmbedRuntime } from '../src/core/embedding/localRuntime';
import { prepareFile } from '../src/core/indexing/fileRows';
import { nullLogger } from '../src/core/logger';
import { venvPython } from '../src/core/milvus/venv';
import { chunkInput } from '../src/core/store/searchText';
import { embedVenvDir } from '../test/support/localModel';
import { REFERENCE_PY, cliIndex, embedderThroughput, loadavg, median, referenceThroughput, startPyServer, startServerAt } from './support/embedRuns';
import { copyStdlibSlice } from './support/stdlibSlice';

const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: '2' },
    sample: { type: 'string', default: '400' },
    rounds: { type: 'string', default: '2' },
    files: { type: 'string', default: '209' },
    before: { type: 'string' },
    'before-index': { type: 'boolean', default: false },
    'no-index': { type: 'boolean', default: false },
  },
});
const THREADS = Number(values.threads);
const ROUNDS = Math.max(1, Number(values.rounds));
const repo = path.resolve(__dirname, '..');
const dataDir = path.join(repo, '.cache', 'bench-embed-cli');
const say = (text: string): boolean => process.stderr.write(`${text}\n`);

async function sliceTexts(root: string): Promise<string[]> {
  const texts: string[] = [];
  const files = (fs.readdirSync(root, { recursive: true, encoding: 'utf8' })).filter((f) => f.endsWith('.py')).sort();
  for (const rel of files) {
    const prepared = await prepareFile(path.join(root, rel), rel.split(path.sep).join('/'), {});
    if (prepared.kind === 'rows') {
      texts.push(...prepared.rows.map((r) => chunkInput(r.path, r.text, r.section)));
    }
  }
  return texts;
}

async function throughputRounds(modelDir: string, sample: string[], lines: string[]): Promise<void> {
  const textsFile = path.join(os.tmpdir(), `bench-embed-texts-${process.pid}.json`);
  fs.writeFileSync(textsFile, JSON.stringify(sample));
  const product = new LocalEmbedder({ storageDir: path.join(repo, '.cache', 'bench-embed'), bundledDir: bundledModelsDir(), venvDir: embedVenvDir(), threads: THREADS });
  const before = values.before ? await startServerAt(values.before, repo, embedVenvDir(), modelDir) : undefined;
  const figures: Record<string, number[]> = { product: [], reference: [], before: [] };
  let cosine = Infinity;
  try {
    await product.prepare();
    let mine: number[][] = [];
    const steps: Array<() => Promise<void>> = [
      async () => {
        const run = await embedderThroughput(product, sample);
        mine = run.vectors;
        figures.product?.push(run.tokensPerS);
        say(`product ${run.tokensPerS.toFixed(0)} tokens/s (load ${loadavg()})`);
      },
      async () => {
        const ref = referenceThroughput(embedVenvDir(), modelDir, textsFile, THREADS, 32);
        figures.reference?.push(ref);
        say(`ONNX Runtime ${ref.toFixed(0)} tokens/s (load ${loadavg()})`);
      },
    ];
    if (before) {
      steps.push(async () => {
        const old = await embedderThroughput(before.embedder, sample);
        figures.before?.push(old.tokensPerS);
        old.vectors.forEach((v, i) => (cosine = Math.min(cosine, v.reduce((s, x, j) => s + x * (mine[i]?.[j] ?? 0), 0))));
        say(`${values.before} ${old.tokensPerS.toFixed(0)} tokens/s (load ${loadavg()})`);
      });
    }
    for (let round = 1; round <= ROUNDS; round++) {
      say(`throughput round ${round}`);
      // ABBA: the order reverses every round, so a load that rises or falls hits each alike.
      const order = round % 2 ? steps : [...steps].reverse();
      for (const step of order) {
        await step();
      }
    }
  } finally {
    await product.close();
    await before?.stop();
    fs.rmSync(textsFile, { force: true });
  }
  const row = (name: string, list: number[] = []): string => `| ${name} | ${median(list).toFixed(0)} | ${list.map((x) => x.toFixed(0)).join(', ')} |`;
  lines.push(`### Throughput: ${sample.length} chunk texts of the slice, ${THREADS} threads, 256 tokens`, '', '| candidate | tokens/s (median) | rounds |', '|---|---|---|');
  lines.push(row('product: LocalEmbedder (its server and client)', figures.product), row('ONNX Runtime in-process (ortReference.py, batches of 32)', figures.reference));
  if (before) {
    lines.push(row(`before: the server of ${values.before}, 1 thread, 16 a request`, figures.before));
  }
  lines.push('', `product / ONNX Runtime: **${(median(figures.product ?? []) / median(figures.reference ?? [])).toFixed(2)}**`);
  if (before) {
    lines.push(`product / before: **${(median(figures.product ?? []) / median(figures.before ?? [])).toFixed(2)}**; lowest cosine between their vectors: ${cosine.toFixed(5)}`);
  }
}

/** The CLI of commit `rev`, built in a temporary folder (`dirname(dirname(cli))`) with this checkout's node_modules. */
function buildCliAt(rev: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-embed-before-'));
  execFileSync('sh', ['-c', `git archive ${JSON.stringify(rev)} | tar -x -C ${JSON.stringify(dir)}`], { cwd: repo });
  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'));
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: dir, stdio: 'ignore' });
  return path.join(dir, 'dist', 'cli.js');
}

async function pipelineRounds(corpus: string, lines: string[]): Promise<void> {
  const cli = path.join(repo, 'dist', 'cli.js');
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: repo, stdio: 'ignore' });
  // A long connect deadline for both: a request queued behind others on a busy machine is not retried, so
  // the times compare the runtimes (each run's retries are printed all the same).
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KIMI_MILVUS_DATA_DIR: dataDir,
    KIMI_EMBED_VENV: embedVenvDir(),
    EMBEDDING_API_KEY: '',
    MILVUS_URI: '',
    KIMI_MILVUS_CONNECT_TIMEOUT: '600',
  };
  const local = { ...env, EMBEDDING_PROVIDER: 'local', EMBEDDING_BASE_URL: '', KIMI_EMBED_THREADS: String(THREADS) };
  execFileSync(process.execPath, [cli, 'server', 'start'], { env, stdio: 'ignore' });
  const times: Record<string, number[]> = { product: [], reference: [] };
  const collection = `bench_embed_${process.pid}`;
  try {
    const product = async (): Promise<void> => {
      const mine = await cliIndex(cli, corpus, collection, local);
      times.product?.push(mine.seconds);
      say(`product ${mine.chunks} chunks, ${mine.withVector} with vectors in ${mine.seconds.toFixed(1)} s, ${mine.retries} requests sent again (load ${loadavg()})`);
    };
    const reference = async (): Promise<void> => {
      const t = performance.now();
      const server = await startPyServer(venvPython(embedVenvDir()), [REFERENCE_PY, 'serve', path.join(dataDir, 'models', DEFAULT_LOCAL_MODEL.meta.name), String(THREADS), '256', '32']);
      const startS = (performance.now() - t) / 1000;
      try {
        const ref = await cliIndex(cli, corpus, collection, { ...env, EMBEDDING_PROVIDER: 'openai-compatible', EMBEDDING_BASE_URL: server.url, EMBEDDING_MODEL: 'all-MiniLM-L6-v2', EMBEDDING_DIMENSIONS: '384' });
        times.reference?.push(ref.seconds + startS);
        say(`ONNX Runtime endpoint ${ref.chunks} chunks, ${ref.withVector} with vectors in ${(ref.seconds + startS).toFixed(1)} s, ${ref.retries} requests sent again (load ${loadavg()})`);
      } finally {
        await server.stop();
      }
    };
    for (let round = 1; round <= ROUNDS; round++) {
      say(`index round ${round}`);
      for (const step of round % 2 ? [product, reference] : [reference, product]) {
        await step();
      }
    }
    if (values.before && values['before-index']) {
      const oldCli = buildCliAt(values.before);
      const old = await cliIndex(oldCli, corpus, collection, local).finally(() => fs.rmSync(path.dirname(path.dirname(oldCli)), { recursive: true, force: true }));
      times.before = [old.seconds];
      say(`before: ${old.chunks} chunks, ${old.withVector} with vectors in ${old.seconds.toFixed(1)} s (load ${loadavg()})`);
    }
  } finally {
    execFileSync(process.execPath, [cli, 'server', 'stop'], { env, stdio: 'ignore' });
  }
  const row = (name: string, list: number[] = []): string => `| ${name} | ${median(list).toFixed(0)} | ${list.map((x) => x.toFixed(0)).join(', ')} |`;
  lines.push('', `### Every chunk of the slice with a vector: \`kimi-milvus index\`, ${THREADS} threads`, '', '| embedder | seconds (median) | rounds |', '|---|---|---|');
  lines.push(row('product: EMBEDDING_PROVIDER=local', times.product), row('ONNX Runtime endpoint (ortReference.py serve)', times.reference));
  if (times.before) {
    lines.push(row(`before: the CLI of ${values.before ?? ''}`, times.before));
  }
  lines.push('', `ONNX Runtime time / product time: **${(median(times.reference ?? []) / median(times.product ?? [])).toFixed(2)}** (target ≥ 0.85)`);
}

async function main(): Promise<void> {
  const started = Date.now();
  const lines = [`load at start: ${loadavg()}; ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''}`];
  const { dir: corpus, files } = copyStdlibSlice(Number(values.files));
  try {
    const python = await ensureEmbedRuntime({ venvDir: embedVenvDir(), pythonPath: undefined, logger: nullLogger });
    const modelDir = await ensureLocalModel(DEFAULT_LOCAL_MODEL, { modelsDir: path.join(dataDir, 'models'), bundledDir: bundledModelsDir(), python });
    const texts = await sliceTexts(corpus);
    const step = Math.max(1, Math.floor(texts.length / Number(values.sample)));
    const sample = texts.filter((_, i) => i % step === 0).slice(0, Number(values.sample));
    lines.push(`corpus: ${files} files, ${texts.length} chunks (CPython ${execFileSync('python3', ['-c', 'import platform; print(platform.python_version())'], { encoding: 'utf8' }).trim()})`, '');
    await throughputRounds(modelDir, sample, lines);
    if (!values['no-index']) {
      await pipelineRounds(corpus, lines);
    }
  } finally {
    fs.rmSync(corpus, { recursive: true, force: true });
  }
  lines.push('', `load at end: ${loadavg()}; the benchmark ran ${((Date.now() - started) / 60_000).toFixed(1)} min`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:embed failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
