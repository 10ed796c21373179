/**
 * The writing half of a folder run: FILE_CONCURRENCY workers read, chunk and diff each discovered
 * file against what the collection holds, and hand what changed to one WriteBatcher. Files the
 * index cache vouches for are not read at all.
 */
import type { Embedder } from '../embedding/embedder';
import type { IndexedFile, VectorStore } from '../store/types';
import type { ChunkOptions } from './chunker';
import { FILE_CONCURRENCY } from './constants';
import type { SkippedFile } from './events';
import type { DocumentExtractor } from '../documents/types';
import { type PendingRow, type PreparedFile, prepareFile, type SkippedPrepare, type UnchangedPrepare } from './fileRows';
import { type CachedFile, IndexCache } from './indexCache';
import type { ProgressTracker } from './progress';
import { diffRows } from './rowDiff';
import { WriteBatcher } from './writeBatcher';

export interface Counters {
  filesIndexed: number;
  filesUnchanged: number;
  filesDeleted: number;
  chunksWritten: number;
  chunksDeleted: number;
  chunksEmbedded: number;
  bytes: number;
  estimatedChunks: number;
  estimatedTokens: number;
}

/** A discovered file: paths, and the size and mtime taken during discovery. */
export interface FoundFile {
  readonly absPath: string;
  readonly relPath: string;
  readonly size: number;
  readonly mtimeMs: number;
}

export interface FolderSyncDeps {
  readonly store: VectorStore;
  readonly embedder: Embedder;
  readonly collection: string;
  readonly chunkOptions: ChunkOptions;
  /** Reads documents; without it they are skipped like any binary file. */
  readonly documents?: DocumentExtractor;
  /** Rows are written without vectors; the background filler embeds them (IndexerDeps.vectors). */
  readonly deferVectors: boolean;
  /** Whether a next cache is kept (FolderRunDeps.cacheDir). */
  readonly keepsCache: boolean;
  /** The cache this run diffs against, if one agreed with Milvus. */
  readonly cache: IndexCache | undefined;
  /** What the collection holds, by path (from the cache or Milvus). */
  readonly indexed: ReadonlyMap<string, IndexedFile | CachedFile>;
  readonly counters: Counters;
  readonly progress: ProgressTracker;
  readonly skipped: SkippedFile[];
  readonly signal: AbortSignal;
}

export class FolderSync {
  /** The paths still in the folder (the rest of `indexed` is deleted afterwards). */
  readonly present = new Set<string>();
  /** What the next run's cache says about each file: its state as of this run. */
  readonly nextCache = new Map<string, CachedFile>();
  private readonly batcher: WriteBatcher;
  private next = 0;
  private failure: { error: unknown } | undefined;

  constructor(private readonly deps: FolderSyncDeps) {
    this.batcher = this.createBatcher();
  }

  /** Writes every changed file; throws the first failure once all writes have settled. */
  async run(files: readonly FoundFile[]): Promise<void> {
    // Workers never reject, so none is left running when this returns or throws.
    await Promise.all(Array.from({ length: FILE_CONCURRENCY }, () => this.worker(files)));
    if (!this.failure) {
      await this.batcher.drain().catch((error: unknown) => {
        this.failure ??= { error };
      });
    }
    // Rounds already running end on their own (a cancel aborts them): nothing writes after we return.
    await this.batcher.settle();
    if (this.failure) {
      throw this.failure.error;
    }
  }

  private createBatcher(): WriteBatcher {
    const { counters: c, progress } = this.deps;
    return new WriteBatcher({
      store: this.deps.store,
      embedder: this.deps.embedder,
      collection: this.deps.collection,
      deferVectors: this.deps.deferVectors,
      signal: this.deps.signal,
      onWritten: (jobs, embedded) => {
        c.chunksEmbedded += embedded;
        for (const job of jobs) {
          c.filesIndexed++;
          c.chunksWritten += job.toWrite.length + job.moved.length;
          c.chunksDeleted += job.staleIds.length;
          progress.chunksDone += job.toWrite.length + job.moved.length;
          // A changed file counts as done once its rows are durable, so the ETA covers the writes.
          progress.filesDone++;
          progress.bytesDone += job.bytes;
        }
        progress.emit();
      },
      onPhase: (phase) => {
        progress.phase = phase;
        progress.emit();
      },
    });
  }

  private async worker(files: readonly FoundFile[]): Promise<void> {
    try {
      while (this.next < files.length && !this.deps.signal.aborted && !this.failure) {
        await this.syncFile(files[this.next++]);
      }
    } catch (error) {
      this.failure ??= { error };
    }
  }

  private async syncFile(file: FoundFile): Promise<void> {
    const { counters: c, cache } = this.deps;
    // Discovery took size and mtime before any read: a file changed after that has a newer mtime than the one cached.
    const known = this.deps.indexed.get(file.relPath);
    if (cache && known && 'size' in known && IndexCache.unchanged(known, file, cache.readAt)) {
      this.present.add(file.relPath);
      this.nextCache.set(file.relPath, known);
      c.bytes += file.size;
      c.filesUnchanged++;
      this.done(file);
      return;
    }
    const prepared = await prepareFile(file.absPath, file.relPath, this.deps.chunkOptions, {
      documents: this.deps.documents,
      indexedHash: known?.fileHash || undefined,
      signal: this.deps.signal,
    });
    if (prepared.kind !== 'rows') {
      this.notRead(file, prepared, known);
      return;
    }
    this.present.add(file.relPath);
    c.bytes += prepared.bytes;
    this.remember(file, prepared);
    if (known && known.fileHash === prepared.fileHash && sameIds(known.ids, prepared.rows)) {
      c.filesUnchanged++;
      this.done(file);
      return;
    }
    await this.writeChanges(file, prepared, known);
  }

  /**
   * A file not read: skipped with its reason, or a document whose bytes are those indexed (not
   * extracted, or uploaded, again). A document that could not be read this time keeps its rows, and
   * without a cache entry the next run tries it again.
   */
  private notRead(file: FoundFile, prepared: SkippedPrepare | UnchangedPrepare, known: IndexedFile | CachedFile | undefined): void {
    if (prepared.kind === 'skipped') {
      this.deps.skipped.push({ path: file.relPath, reason: prepared.reason, ...(prepared.detail ? { detail: prepared.detail } : {}) });
      if (prepared.keep && known) {
        this.present.add(file.relPath);
      }
    } else {
      this.present.add(file.relPath);
      this.deps.counters.bytes += prepared.bytes;
      this.deps.counters.filesUnchanged++;
      if (this.deps.keepsCache && known) {
        this.nextCache.set(file.relPath, { path: file.relPath, fileHash: prepared.fileHash, ids: known.ids, totalChunks: known.ids.length, size: file.size, mtimeMs: file.mtimeMs });
      }
    }
    this.done(file);
  }

  /** Changed (or partly written): its stored rows, with their placements, are the diff's other side. */
  private async writeChanges(file: FoundFile, prepared: PreparedFile, known: IndexedFile | CachedFile | undefined): Promise<void> {
    const stored = known ? await this.deps.store.queryByPath(this.deps.collection, file.relPath, this.deps.signal) : [];
    const diff = diffRows(prepared.rows, stored);
    if (diff.toWrite.length === 0 && diff.moved.length === 0 && diff.staleIds.length === 0) {
      this.deps.counters.filesUnchanged++;
      this.done(file);
      return;
    }
    this.deps.progress.emit(file.relPath);
    await this.batcher.add({ relPath: file.relPath, bytes: file.size, ...diff });
  }

  private remember(file: FoundFile, prepared: PreparedFile): void {
    if (this.deps.keepsCache) {
      this.nextCache.set(file.relPath, {
        path: file.relPath,
        fileHash: prepared.fileHash,
        ids: prepared.rows.map((r) => r.id),
        totalChunks: prepared.rows.length,
        size: file.size,
        mtimeMs: file.mtimeMs,
      });
    }
  }

  private done(file: FoundFile): void {
    const { progress } = this.deps;
    progress.filesDone++;
    progress.bytesDone += file.size;
    progress.emit(file.relPath);
  }
}

function sameIds(stored: readonly string[], rows: readonly PendingRow[]): boolean {
  if (stored.length !== rows.length) {
    return false;
  }
  const ids = new Set(stored);
  return rows.every((r) => ids.has(r.id));
}
