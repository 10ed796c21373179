/**
 * The core services a front end works with, each built on first use and kept while its inputs stay
 * the same: the Milvus store, the embedder and the Indexer over both. The extension, the CLI and the
 * MCP server each hold one. Opening late keeps activation, `--help` and MCP's `tools/list` instant
 * even when Milvus Lite still has to be provisioned (minutes, the first time).
 */
import type { EmbeddingConfig, IndexConfig, MilvusConfig } from './config';
import type { Embedder } from './embedding/embedder';
import { Indexer, type IndexerDeps } from './indexing/indexer';
import type { Logger } from './logger';
import type { StoreHandle } from './store/factory';
import type { VectorStore } from './store/types';

export interface ServiceInputs {
  readonly milvus: MilvusConfig;
  readonly embedding: EmbeddingConfig;
  readonly index: IndexConfig;
}

/** A progress display (and its cancel) of the caller's, that opening the store reports into. */
export interface StoreProgress {
  readonly report: (message: string) => void;
  readonly signal: AbortSignal;
}

export interface CoreServicesOptions {
  /** Read whenever something is built, so a changed setting reaches the next build. */
  readonly inputs: () => ServiceInputs | Promise<ServiceInputs>;
  /** Opens the store for this front end (its progress display, its log line). */
  readonly openStore: (milvus: MilvusConfig, within?: StoreProgress) => Promise<StoreHandle>;
  /** The front end knows where the local model lives. */
  readonly createEmbedder: (inputs: ServiceInputs) => Embedder;
  readonly logger: Logger;
  /** Given to every Indexer built here (index cache folder, background vectors, the document extractor). */
  readonly indexer?: Pick<IndexerDeps, 'cacheDir' | 'vectors' | 'documents'>;
}

export class CoreServices {
  private pending: Promise<StoreHandle> | undefined;
  private opened: StoreHandle | undefined;
  private embedderCache: { readonly key: string; readonly embedder: Embedder } | undefined;
  /** One Indexer while its inputs stay the same: it serializes the runs on each collection. */
  private indexerCache: { readonly store: VectorStore; readonly embedder: Embedder; readonly key: string; readonly indexer: Indexer } | undefined;
  /** A VectorStore whose every call first waits for the real one (see deferredStore). */
  readonly deferredStore: VectorStore = deferredStore(() => this.store());

  constructor(private readonly options: CoreServicesOptions) {}

  /** The store, opened on first use. A failed open is forgotten, so the next use tries again. */
  async storeHandle(within?: StoreProgress): Promise<StoreHandle> {
    const pending = (this.pending ??= this.open(within));
    try {
      const handle = await pending;
      if (this.pending === pending) {
        this.opened = handle;
      }
      return handle;
    } catch (err) {
      if (this.pending === pending) {
        this.pending = undefined;
      }
      throw err;
    }
  }

  async store(within?: StoreProgress): Promise<VectorStore> {
    return (await this.storeHandle(within)).store;
  }

  /** The store if it is already open; never opens it. */
  get readyStore(): VectorStore | undefined {
    return this.opened?.store;
  }

  private async open(within?: StoreProgress): Promise<StoreHandle> {
    const { milvus } = await this.options.inputs();
    return this.options.openStore(milvus, within);
  }

  /** Closes the store (its inputs changed, or the front end stops); the next use opens it again. False if none was open. */
  async closeStore(): Promise<boolean> {
    const pending = this.pending;
    this.pending = undefined;
    this.opened = undefined;
    if (!pending) {
      return false;
    }
    await pending.then((h) => h.dispose()).catch(() => undefined);
    return true;
  }

  async embedder(): Promise<Embedder> {
    const inputs = await this.options.inputs();
    const { embedding } = inputs;
    const key = JSON.stringify([embedding.provider, embedding.localConsent, embedding.baseUrl, embedding.model, embedding.dimensions, embedding.localThreads, embedding.apiKey !== undefined]);
    if (this.embedderCache?.key !== key) {
      this.dropEmbedder();
      this.embedderCache = { key, embedder: this.options.createEmbedder(inputs) };
    }
    return this.embedderCache.embedder;
  }

  /** Forgets the embedder (its inputs changed); a local model's process is stopped. */
  dropEmbedder(): void {
    const old = this.embedderCache?.embedder;
    this.embedderCache = undefined;
    this.indexerCache = undefined;
    void old?.close?.().catch(() => undefined);
  }

  async indexer(within?: StoreProgress): Promise<Indexer> {
    const [store, embedder, { index }] = await Promise.all([this.store(within), this.embedder(), this.options.inputs()]);
    const key = JSON.stringify(index);
    const cached = this.indexerCache;
    if (cached && cached.store === store && cached.embedder === embedder && cached.key === key) {
      return cached.indexer;
    }
    const indexer = new Indexer({ store, embedder, config: index, logger: this.options.logger, ...this.options.indexer });
    this.indexerCache = { store, embedder, key, indexer };
    return indexer;
  }

  /** Stops the embedder and closes the store (this process gives up its lease on the embedded server). */
  async dispose(): Promise<void> {
    this.dropEmbedder();
    await this.closeStore();
  }
}

/** A VectorStore whose every call first waits for the real one, opened once. */
function deferredStore(open: () => Promise<VectorStore>): VectorStore {
  return new Proxy({} as VectorStore, {
    get(_target, prop: string | symbol) {
      if (prop === 'then') {
        return undefined; // not a thenable: `await services.deferredStore` must not try to resolve it
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
