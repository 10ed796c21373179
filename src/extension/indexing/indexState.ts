import * as vscode from 'vscode';
import type { EmbeddingProgress } from '../../core/indexing/embeddingProgress';

/** What the extension remembers about an indexed workspace folder (in workspaceState, so no Milvus is needed to know it). */
export interface FolderIndexRecord {
  readonly root: string;
  readonly collection: string;
  readonly files: number;
  readonly indexedAt: number;
}

export type IndexStatus =
  | { readonly kind: 'notIndexed' }
  | { readonly kind: 'indexing'; readonly percent: number; readonly folder: string }
  /**
   * `semantic`: percent of chunks with their vector while the background fill runs (undefined: BM25
   * only or unknown); `embedding`: the fill's progress while it runs.
   */
  | { readonly kind: 'indexed'; readonly files: number; readonly semantic?: number; readonly embedding?: EmbeddingProgress }
  | { readonly kind: 'error'; readonly message: string };

const RECORDS_KEY = 'kimiMilvus.indexRecords';

/**
 * The index state the status bar, the chat's first-run banner and live sync observe: a closed
 * union, a snapshot getter and one change event that fires only on change.
 */
export class IndexState implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<IndexStatus>();
  readonly onDidChangeStatus = this.emitter.event;
  private current: IndexStatus;
  private semantic: number | undefined;
  private embedding: EmbeddingProgress | undefined;

  constructor(private readonly memento: vscode.Memento) {
    this.current = this.restingStatus();
  }

  get status(): IndexStatus {
    return this.current;
  }

  get records(): readonly FolderIndexRecord[] {
    const raw = this.memento.get<unknown>(RECORDS_KEY);
    return Array.isArray(raw) ? raw.filter(isRecord) : [];
  }

  recordFor(root: string): FolderIndexRecord | undefined {
    return this.records.find((r) => r.root === root);
  }

  isIndexed(root: string): boolean {
    return this.recordFor(root) !== undefined;
  }

  setIndexing(folder: string, percent: number): void {
    this.set({ kind: 'indexing', folder, percent: Math.max(0, Math.min(100, Math.round(percent))) });
  }

  /** How much of the index has vectors (BackgroundFill); shown while indexed. */
  setSemantic(percent: number | undefined): void {
    this.semantic = percent === undefined ? undefined : Math.max(0, Math.min(100, Math.floor(percent)));
    if (this.current.kind === 'indexed') {
      this.settle();
    }
  }

  /** The background fill's progress while it runs (undefined when it stops); the percent follows it. */
  setEmbedding(progress: EmbeddingProgress | undefined): void {
    this.embedding = progress;
    if (progress) {
      this.semantic = progress.chunksTotal === 0 ? 100 : Math.floor((100 * progress.chunksDone) / progress.chunksTotal);
    }
    if (this.current.kind === 'indexed') {
      this.settle();
    }
  }

  setError(message: string): void {
    this.set({ kind: 'error', message });
  }

  async saveRecord(record: FolderIndexRecord): Promise<void> {
    await this.memento.update(RECORDS_KEY, [...this.records.filter((r) => r.root !== record.root), record]);
    this.settle();
  }

  async removeCollection(collection: string): Promise<void> {
    await this.memento.update(
      RECORDS_KEY,
      this.records.filter((r) => r.collection !== collection),
    );
    this.settle();
  }

  /** Back to the state the records imply (after a run ends, or was cancelled). */
  settle(): void {
    this.set(this.restingStatus());
  }

  private restingStatus(): IndexStatus {
    const roots = new Set((vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath));
    const mine = this.records.filter((r) => roots.has(r.root));
    if (mine.length === 0) {
      return { kind: 'notIndexed' };
    }
    const files = mine.reduce((n, r) => n + r.files, 0);
    return {
      kind: 'indexed',
      files,
      ...(this.semantic === undefined ? {} : { semantic: this.semantic }),
      ...(this.embedding ? { embedding: this.embedding } : {}),
    };
  }

  private set(next: IndexStatus): void {
    if (JSON.stringify(next) !== JSON.stringify(this.current)) {
      this.current = next;
      this.emitter.fire(next);
    }
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

function isRecord(v: unknown): v is FolderIndexRecord {
  if (typeof v !== 'object' || v === null) {
    return false;
  }
  const r = v as Record<string, unknown>;
  return typeof r.root === 'string' && typeof r.collection === 'string' && typeof r.files === 'number' && typeof r.indexedAt === 'number';
}
