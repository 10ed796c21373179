/**
 * The local embedder's Python side: a private venv with ONNX Runtime and tokenizers (installed
 * by pip on first use, like Milvus Lite's), and the embedding server process it runs.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { Socket } from 'node:net';
import { availableParallelism } from 'node:os';
import { ConfigError, UserAbortError } from '../errors';
import type { Logger } from '../logger';
import { type VenvPackages, ensureVenv } from '../milvus/venv';
import { childEnv } from '../redaction';
import type { LocalModelMeta } from './localModel';
import { EMBED_SERVER_PY } from './localServerScript';

/**
 * Ranges, not exact pins: the venv is built with the user's Python (3.10 or newer), and exact
 * versions of these native wheels do not exist for every Python. Measured with onnxruntime
 * 1.32 and tokenizers 0.23.
 */
export const EMBED_PACKAGES: VenvPackages = {
  label: 'the local embedding runtime',
  requirements: ['onnxruntime>=1.17,<2', 'tokenizers>=0.15,<1', 'numpy'],
  verify: 'import onnxruntime, tokenizers, numpy; print(onnxruntime.__version__)',
  purpose: 'local-embedding',
};

export interface RuntimeOptions {
  readonly venvDir: string;
  readonly pythonPath: string | undefined;
  readonly logger: Logger;
  readonly onProgress?: (message: string) => void;
  readonly signal?: AbortSignal;
  /** ONNX Runtime intra-op threads; see embedThreads. */
  readonly threads?: number;
}

/**
 * Inference threads: the setting when given, else KIMI_EMBED_THREADS, else every core. All cores
 * because the server runs at nice 10: the scheduler gives the editor, Milvus and the user's own
 * work the CPU first, and the model gets what is left, which on an idle laptop is all of it.
 */
export function embedThreads(setting: number | undefined, env: NodeJS.ProcessEnv = process.env, cores = availableParallelism()): number {
  if (setting !== undefined && Number.isInteger(setting) && setting > 0) {
    return setting;
  }
  const text = env.KIMI_EMBED_THREADS?.trim();
  if (text) {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) {
      throw new ConfigError(`KIMI_EMBED_THREADS must be a positive whole number of threads (got "${text}").`);
    }
    return n;
  }
  return Math.max(1, cores);
}

/** Loading a model takes a second or two; a slow disk or a cold Python cache, more. */
const START_TIMEOUT_MS = 120_000;

export interface EmbedServer {
  /** `http://127.0.0.1:<port>/v1` */
  readonly baseUrl: string;
  /** The server's process id (benchmarks read its memory). */
  readonly pid: number | undefined;
  /** Resolves when the process has exited (by itself or after stop()). */
  readonly exited: Promise<void>;
  stop(): Promise<void>;
}

/** The runtime venv's Python, creating the venv and installing the packages the first time. */
export function ensureEmbedRuntime(options: RuntimeOptions): Promise<string> {
  return ensureVenv({
    venvDir: options.venvDir,
    pythonPath: options.pythonPath,
    logger: options.logger,
    onProgress: options.onProgress,
    signal: options.signal,
    packages: EMBED_PACKAGES,
  });
}

/** Starts the server with the runtime's Python (ensureEmbedRuntime) on the model in `modelDir`. */
export async function startEmbedServer(python: string, modelDir: string, meta: LocalModelMeta, options: RuntimeOptions): Promise<EmbedServer> {
  options.onProgress?.(`Loading the embedding model ${meta.name}…`);
  const child = spawn(python, ['-c', EMBED_SERVER_PY, modelDir, JSON.stringify(meta)], {
    stdio: ['pipe', 'pipe', 'pipe'],
    windowsHide: true,
    // Like every child: none of the product's keys in its environment.
    env: childEnv(process.env, { KIMI_EMBED_THREADS: String(embedThreads(options.threads)) }),
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // The server must not keep a finished CLI alive; when Node exits, its stdin closes and it stops.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) {
    if (stream instanceof Socket) {
      stream.unref();
    }
  }
  const port = await waitForReady(child, options);
  options.logger.info(`Local embedding server (${meta.name}) listening on 127.0.0.1:${port}.`);
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    pid: child.pid,
    exited,
    async stop(): Promise<void> {
      // Closing stdin is the server's signal to exit; the kill is for a process that hangs.
      child.stdin.end();
      const timer = setTimeout(() => child.kill(), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function waitForReady(child: ChildProcessWithoutNullStreams, options: RuntimeOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const tail: string[] = [];
    let out = '';
    const finish = (err: Error | undefined, port?: number): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      child.stdout.removeListener('data', onStdout);
      child.removeListener('exit', onExit);
      if (err) {
        child.kill();
        reject(err);
      } else if (port !== undefined) {
        resolve(port);
      }
    };
    const onStdout = (chunk: Buffer): void => {
      out += chunk.toString('utf8');
      const match = /READY (\d+)/.exec(out);
      if (match) {
        finish(undefined, Number(match[1]));
      }
    };
    const onExit = (code: number | null): void =>
      finish(new ConfigError(`The local embedding server exited (code ${code}) before it was ready:\n${tail.join('\n')}`));
    const onAbort = (): void => finish(new UserAbortError());
    const timer = setTimeout(
      () => finish(new ConfigError(`The local embedding server did not start within ${START_TIMEOUT_MS / 1000} s:\n${tail.join('\n')}`)),
      START_TIMEOUT_MS,
    );
    child.stdout.on('data', onStdout);
    child.stderr.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split(/\r?\n/)) {
        if (line.trim()) {
          options.logger.debug(`embed server: ${line}`);
          tail.push(line);
          if (tail.length > 30) {
            tail.shift();
          }
        }
      }
    });
    child.once('exit', onExit);
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
