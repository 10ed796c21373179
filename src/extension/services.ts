import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AppConfig, MilvusConfig } from '../core/config';
import type { Embedder } from '../core/embedding/embedder';
import { createEmbedder, type CreateEmbedderOptions } from '../core/embedding/factory';
import type { Indexer } from '../core/indexing/indexer';
import { KimiClient } from '../core/kimi/kimiClient';
import { logRejection, type Logger } from '../core/logger';
import { CoreServices, type StoreProgress } from '../core/services';
import { openStore, type StoreHandle } from '../core/store/factory';
import type { VectorStore } from '../core/store/types';
import { abortSignalFor } from './cancellation';
import { createDocumentExtractor } from './documents/extractorChoice';
import type { SecretStore } from './secretStore';
import { LOCAL_CHOICE_KEY, type LocalChoice, affectedServices, readConfig } from './settings';
import type { TrustState } from './trust';
import { Redactor } from '../core/redaction';

/**
 * The core services (src/core/services.ts) as VS Code needs them. Activation creates this container
 * and nothing else: the Milvus server starts, and clients are built, only when a command or a chat
 * message needs them. A settings or key change drops what it affects; the next use rebuilds it, so
 * no reload is needed.
 */
export class Services implements vscode.Disposable {
  private readonly core: CoreServices;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly secrets: SecretStore,
    readonly trust: TrustState,
    readonly log: Logger,
    /** Learns every key as it is read, so logs, tool results and chat events never carry one. */
    readonly redactor: Redactor = new Redactor(),
  ) {
    this.core = new CoreServices({
      inputs: () => this.config(),
      openStore: (milvus, within) => this.openStore(milvus, within),
      createEmbedder: ({ embedding, milvus }) => createEmbedder(embedding, { logger: this.log, local: this.localEmbedding(milvus.pythonPath) }),
      logger: log,
      // Progressive hybrid: rows are written first, IndexRunner.fill embeds them in the background.
      indexer: {
        cacheDir: path.join(this.dataDir, 'index-cache'),
        vectors: 'background',
        documents: createDocumentExtractor({ state: context.globalState, config: () => this.config(), log }),
      },
    });
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        const hit = affectedServices(e);
        if (hit.store) {
          logRejection(this.closeStore('Milvus settings changed'), this.log, 'Closing the Milvus connection');
        }
        if (hit.embedding) {
          this.core.dropEmbedder();
        }
      }),
      secrets.onDidChangeSecret((name) => {
        if (name === 'milvusToken') {
          logRejection(this.closeStore('Milvus token changed'), this.log, 'Closing the Milvus connection');
        }
        if (name === 'embeddingApiKey') {
          this.core.dropEmbedder();
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
    this.core.dropEmbedder();
  }

  /** The store if it is already open; never starts Milvus. */
  get openStoreIfReady(): VectorStore | undefined {
    return this.core.readyStore;
  }

  /**
   * Opens the store on first use. The first embedded start provisions Milvus Lite (minutes), so it
   * runs in a cancellable progress notification that relays the provisioning steps.
   * `within`: the caller's own progress notification (Index Workspace), so that a first run shows
   * one notification for venv, pip, Milvus start and indexing instead of two stacked ones.
   */
  store(within?: StoreProgress): Promise<VectorStore> {
    return this.core.store(within);
  }

  private async openStore(milvus: MilvusConfig, within?: StoreProgress): Promise<StoreHandle> {
    const handle = within
      ? await openStore(milvus, { logger: this.log, onProgress: within.report, signal: within.signal })
      : await vscode.window.withProgress(
          {
            location: vscode.ProgressLocation.Notification,
            title: milvus.uri ? 'Kimi Milvus: connecting to Milvus' : 'Kimi Milvus: starting Milvus Lite',
            cancellable: true,
          },
          (progress, token) => {
            const { signal, dispose } = abortSignalFor(token);
            return openStore(milvus, { logger: this.log, onProgress: (message: string) => progress.report({ message }), signal }).finally(dispose);
          },
        );
    this.log.info(`Milvus ready (${handle.mode}, ${handle.address}).`);
    return handle;
  }

  private async closeStore(reason: string): Promise<void> {
    if (await this.core.closeStore()) {
      this.log.info(`${reason}: closed the Milvus connection.`);
    }
  }

  private localEmbedding(pythonPath: string | undefined): NonNullable<CreateEmbedderOptions['local']> {
    return {
      storageDir: this.dataDir,
      bundledDir: path.join(this.context.extensionPath, 'resources', 'models'),
      pythonPath,
      venvDir: process.env.KIMI_EMBED_VENV?.trim() || undefined,
    };
  }

  embedder(): Promise<Embedder> {
    return this.core.embedder();
  }

  indexer(within?: StoreProgress): Promise<Indexer> {
    return this.core.indexer(within);
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
    this.core.dropEmbedder();
    await this.closeStore('Shutting down');
  }
}
