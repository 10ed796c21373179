import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AppConfig } from '../core/config';
import type { Embedder } from '../core/embedding/embedder';
import { createEmbedder } from '../core/embedding/factory';
import { Indexer } from '../core/indexing/indexer';
import { KimiClient } from '../core/kimi/kimiClient';
import type { Logger } from '../core/logger';
import { openStore, type StoreHandle } from '../core/store/factory';
import type { VectorStore } from '../core/store/types';
import { abortSignalFor } from './cancellation';
import type { SecretStore } from './secretStore';
import { LOCAL_CHOICE_KEY, type LocalChoice, affectedServices, readConfig } from './settings';
import type { TrustState } from './trust';
import { Redactor } from '../core/redaction';

/**
 * The lazily built core services. Activation creates this container and nothing else: the
 * Milvus server starts, and clients are built, only when a command or a chat message needs them.
 * A settings or key change drops what it affects; the next use rebuilds it, so no reload is needed.
 */
/** A progress notification someone else shows, that starting the store may report into. */
export interface StoreProgress {
  readonly report: (message: string) => void;
  readonly signal: AbortSignal;
}

export class Services implements vscode.Disposable {
  private storeHandle: Promise<StoreHandle> | undefined;
  private openedStore: StoreHandle | undefined;
  private embedderCache: { readonly key: string; readonly embedder: Embedder } | undefined;
  /** One Indexer while its inputs stay the same: it serializes runs per collection (full runs, live sync, adds). */
  private indexerCache: { readonly store: VectorStore; readonly embedder: Embedder; readonly key: string; readonly indexer: Indexer } | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly secrets: SecretStore,
    readonly trust: TrustState,
    readonly log: Logger,
    /** Learns every key as it is read, so logs, tool results and chat events never carry one. */
    readonly redactor: Redactor = new Redactor(),
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        const hit = affectedServices(e);
        if (hit.store) {
          void this.closeStore('Milvus settings changed');
        }
        if (hit.embedding) {
          this.dropEmbedder();
        }
      }),
      secrets.onDidChangeSecret((name) => {
        if (name === 'milvusToken') {
          void this.closeStore('Milvus token changed');
        }
        if (name === 'embeddingApiKey') {
          this.dropEmbedder();
        }
      }),
    );
  }

  get dataDir(): string {
    return this.context.globalStorageUri.fsPath;
  }

  async config(): Promise<AppConfig> {
    const config = await readConfig(this.secrets, this.dataDir, this.localChoice === 'local');
    for (const secret of [config.kimi.apiKey, config.embedding.apiKey, config.milvus.token]) {
      this.redactor.add(secret);
    }
    return config;
  }

  /** The answer to "local semantic search?" (asked once, at the first Index Workspace). */
  get localChoice(): LocalChoice | undefined {
    const v = this.context.globalState.get<unknown>(LOCAL_CHOICE_KEY);
    return v === 'local' || v === 'keyword' ? v : undefined;
  }

  async setLocalChoice(choice: LocalChoice): Promise<void> {
    await this.context.globalState.update(LOCAL_CHOICE_KEY, choice);
    this.dropEmbedder();
  }

  /** Forgets the embedder (its inputs changed); a local model's process is stopped. */
  private dropEmbedder(): void {
    const old = this.embedderCache?.embedder;
    this.embedderCache = undefined;
    this.indexerCache = undefined;
    void old?.close?.().catch(() => undefined);
  }

  /** The store if it is already open; never starts Milvus. */
  get openStoreIfReady(): VectorStore | undefined {
    return this.openedStore?.store;
  }

  /**
   * Opens the store on first use. The first embedded start provisions Milvus Lite (minutes), so it
   * runs in a cancellable progress notification that relays the provisioning steps.
   */
  /**
   * `within`: the caller's own progress notification (Index Workspace), so that a first run shows
   * one notification for venv, pip, Milvus start and indexing instead of two stacked ones.
   */
  async store(within?: StoreProgress): Promise<VectorStore> {
    this.storeHandle ??= this.startStore(within);
    try {
      return (await this.storeHandle).store;
    } catch (err) {
      this.storeHandle = undefined;
      throw err;
    }
  }

  private async startStore(within?: StoreProgress): Promise<StoreHandle> {
    const config = await this.config();
    const handle = within
      ? await openStore(config.milvus, { logger: this.log, onProgress: within.report, signal: within.signal })
      : await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: config.milvus.uri ? 'Kimi Milvus: connecting to Milvus' : 'Kimi Milvus: starting Milvus Lite',
        cancellable: true,
      },
      (progress, token) => {
        const { signal, dispose } = abortSignalFor(token);
        return openStore(config.milvus, {
          logger: this.log,
          onProgress: (message: string) => progress.report({ message }),
          signal,
        }).finally(dispose);
      },
    );
    this.openedStore = handle;
    this.log.info(`Milvus ready (${handle.mode}, ${handle.address}).`);
    return handle;
  }

  private async closeStore(reason: string): Promise<void> {
    const pending = this.storeHandle;
    this.storeHandle = undefined;
    this.openedStore = undefined;
    if (pending) {
      this.log.info(`${reason}: closing the Milvus connection.`);
      await pending.then((h) => h.dispose()).catch(() => undefined);
    }
  }

  async embedder(): Promise<Embedder> {
    const { embedding, milvus } = await this.config();
    const key = JSON.stringify([embedding.provider, embedding.localConsent, embedding.baseUrl, embedding.model, embedding.dimensions, embedding.localThreads, embedding.apiKey !== undefined]);
    if (this.embedderCache?.key !== key) {
      this.dropEmbedder();
      const local = {
        storageDir: this.dataDir,
        bundledDir: path.join(this.context.extensionPath, 'resources', 'models'),
        pythonPath: milvus.pythonPath,
        venvDir: process.env.KIMI_EMBED_VENV?.trim() || undefined,
      };
      this.embedderCache = { key, embedder: createEmbedder(embedding, { logger: this.log, local }) };
    }
    return this.embedderCache.embedder;
  }

  async indexer(within?: StoreProgress): Promise<Indexer> {
    const [store, embedder, config] = await Promise.all([this.store(within), this.embedder(), this.config()]);
    const key = JSON.stringify(config.index);
    const cached = this.indexerCache;
    if (cached && cached.store === store && cached.embedder === embedder && cached.key === key) {
      return cached.indexer;
    }
    // Progressive hybrid: rows are written first, IndexRunner.fill embeds them in the background.
    const indexer = new Indexer({ store, embedder, config: config.index, logger: this.log, cacheDir: path.join(this.dataDir, 'index-cache'), vectors: 'background' });
    this.indexerCache = { store, embedder, key, indexer };
    return indexer;
  }

  async kimiClient(): Promise<KimiClient> {
    const config = await this.config();
    return new KimiClient(config.kimi, { logger: this.log });
  }

  /** Lists Kimi's models with a candidate key (used to validate a key before storing it). */
  async listKimiModels(apiKey: string, token?: vscode.CancellationToken): Promise<string[]> {
    const config = await this.config();
    const client = new KimiClient({ ...config.kimi, apiKey }, { logger: this.log });
    const { signal, dispose } = abortSignalFor(token);
    try {
      return await client.listModels(signal);
    } finally {
      dispose();
    }
  }

  async dispose(): Promise<void> {
    for (const d of this.disposables) {
      d.dispose();
    }
    this.dropEmbedder();
    await this.closeStore('Shutting down');
  }
}
