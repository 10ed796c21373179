/**
 * What one `kimi-milvus mcp` process works with: the workspace roots (from --root or the
 * client's roots), one embedder, one Indexer (so index runs on a collection queue behind each
 * other) and the Milvus store, opened on first use. Opening late keeps `initialize` and
 * `tools/list` instant even when Milvus Lite still has to be provisioned; the embedded server
 * is reached through the same data dir and lease as the extension and the other commands.
 */
import * as path from 'node:path';
import { toolEnv, type ToolEnv } from '../core/agent/tools/context';
import type { EmbeddingConfig, IndexConfig, MilvusConfig } from '../core/config';
import type { Embedder } from '../core/embedding/embedder';
import { createEmbedder } from '../core/embedding/factory';
import { collectionNameFor } from '../core/indexing/collectionName';
import type { IndexProgress, IndexSummary } from '../core/indexing/events';
import { Indexer } from '../core/indexing/indexer';
import type { Logger } from '../core/logger';
import { openStore, type StoreHandle } from '../core/store/factory';
import type { VectorStore } from '../core/store/types';
import { Redactor } from '../core/redaction';

export interface McpSessionOptions {
  readonly milvus: MilvusConfig;
  readonly embedding: EmbeddingConfig;
  /** The CLI's embedder (it knows where the local model lives); default: one made from `embedding`. */
  readonly embedder?: Embedder;
  readonly index: IndexConfig;
  readonly logger: Logger;
  /** Milvus Lite provisioning and startup messages (stderr). */
  readonly onStoreProgress: (message: string) => void;
  /** The environment's keys: every tool result is redacted with it before it reaches the client. */
  readonly redactor?: Redactor;
}

/** A VectorStore whose every call first waits for the real one, opened once. */
function deferredStore(open: () => Promise<VectorStore>): VectorStore {
  return new Proxy({} as VectorStore, {
    get(_target, prop: string | symbol) {
      if (prop === 'then') {
        return undefined; // not a thenable: `await session.store` must not try to resolve it
      }
      return async (...args: unknown[]): Promise<unknown> => {
        const store = await open();
        const method: unknown = Reflect.get(store, prop);
        if (typeof method !== 'function') {
          throw new TypeError(`VectorStore has no method ${String(prop)}`);
        }
        return Reflect.apply(method, store, args) as unknown;
      };
    },
  });
}

export class McpSession {
  readonly store: VectorStore;
  readonly embedder: Embedder;
  readonly indexer: Indexer;
  /** Progress of the index runs in flight, by collection. */
  readonly running = new Map<string, IndexProgress | undefined>();
  /** The last finished run of each collection in this process. */
  readonly lastRun = new Map<string, IndexSummary>();
  private handle: Promise<StoreHandle> | undefined;
  private folders: readonly string[] = [];

  constructor(private readonly options: McpSessionOptions) {
    this.store = deferredStore(async () => (await this.open()).store);
    this.embedder = options.embedder ?? createEmbedder(options.embedding, { logger: options.logger });
    this.indexer = new Indexer({ store: this.store, embedder: this.embedder, config: options.index, logger: options.logger });
  }

  get redactor(): Redactor {
    return this.options.redactor ?? new Redactor();
  }

  get logger(): Logger {
    return this.options.logger;
  }

  get roots(): readonly string[] {
    return this.folders;
  }

  setRoots(roots: readonly string[]): void {
    this.folders = [...new Set(roots.map((r) => path.resolve(r)))];
    this.options.logger.info(`Workspace roots: ${this.folders.join(', ') || '(none)'}`);
  }

  collectionFor(root: string): string {
    return collectionNameFor(root);
  }

  /** The agent's tool environment over the current roots: the same path guard and secret rules. */
  toolEnv(): ToolEnv {
    return toolEnv({
      store: this.store,
      embedder: this.embedder,
      indexer: this.indexer,
      workspaceFolders: this.folders,
      collectionFor: (folder) => collectionNameFor(folder),
      // The user configured this server for the folder; there is no Restricted Mode outside VS Code.
      trusted: true,
      logger: this.options.logger,
      redactor: this.options.redactor,
    });
  }

  private open(): Promise<StoreHandle> {
    this.handle ??= openStore(this.options.milvus, { logger: this.options.logger, onProgress: this.options.onStoreProgress }).catch(
      (err: unknown) => {
        this.handle = undefined; // the next call tries again (e.g. after the user fixed MILVUS_URI)
        throw err;
      },
    );
    return this.handle;
  }

  /** Closes the client and gives up this process's lease on the embedded server. */
  async dispose(): Promise<void> {
    const current = this.handle;
    this.handle = undefined;
    if (current) {
      await (await current.catch(() => undefined))?.dispose();
    }
  }
}
