/**
 * What one `kimi-milvus mcp` process works with: the workspace roots (from --root or the client's
 * roots) and the core services: one embedder, one Indexer (so index runs on a collection queue
 * behind each other) and the Milvus store, opened on first use. Opening late keeps `initialize`
 * and `tools/list` instant even when Milvus Lite still has to be provisioned; the embedded server
 * is reached through the same data dir and lease as the extension and the other commands.
 */
import * as path from 'node:path';
import { toolEnv, type ToolEnv } from '../core/agent/tools/context';
import type { EmbeddingConfig, IndexConfig, MilvusConfig } from '../core/config';
import type { Embedder } from '../core/embedding/embedder';
import { createEmbedder } from '../core/embedding/factory';
import { collectionNameFor } from '../core/indexing/collectionName';
import type { IndexProgress, IndexSummary } from '../core/indexing/events';
import type { IndexFolderOptions } from '../core/indexing/indexer';
import type { Logger } from '../core/logger';
import { CoreServices } from '../core/services';
import { openStore } from '../core/store/factory';
import { prepareCollection } from '../core/store/prepare';
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

export class McpSession {
  readonly store: VectorStore;
  readonly embedder: Embedder;
  /** Progress of the index runs in flight, by collection. */
  readonly running = new Map<string, IndexProgress | undefined>();
  /** The last finished run of each collection in this process. */
  readonly lastRun = new Map<string, IndexSummary>();
  private readonly services: CoreServices;
  private folders: readonly string[] = [];

  constructor(private readonly options: McpSessionOptions) {
    const { milvus, embedding, index, logger, onStoreProgress } = options;
    this.embedder = options.embedder ?? createEmbedder(embedding, { logger });
    this.services = new CoreServices({
      inputs: () => ({ milvus, embedding, index }),
      openStore: (config) => openStore(config, { logger, onProgress: onStoreProgress }),
      createEmbedder: () => this.embedder,
      logger,
    });
    this.store = this.services.deferredStore;
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

  /**
   * Runs on one collection queue behind each other: the session has one Indexer. A keyword-only
   * index gets vectors in place first once an embedding is set (nothing is thrown away); a change
   * that would discard vectors or rows is left to the user (VS Code or `kimi-milvus index`), so the
   * store's own mismatch error reaches the client.
   */
  async indexFolder(root: string, options: IndexFolderOptions, signal?: AbortSignal): Promise<IndexSummary> {
    if (!options.dryRun) {
      const store = await this.services.store();
      await prepareCollection(store, options.collection ?? collectionNameFor(root), this.embedder.spec, { consent: () => false, signal });
    }
    return (await this.services.indexer()).indexFolder(root, options, signal);
  }

  /** The agent's tool environment over the current roots: the same path guard and secret rules. */
  toolEnv(): ToolEnv {
    return toolEnv({
      store: this.store,
      embedder: this.embedder,
      indexer: { indexFile: async (...args) => (await this.services.indexer()).indexFile(...args) },
      workspaceFolders: this.folders,
      collectionFor: (folder) => collectionNameFor(folder),
      // An MCP client can index by itself.
      howToIndex: 'You can call index_workspace, then search again.',
      // The user configured this server for the folder; there is no Restricted Mode outside VS Code.
      trusted: true,
      logger: this.options.logger,
      redactor: this.options.redactor,
    });
  }

  /** Closes the client and gives up this process's lease on the embedded server. */
  dispose(): Promise<void> {
    return this.services.dispose();
  }
}
