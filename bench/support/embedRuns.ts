/**
 * The candidates bench:embed runs: the product's local embedder, plain ONNX Runtime (ortReference.py)
 * in-process and as an OpenAI-compatible endpoint, an earlier commit's embedding server, and the
 * CLI's whole index pipeline fed by any of them.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OpenAiEmbedder } from '../../src/core/embedding/openaiEmbedder';
import { DEFAULT_LOCAL_MODEL } from '../../src/core/embedding/localModel';
import { venvPython } from '../../src/core/milvus/venv';
import { childEnv } from '../../src/core/redaction';
import { runNodeScript } from '../../test/support/runNode';

export const REFERENCE_PY = path.join(__dirname, 'ortReference.py');

export function loadavg(): string {
  return fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

/** A Python child that prints READY <port>; stopped by closing its stdin. */
export interface PyServer {
  readonly url: string;
  stop(): Promise<void>;
}

export function startPyServer(python: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<PyServer> {
  const child = spawn(python, args, { stdio: ['pipe', 'pipe', 'pipe'], env: childEnv(env) });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const port = /READY (\d+)/.exec(out)?.[1];
      if (port) {
        resolve({
          url: `http://127.0.0.1:${port}/v1`,
          stop: async () => {
            child.stdin.end();
            await exited;
          },
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`${args[0]} exited (${code}) before it was ready:\n${err.slice(-2000)}`)));
  });
}

/** Tokens/s of plain ONNX Runtime embedding `texts` in-process (ortReference.py throughput). */
export function referenceThroughput(venv: string, modelDir: string, textsFile: string, threads: number, batch: number): number {
  const out = execFileSync(venvPython(venv), [REFERENCE_PY, 'throughput', modelDir, textsFile, String(threads), String(DEFAULT_LOCAL_MODEL.meta.maxTokens), String(batch)], {
    encoding: 'utf8',
  });
  const { tokens, seconds } = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { tokens: number; seconds: number };
  return tokens / seconds;
}

/** Tokens/s of an embedder over `texts`, counted from what its endpoint reports, and the vectors. */
export async function embedderThroughput(embed: OpenAiEmbedder | { embed: OpenAiEmbedder['embed'] }, texts: readonly string[]): Promise<{ tokensPerS: number; vectors: number[][] }> {
  let tokens = 0;
  const t = performance.now();
  const vectors = await embed.embed(texts, undefined, { onEmbedded: (_n, k) => (tokens += k) });
  return { tokensPerS: tokens / ((performance.now() - t) / 1000), vectors };
}

/**
 * The embedding server of an earlier commit (its localServerScript.ts read from git), with the
 * client settings it had then: one thread, 16 texts a request.
 */
export async function startServerAt(rev: string, repo: string, venv: string, modelDir: string): Promise<{ embedder: OpenAiEmbedder; stop: () => Promise<void> }> {
  const source = execFileSync('git', ['show', `${rev}:src/core/embedding/localServerScript.ts`], { cwd: repo, encoding: 'utf8' });
  const script = /String\.raw`([\s\S]*)`;\s*$/.exec(source)?.[1];
  if (!script) {
    throw new Error(`no embedding server script at ${rev}`);
  }
  const server = await startPyServer(venvPython(venv), ['-c', script, modelDir, JSON.stringify(DEFAULT_LOCAL_MODEL.meta)], { ...process.env, KIMI_EMBED_THREADS: '1' });
  const embedder = new OpenAiEmbedder({ baseUrl: server.url, apiKey: undefined, model: 'before', dimensions: 384, batchSize: 16, concurrency: 1, timeoutMs: 600_000, deadlines: { headersMs: 600_000 } });
  return { embedder, stop: () => server.stop() };
}

/**
 * `kimi-milvus index <corpus> --json` with the given environment: seconds until it returned, its
 * summary, and how many embedding requests it sent again (from its progress lines).
 */
export async function cliIndex(cli: string, corpus: string, collection: string, env: NodeJS.ProcessEnv): Promise<{ seconds: number; chunks: number; withVector: number; retries: number }> {
  const t = performance.now();
  const run = await runNodeScript(cli, ['index', corpus, '--collection', collection, '--rebuild', '--json'], { env });
  const seconds = (performance.now() - t) / 1000;
  if (run.code !== 0) {
    throw new Error(`${cli} index failed (${run.code}):\n${run.stderr.slice(-3000)}`);
  }
  const summary = JSON.parse(run.stdout) as { chunksWritten: number; vectors?: { withVector: number } };
  const retried = [...run.stderr.matchAll(/(\d+) requests? sent again/g)].at(-1)?.[1];
  return { seconds, chunks: summary.chunksWritten, withVector: summary.vectors?.withVector ?? -1, retries: Number(retried ?? 0) };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}
