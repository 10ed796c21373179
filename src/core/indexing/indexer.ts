import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { IndexConfig } from '../config';
import type { Embedder } from '../embedding/embedder';
import { StoreError, throwIfAborted } from '../errors';
import type { Logger } from '../logger';
import { KeyedQueue } from '../keyedQueue';
import { readCheckedFile } from '../fs/safeRead';
import { isSecretFile } from '../secrets';
import type { VectorStore } from '../store/types';
import type { ChunkOptions } from './chunker';
import { collectionNameFor, isValidCollectionName } from './collectionName';
import type { IndexProgress, IndexSummary, SkipReason } from './events';
import { isDocumentPath } from '../documents/formats';
import type { DocumentExtractor } from '../documents/types';
import { type PreparedFile, prepareAny, prepareBytes, type SkippedPrepare } from './fileRows';
import { maxBytesFor } from './pathFilter';
import { skipReasonOf } from './sniff';
import { runFolderIndex } from './folderRun';
import { newGeneration } from './indexCache';
import { diffRows } from './rowDiff';
import { WriteBatcher } from './writeBatcher';

export interface IndexerDeps {
  readonly store: VectorStore;
  readonly embedder: Embedder;
  readonly config: IndexConfig;
  readonly logger?: Logger;
  /** Chunk sizes; the defaults are the product's. */
  readonly chunkOptions?: ChunkOptions;
  /** A folder for the per-collection index cache (indexCache.ts); without it every folder run reads all ids from Milvus. */
  readonly cacheDir?: string;
  /**
   * 'inline': new chunks are embedded before they are written. 'background': they are written with
   * their BM25 text only (keyword search works at once) and fillVectors (vectorFiller.ts) embeds
   * them afterwards.
   */
  readonly vectors?: 'inline' | 'background';
  /** Reads documents (PDF, Office, EPUB); without it they are skipped as binary files. */
  readonly documents?: DocumentExtractor;
}

export interface IndexFolderOptions {
  /** Default: collectionNameFor(root). */
  readonly collection?: string;
  /** Report what would be indexed (files, bytes, estimated chunks and tokens); write nothing. */
  readonly dryRun?: boolean;
  readonly onProgress?: (p: IndexProgress) => void;
}

export interface IndexFileResult {
  /** Path as stored: relative to the root, or the basename for a file outside it. */
  readonly path: string;
  readonly chunks: number;
  /** Chunks sent to the embedder (new or changed chunks only). */
  readonly embedded: number;
  readonly skipped?: SkipReason;
  /** Why, in words, when there is more to say than the reason (a document that could not be read). */
  readonly detail?: string;
}

/**
 * Keeps Milvus collections in step with folders and files. Milvus is the record of what is indexed:
 * each run diffs chunk ids computed from the files against the ids stored (a folder run may take
 * them from a local cache that agrees with Milvus), and a changed file against its rows' placements.
 * Runs on one collection are serialized within this Indexer.
 */
export class Indexer {
  /** One writer per collection: runs queue behind each other, whatever their outcome. */
  private readonly writers = new KeyedQueue();

  constructor(private readonly deps: IndexerDeps) {}

  indexFolder(root: string, options: IndexFolderOptions = {}, signal?: AbortSignal): Promise<IndexSummary> {
    const rootAbs = path.resolve(root);
    const collection = options.collection ?? collectionNameFor(rootAbs);
    assertName(collection);
    return this.writers.run(collection, () =>
      runFolderIndex(
        { ...this.deps, chunkOptions: this.deps.chunkOptions ?? {} },
        { root: rootAbs, collection, dryRun: options.dryRun ?? false, onProgress: options.onProgress },
        signal,
      ),
    );
  }

  /**
   * Indexes (or re-indexes) one file, e.g. "Add File to Collection" or a file-watcher update.
   * Creates the collection if missing. Only chunks whose ids are new are embedded. A file that is
   * a secret, binary, too large or empty is not indexed, and rows it had are removed.
   */
  indexFile(absPath: string, collection: string, root: string, signal?: AbortSignal): Promise<IndexFileResult> {
    assertName(collection);
    const file = path.resolve(absPath);
    const relPath = storedPath(file, root);
    return this.writers.run(collection, async () => {
      throwIfAborted(signal);
      const skip = async (reason: SkipReason, detail?: string): Promise<IndexFileResult> => {
        if (await this.deps.store.hasCollection(collection, signal)) {
          await this.deps.store.deleteByPath(collection, relPath, signal);
          await this.changed(collection, signal);
        }
        return { path: relPath, chunks: 0, embedded: 0, skipped: reason, ...(detail ? { detail } : {}) };
      };
      if (isSecretFile(relPath) || isSecretFile(file)) {
        return skip('secret');
      }
      let bytes: Uint8Array;
      try {
        // Judged by its real target (a link named notes.txt may point at .env), then read from
        // the one descriptor that was verified to be that target.
        const real = await fs.realpath(file);
        if (isSecretFile(real) || isSecretFile(storedPath(real, root ? await fs.realpath(root) : root))) {
          // Not awaited on purpose: a store error inside skip() is not a read error for the catch below.
          // eslint-disable-next-line @typescript-eslint/return-await
          return skip('secret');
        }
        ({ bytes } = await readCheckedFile(real, { maxBytes: maxBytesFor(relPath, this.deps.config), signal }));
      } catch (err) {
        return skip(skipReasonOf(err));
      }
      const prepared = await this.prepare(bytes, relPath, collection, signal);
      if (prepared.kind !== 'rows') {
        // A document not read this time (timeout, Kimi unreachable) keeps the rows it has.
        return prepared.kind === 'unchanged' || prepared.keep ? keptResult(relPath, prepared) : skip(prepared.reason, prepared.detail);
      }
      const { store, embedder } = this.deps;
      const description = root ? `Workspace index of ${path.basename(path.resolve(root))}` : 'Files added to Kimi Milvus Chat';
      await store.ensureCollection(collection, { embedding: embedder.spec, description, metadata: root ? { root: path.resolve(root) } : {} }, signal);
      const diff = diffRows(prepared.rows, await store.queryByPath(collection, relPath, signal));
      let embedded = 0;
      const batcher = new WriteBatcher({
        store,
        embedder,
        collection,
        deferVectors: this.deps.vectors === 'background',
        signal: signal ?? new AbortController().signal,
        onWritten: (_jobs, n) => {
          embedded += n;
        },
      });
      await batcher.add({ relPath, bytes: bytes.length, ...diff });
      await batcher.drain();
      if (diff.toWrite.length + diff.moved.length + diff.staleIds.length > 0) {
        await this.changed(collection, signal);
      }
      return { path: relPath, chunks: prepared.rows.length, embedded };
    });
  }

  /** Removes every row of a file from a collection; returns how many there were. */
  removeFile(absPath: string, collection: string, root: string, signal?: AbortSignal): Promise<number> {
    assertName(collection);
    const relPath = storedPath(path.resolve(absPath), root);
    return this.writers.run(collection, async () => {
      throwIfAborted(signal);
      if (!(await this.deps.store.hasCollection(collection, signal))) {
        return 0;
      }
      const rows = await this.deps.store.queryByPath(collection, relPath, signal);
      if (rows.length > 0) {
        await this.deps.store.deleteByPath(collection, relPath, signal);
        await this.changed(collection, signal);
      }
      return rows.length;
    });
  }

  /**
   * A file's rows. A document is first compared with what the collection holds: the same bytes are
   * not extracted again (with Kimi that would be another upload).
   */
  private async prepare(bytes: Uint8Array, relPath: string, collection: string, signal?: AbortSignal): Promise<PreparedFile | SkippedPrepare | { kind: 'unchanged'; chunks: number }> {
    const documents = this.deps.documents;
    if (!documents || !isDocumentPath(relPath)) {
      return prepareBytes(bytes, relPath, this.deps.chunkOptions ?? {});
    }
    const stored = (await this.deps.store.hasCollection(collection, signal)) ? await this.deps.store.queryByPath(collection, relPath, signal) : [];
    const hashes = new Set(stored.map((r) => r.fileHash));
    const indexedHash = stored.length > 0 && hashes.size === 1 ? stored[0]?.fileHash : undefined;
    const prepared = await prepareAny(bytes, relPath, this.deps.chunkOptions ?? {}, { documents, indexedHash, signal });
    return prepared.kind === 'unchanged' ? { kind: 'unchanged', chunks: stored.length } : prepared;
  }

  /** Rows changed outside a folder run: every process's index cache of the collection is now stale. */
  private changed(collection: string, signal: AbortSignal | undefined): Promise<void> {
    return this.deps.store.setGeneration(collection, newGeneration(), signal);
  }

}

/** The result for a file whose rows stay as they are: an unchanged document, or one not read this time. */
function keptResult(path: string, p: SkippedPrepare | { kind: 'unchanged'; chunks: number }): IndexFileResult {
  return p.kind === 'unchanged' ? { path, chunks: p.chunks, embedded: 0 } : { path, chunks: 0, embedded: 0, skipped: p.reason, ...(p.detail ? { detail: p.detail } : {}) };
}

/** Relative to the root with forward slashes; a file outside the root (or with none) is stored by its name. */
export function storedPath(absPath: string, root: string): string {
  if (root) {
    const rel = path.relative(path.resolve(root), absPath);
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) {
      return rel.split(path.sep).join('/');
    }
  }
  return path.basename(absPath);
}

function assertName(collection: string): void {
  if (!isValidCollectionName(collection)) {
    throw new StoreError(
      `"${collection}" is not a valid collection name: use letters, digits and underscores, starting with a letter or underscore, at most 64 characters.`,
      'invalid-name',
    );
  }
}

/**
 * What indexing `root` would do, without a store or an embedder: files, bytes, estimated chunks
 * and embedding tokens, and what would be skipped. The same as `indexFolder(…, { dryRun: true })`.
 */
export function dryRunFolder(
  root: string,
  config: IndexConfig,
  options: { readonly collection?: string; readonly chunkOptions?: ChunkOptions; readonly onProgress?: (p: IndexProgress) => void } = {},
  signal?: AbortSignal,
): Promise<IndexSummary> {
  const rootAbs = path.resolve(root);
  return runFolderIndex(
    { config, chunkOptions: options.chunkOptions ?? {} },
    { root: rootAbs, collection: options.collection ?? collectionNameFor(rootAbs), dryRun: true, onProgress: options.onProgress },
    signal,
  );
}
