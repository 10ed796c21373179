import * as vscode from 'vscode';
import type { EmbeddingProgress } from '../../core/indexing/embeddingProgress';
import type { VectorCounts } from '../../core/store/types';

/** What the extension remembers about an indexed workspace folder (in workspaceState, so no Milvus is needed to know it). */
export interface FolderIndexRecord {
  readonly root: string;
  readonly collection: string;
  readonly files: number;
  readonly indexedAt: number;
}

export type IndexStatus =
  | { readonly kind: 'notIndexed' }
  /**
   * `phase`: what the run does before it indexes files ("setting up Milvus", "copying the index"),
   * in the user's words; absent while files are indexed, when `percent` counts them.
   */
  | { readonly kind: 'indexing'; readonly percent: number; readonly folder: string; readonly phase?: string }
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
  /** Rows with vectors per collection, as the background fill last counted them. */
  private readonly vectors = new Map<string, VectorCounts>();
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

  setIndexing(folder: string, percent: number, phase?: string): void {
    const clamped = Math.max(0, Math.min(100, Math.round(percent)));
    this.set(phase ? { kind: 'indexing', folder, percent: clamped, phase } : { kind: 'indexing', folder, percent: clamped });
  }

  /** How many rows of `collection` have vectors (BackgroundFill); undefined: BM25 only, or no longer known. */
  setVectorCounts(collection: string, counts: VectorCounts | undefined): void {
    if (counts === undefined) {
      this.vectors.delete(collection);
    } else {
      this.vectors.set(collection, counts);
    }
    if (this.current.kind === 'indexed') {
      this.settle();
    }
  }

  /**
   * Percent of a collection's rows with vectors, the one figure the status bar (summed over the
   * workspace's collections) and the Collections view (per collection) both show.
   */
  semanticOf(collection: string): number | undefined {
    const c = this.vectors.get(collection);
    return c === undefined ? undefined : semanticPercent(c);
  }

  /** The background fill's progress while it runs (undefined when it stops); its counts go through setVectorCounts. */
  setEmbedding(progress: EmbeddingProgress | undefined): void {
    this.embedding = progress;
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
    const counts = mine.map((r) => this.vectors.get(r.collection)).filter((c): c is VectorCounts => c !== undefined);
    const semantic = counts.length === 0 ? undefined : semanticPercent({ withVector: sum(counts, (c) => c.withVector), total: sum(counts, (c) => c.total) });
    return {
      kind: 'indexed',
      files,
      ...(semantic === undefined ? {} : { semantic }),
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

/** Floored, so "100%" only ever means every row has its vector. */
export function semanticPercent(c: VectorCounts): number {
  return c.total === 0 ? 100 : Math.floor((100 * c.withVector) / c.total);
}

function sum<T>(items: readonly T[], f: (x: T) => number): number {
  return items.reduce((n, x) => n + f(x), 0);
}

function isRecord(v: unknown): v is FolderIndexRecord {
  if (typeof v !== 'object' || v === null) {
    return false;
  }
  const r = v as Record<string, unknown>;
  return typeof r.root === 'string' && typeof r.collection === 'string' && typeof r.files === 'number' && typeof r.indexedAt === 'number';
}
