import * as path from 'node:path';
import type { IndexConfig } from '../config';
import { LocalExtractor } from '../documents/localExtractor';
import type { DocumentExtractor } from '../documents/types';
import type { Embedder } from '../embedding/embedder';
import { isAbortError } from '../errors';
import { type Logger, nullLogger } from '../logger';
import type { CollectionInfo, IndexedFile, VectorStore } from '../store/types';
import type { ChunkOptions } from './chunker';
import { CHARS_PER_TOKEN } from './constants';
import { discoverFiles } from './discover';
import type { IndexProgress, IndexSummary, SkippedFile } from './events';
import { prepareFile } from './fileRows';
import { FolderSync, type Counters, type FoundFile } from './folderSync';
import { type CachedFile, IndexCache, newGeneration } from './indexCache';
import { ProgressTracker } from './progress';

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

/**
 * One run of "index this folder": discover, diff against what Milvus holds (the record of what is
 * indexed; a local cache stands in for the full read only while it agrees with Milvus, see
 * indexCache.ts), write what changed, delete what is gone. A cancel returns a summary with
 * `cancelled: true` after in-flight writes have settled; whatever was written is consistent and
 * the next run continues from it.
 */
export function runFolderIndex(deps: FolderRunDeps, options: FolderRunOptions, signal?: AbortSignal): Promise<IndexSummary> {
  return new FolderRun(deps, options, signal).run();
}

class FolderRun {
  private readonly started = Date.now();
  private readonly progress: ProgressTracker;
  private readonly skipped: SkippedFile[] = [];
  private readonly c: Counters = {
    filesIndexed: 0, filesUnchanged: 0, filesDeleted: 0, chunksWritten: 0, chunksDeleted: 0, chunksEmbedded: 0, bytes: 0,
    estimatedChunks: 0, estimatedTokens: 0,
  };
  private diffedAgainst: 'cache' | 'milvus' | undefined;
  // Paths only (no contents): enough for a total and an ETA, small even for huge trees.
  private readonly files: FoundFile[] = [];
  // Set once the collection is open: discovery then skips the head read of files the cache vouches for.
  private cache: IndexCache | undefined;
  private info: CollectionInfo | undefined;

  constructor(
    private readonly deps: FolderRunDeps,
    private readonly options: FolderRunOptions,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.progress = new ProgressTracker(options.onProgress);
  }

  async run(): Promise<IndexSummary> {
    if (!(await this.discover())) {
      return this.summary(true);
    }
    if (this.options.dryRun) {
      // Documents are estimated from a local read: a dry run never uploads anything.
      await estimate(this.files, this.deps.chunkOptions, this.c, this.skipped, this.deps.documents ? new LocalExtractor() : undefined, this.signal);
      return this.summary(this.signal?.aborted ?? false);
    }
    const { store, embedder } = this.deps;
    if (!store || !embedder) {
      throw new Error('A store and an embedder are needed to index (only a dry run works without them).');
    }
    try {
      if (!(await this.index(store, embedder))) {
        return this.summary(true);
      }
    } catch (err) {
      if (isAbortError(err) || this.signal?.aborted) {
        (this.deps.logger ?? nullLogger).info(`Indexing of ${this.options.root} cancelled`);
        return this.summary(true);
      }
      throw err;
    }
    this.progress.phase = 'done';
    this.progress.emit();
    return this.summary(false);
  }

  /** Lists the folder's files; the collection opens after the first entry. False when cancelled. */
  private async discover(): Promise<boolean> {
    const { deps, options, progress } = this;
    const walk = discoverFiles(options.root, deps.config, this.signal, {
      known: (relPath, stat) => {
        const cached = this.cache?.files.get(relPath);
        return !!this.cache && IndexCache.unchanged(cached, stat, this.cache.readAt);
      },
    });
    try {
      for await (const entry of walk) {
        if (!this.info && !options.dryRun && deps.store && deps.embedder) {
          // After the first entry (so the folder exists and is readable), before the rest of the walk.
          await this.open(deps.store, deps.embedder);
        }
        if (entry.kind === 'file') {
          this.files.push(entry);
          progress.filesTotal = this.files.length;
          progress.bytesTotal += entry.size;
          if (this.files.length % 500 === 0) {
            progress.emit(entry.relPath);
          }
        } else {
          this.skipped.push({ path: entry.relPath, reason: entry.reason });
        }
      }
    } catch (err) {
      if (isAbortError(err)) {
        return false;
      }
      throw err;
    }
    progress.emit();
    return true;
  }

  private async open(store: VectorStore, embedder: Embedder): Promise<CollectionInfo> {
    this.info = await openCollection(store, embedder, this.options, this.signal);
    const { cacheDir } = this.deps;
    this.cache = cacheDir ? await IndexCache.load(cacheDir, this.options.collection, this.info.generation ?? '', this.info.rowCount) : undefined;
    return this.info;
  }

  /** Diffs, writes what changed, deletes what is gone and saves the cache. False when cancelled before the deletes. */
  private async index(store: VectorStore, embedder: Embedder): Promise<boolean> {
    const { progress, options, signal } = this;
    progress.phase = 'diffing';
    progress.emit();
    const opened = this.info ?? (await this.open(store, embedder));
    this.diffedAgainst = this.cache ? 'cache' : 'milvus';
    const indexed = new Map<string, IndexedFile | CachedFile>(
      this.cache ? this.cache.files : (await store.listIndexedFiles(options.collection, signal)).map((f) => [f.path, f]),
    );
    // Every size and mtime was taken during discovery, after `started`: a file modified close to that is racy.
    const readAt = this.started;
    progress.startClock();
    progress.phase = 'chunking';
    progress.emit();
    const sync = new FolderSync({
      store,
      embedder,
      collection: options.collection,
      chunkOptions: this.deps.chunkOptions,
      documents: this.deps.documents,
      deferVectors: this.deps.vectors === 'background',
      keepsCache: !!this.deps.cacheDir,
      cache: this.cache,
      indexed,
      counters: this.c,
      progress,
      skipped: this.skipped,
      signal: signal ?? new AbortController().signal,
    });
    await sync.run(this.files);
    if (signal?.aborted) {
      return false;
    }
    await this.deleteGone(store, indexed, sync.present);
    if (this.deps.cacheDir) {
      await saveCache(store, this.deps.cacheDir, options.collection, opened.generation ?? '', this.c, readAt, sync.nextCache.values(), signal);
    }
    return true;
  }

  private async deleteGone(store: VectorStore, indexed: ReadonlyMap<string, IndexedFile | CachedFile>, present: ReadonlySet<string>): Promise<void> {
    this.progress.phase = 'deleting';
    this.progress.emit();
    for (const [relPath, file] of indexed) {
      if (!present.has(relPath)) {
        await store.deleteByPath(this.options.collection, relPath, this.signal);
        this.c.filesDeleted++;
        this.c.chunksDeleted += file.ids.length;
      }
    }
  }

  private summary(cancelled: boolean): IndexSummary {
    const { c, options } = this;
    return {
      collection: options.collection,
      root: options.root,
      dryRun: options.dryRun,
      filesTotal: this.progress.filesTotal,
      filesIndexed: c.filesIndexed,
      filesUnchanged: c.filesUnchanged,
      filesDeleted: c.filesDeleted,
      chunksWritten: c.chunksWritten,
      chunksDeleted: c.chunksDeleted,
      chunksEmbedded: c.chunksEmbedded,
      bytes: c.bytes,
      ...(options.dryRun ? { estimatedChunks: c.estimatedChunks, estimatedTokens: c.estimatedTokens } : {}),
      skipped: this.skipped,
      durationMs: Date.now() - this.started,
      cancelled,
      ...(this.diffedAgainst ? { diffedAgainst: this.diffedAgainst } : {}),
    };
  }
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
