import * as path from 'node:path';
import type { IndexConfig } from '../config';
import { LocalExtractor } from '../documents/localExtractor';
import type { DocumentExtractor } from '../documents/types';
import type { Embedder } from '../embedding/embedder';
import { isAbortError } from '../errors';
import { type Logger, nullLogger } from '../logger';
import type { CollectionInfo, IndexedFile, VectorStore } from '../store/types';
import type { ChunkOptions } from './chunker';
import { CHARS_PER_TOKEN, FILE_CONCURRENCY } from './constants';
import { discoverFiles } from './discover';
import type { IndexProgress, IndexSummary, SkippedFile } from './events';
import { type PendingRow, prepareFile } from './fileRows';
import { type CachedFile, IndexCache, newGeneration } from './indexCache';
import { ProgressTracker } from './progress';
import { diffRows } from './rowDiff';
import { WriteBatcher } from './writeBatcher';

export interface FolderRunDeps {
  /** Not needed for a dry run, which only reads the folder. */
  readonly store?: VectorStore;
  readonly embedder?: Embedder;
  readonly config: IndexConfig;
  readonly chunkOptions: ChunkOptions;
  readonly logger?: Logger;
  /** Where the per-file index cache lives (indexCache.ts); without one, every run reads the collection's ids. */
  readonly cacheDir?: string;
  /** 'background': write rows without vectors; fillVectors embeds them later (IndexerDeps.vectors). */
  readonly vectors?: 'inline' | 'background';
  /** Reads documents (PDF, Office, EPUB) when the config includes them; without it they are skipped. */
  readonly documents?: DocumentExtractor;
}

export interface FolderRunOptions {
  readonly root: string;
  readonly collection: string;
  readonly dryRun: boolean;
  readonly onProgress?: (p: IndexProgress) => void;
}

interface Counters {
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

/**
 * One run of "index this folder": discover, diff against what Milvus holds (the record of what is
 * indexed; a local cache stands in for the full read only while it agrees with Milvus, see
 * indexCache.ts), write what changed, delete what is gone. A cancel returns a summary with
 * `cancelled: true` after in-flight writes have settled; whatever was written is consistent and
 * the next run continues from it.
 */
export async function runFolderIndex(deps: FolderRunDeps, options: FolderRunOptions, signal?: AbortSignal): Promise<IndexSummary> {
  const started = Date.now();
  const logger = deps.logger ?? nullLogger;
  const progress = new ProgressTracker(options.onProgress);
  const skipped: SkippedFile[] = [];
  const c: Counters = {
    filesIndexed: 0, filesUnchanged: 0, filesDeleted: 0, chunksWritten: 0, chunksDeleted: 0, chunksEmbedded: 0, bytes: 0,
    estimatedChunks: 0, estimatedTokens: 0,
  };
  const summary = (cancelled: boolean): IndexSummary => ({
    collection: options.collection,
    root: options.root,
    dryRun: options.dryRun,
    filesTotal: progress.filesTotal,
    filesIndexed: c.filesIndexed,
    filesUnchanged: c.filesUnchanged,
    filesDeleted: c.filesDeleted,
    chunksWritten: c.chunksWritten,
    chunksDeleted: c.chunksDeleted,
    chunksEmbedded: c.chunksEmbedded,
    bytes: c.bytes,
    ...(options.dryRun ? { estimatedChunks: c.estimatedChunks, estimatedTokens: c.estimatedTokens } : {}),
    skipped,
    durationMs: Date.now() - started,
    cancelled,
    ...(diffedAgainst ? { diffedAgainst } : {}),
  });
  let diffedAgainst: 'cache' | 'milvus' | undefined;

  // Paths only (no contents): enough for a total and an ETA, small even for huge trees.
  const files: Array<{ absPath: string; relPath: string; size: number; mtimeMs: number }> = [];
  // Set once the collection is open: discovery then skips the head read of files the cache vouches for.
  let cache: IndexCache | undefined;
  let info: CollectionInfo | undefined;
  const open = async (store: VectorStore, embedder: Embedder): Promise<CollectionInfo> => {
    info = await openCollection(store, embedder, options, signal);
    cache = deps.cacheDir ? await IndexCache.load(deps.cacheDir, options.collection, info.generation ?? '', info.rowCount) : undefined;
    return info;
  };
  const walk = discoverFiles(options.root, deps.config, signal, {
    known: (relPath, stat) => {
      const cached = cache?.files.get(relPath);
      return !!cache && IndexCache.unchanged(cached, stat, cache.readAt);
    },
  });
  try {
    for await (const entry of walk) {
      if (!info && !options.dryRun && deps.store && deps.embedder) {
        // After the first entry (so the folder exists and is readable), before the rest of the walk.
        await open(deps.store, deps.embedder);
      }
      if (entry.kind === 'file') {
        files.push(entry);
        progress.filesTotal = files.length;
        progress.bytesTotal += entry.size;
        if (files.length % 500 === 0) {
          progress.emit(entry.relPath);
        }
      } else {
        skipped.push({ path: entry.relPath, reason: entry.reason });
      }
    }
  } catch (err) {
    if (isAbortError(err)) {
      return summary(true);
    }
    throw err;
  }
  progress.emit();
  if (options.dryRun) {
    // Documents are estimated from a local read: a dry run never uploads anything.
    await estimate(files, deps.chunkOptions, c, skipped, deps.documents ? new LocalExtractor() : undefined, signal);
    return summary(signal?.aborted ?? false);
  }
  if (!deps.store || !deps.embedder) {
    throw new Error('A store and an embedder are needed to index (only a dry run works without them).');
  }
  const { store, embedder } = deps;

  progress.phase = 'diffing';
  progress.emit();
  try {
    const opened = info ?? (await open(store, embedder));
    diffedAgainst = cache ? 'cache' : 'milvus';
    const indexed = new Map<string, IndexedFile | CachedFile>(
      cache ? cache.files : (await store.listIndexedFiles(options.collection, signal)).map((f) => [f.path, f]),
    );
    // What the next run's cache says about each file: its state as of this run.
    const nextCache = new Map<string, CachedFile>();
    // Every size and mtime was taken during discovery, after `started`: a file modified close to that is racy.
    const readAt = started;
    progress.startClock();
    progress.phase = 'chunking';
    progress.emit();
    const runSignal = signal ?? new AbortController().signal;
    const batcher = new WriteBatcher({
      store,
      embedder,
      collection: options.collection,
      deferVectors: deps.vectors === 'background',
      signal: runSignal,
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
    const present = new Set<string>();
    let next = 0;
    let failure: { error: unknown } | undefined;
    const worker = async (): Promise<void> => {
      try {
        while (next < files.length && !runSignal.aborted && !failure) {
          const file = files[next++];
          const done = (): void => {
            progress.filesDone++;
            progress.bytesDone += file.size;
            progress.emit(file.relPath);
          };
          // Discovery took size and mtime before any read: a file changed after that has a newer mtime than the one cached.
          const known = indexed.get(file.relPath);
          if (cache && known && 'size' in known && IndexCache.unchanged(known, file, cache.readAt)) {
            present.add(file.relPath);
            nextCache.set(file.relPath, known);
            c.bytes += file.size;
            c.filesUnchanged++;
            done();
            continue;
          }
          const prepared = await prepareFile(file.absPath, file.relPath, deps.chunkOptions, {
            documents: deps.documents,
            indexedHash: known?.fileHash || undefined,
            signal: runSignal,
          });
          if (prepared.kind === 'skipped') {
            skipped.push({ path: file.relPath, reason: prepared.reason, ...(prepared.detail ? { detail: prepared.detail } : {}) });
            if (prepared.keep && known) {
              // A document that could not be read this time keeps its rows; without a cache entry, the next run tries again.
              present.add(file.relPath);
            }
            done();
            continue;
          }
          if (prepared.kind === 'unchanged') {
            // A document whose bytes are those indexed: not extracted (or uploaded) again.
            present.add(file.relPath);
            c.bytes += prepared.bytes;
            c.filesUnchanged++;
            if (deps.cacheDir && known) {
              nextCache.set(file.relPath, { path: file.relPath, fileHash: prepared.fileHash, ids: known.ids, totalChunks: known.ids.length, size: file.size, mtimeMs: file.mtimeMs });
            }
            done();
            continue;
          }
          present.add(file.relPath);
          c.bytes += prepared.bytes;
          if (deps.cacheDir) {
            nextCache.set(file.relPath, {
              path: file.relPath,
              fileHash: prepared.fileHash,
              ids: prepared.rows.map((r) => r.id),
              totalChunks: prepared.rows.length,
              size: file.size,
              mtimeMs: file.mtimeMs,
            });
          }
          if (known && known.fileHash === prepared.fileHash && sameIds(known.ids, prepared.rows)) {
            c.filesUnchanged++;
            done();
            continue;
          }
          // Changed (or partly written): its stored rows, with their placements, are the diff's other side.
          const stored = known ? await store.queryByPath(options.collection, file.relPath, runSignal) : [];
          const diff = diffRows(prepared.rows, stored);
          if (diff.toWrite.length === 0 && diff.moved.length === 0 && diff.staleIds.length === 0) {
            c.filesUnchanged++;
            done();
            continue;
          }
          progress.emit(file.relPath);
          await batcher.add({ relPath: file.relPath, bytes: file.size, ...diff });
        }
      } catch (error) {
        failure ??= { error };
      }
    };
    // Workers never reject, so none is left running when this returns or throws.
    await Promise.all(Array.from({ length: FILE_CONCURRENCY }, worker));
    if (!failure) {
      await batcher.drain().catch((error: unknown) => {
        failure ??= { error };
      });
    }
    // Rounds already running end on their own (a cancel aborts them): nothing writes after we return.
    await batcher.settle();
    if (failure) {
      throw failure.error;
    }
    if (signal?.aborted) {
      return summary(true);
    }
    progress.phase = 'deleting';
    progress.emit();
    for (const [relPath, file] of indexed) {
      if (!present.has(relPath)) {
        await store.deleteByPath(options.collection, relPath, signal);
        c.filesDeleted++;
        c.chunksDeleted += file.ids.length;
      }
    }
    if (deps.cacheDir) {
      await saveCache(store, deps.cacheDir, options.collection, opened.generation ?? '', c, readAt, nextCache.values(), signal);
    }
  } catch (err) {
    if (isAbortError(err) || signal?.aborted) {
      logger.info(`Indexing of ${options.root} cancelled`);
      return summary(true);
    }
    throw err;
  }
  progress.phase = 'done';
  progress.emit();
  return summary(false);
}

function openCollection(store: VectorStore, embedder: Embedder, options: FolderRunOptions, signal: AbortSignal | undefined): Promise<CollectionInfo> {
  const description = `Workspace index of ${path.basename(options.root) || options.root}`;
  return store.ensureCollection(options.collection, { embedding: embedder.spec, description, metadata: { root: options.root } }, signal);
}

/** A new generation when this run wrote anything, so every other cache of the collection becomes stale; then this run's cache. */
async function saveCache(
  store: VectorStore,
  dir: string,
  collection: string,
  generation: string,
  c: Counters,
  readAt: number,
  files: Iterable<CachedFile>,
  signal: AbortSignal | undefined,
): Promise<void> {
  let current = generation;
  if (!current || c.chunksWritten + c.chunksDeleted + c.filesDeleted > 0) {
    current = newGeneration();
    await store.setGeneration(collection, current, signal);
  }
  await IndexCache.save(dir, collection, current, readAt, files);
}

function sameIds(stored: readonly string[], rows: readonly PendingRow[]): boolean {
  if (stored.length !== rows.length) {
    return false;
  }
  const ids = new Set(stored);
  return rows.every((r) => ids.has(r.id));
}

/** Dry run: read and chunk every file (nothing is embedded or written) to count chunks and tokens. */
async function estimate(
  files: ReadonlyArray<{ absPath: string; relPath: string }>,
  options: ChunkOptions,
  c: Counters,
  skipped: SkippedFile[],
  documents: DocumentExtractor | undefined,
  signal: AbortSignal | undefined,
): Promise<void> {
  for (const file of files) {
    if (signal?.aborted) {
      return;
    }
    const prepared = await prepareFile(file.absPath, file.relPath, options, { documents, signal });
    if (prepared.kind !== 'rows') {
      if (prepared.kind === 'skipped') {
        skipped.push({ path: file.relPath, reason: prepared.reason, ...(prepared.detail ? { detail: prepared.detail } : {}) });
      }
      continue;
    }
    c.filesIndexed++;
    c.bytes += prepared.bytes;
    c.estimatedChunks += prepared.rows.length;
    c.estimatedTokens += Math.ceil(prepared.rows.reduce((n, r) => n + r.text.length, 0) / CHARS_PER_TOKEN);
  }
}
