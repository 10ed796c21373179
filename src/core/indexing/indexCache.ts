/**
 * A local cache of what a collection holds per file (hash, size, mtime, chunk ids), so a re-index
 * does not read every id back from Milvus. Milvus stays the record: the cache is used only when it
 * was written at the collection's current generation token (which the indexer changes after each
 * write) and its row count equals Milvus' count(*); otherwise it is rebuilt from a full read of the
 * collection. A file whose size or mtime changed is still read, hashed and, if its hash changed,
 * diffed against its rows in Milvus, so the cache never decides what is written for a changed file.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { IndexedFile } from '../store/types';
import { CHUNKING_VERSION, sha256Hex } from './ids';

const FORMAT = 1;
/** A file modified this close to the run that cached it may have changed again within the same mtime. */
const RACY_MS = 2000;

export interface CachedFile extends IndexedFile {
  readonly size: number;
  readonly mtimeMs: number;
}

interface CacheFile {
  readonly format: number;
  /** A cache made by another chunking vouches for rows this version would not write. */
  readonly chunking: number;
  readonly collection: string;
  readonly generation: string;
  readonly rows: number;
  /** When the run that wrote this cache started reading files. */
  readonly readAt: number;
  /** path → [fileHash, size, mtimeMs, ids] */
  readonly files: Record<string, [string, number, number, string[]]>;
}

export function newGeneration(): string {
  return randomBytes(8).toString('hex');
}

export class IndexCache {
  private constructor(
    readonly readAt: number,
    readonly files: ReadonlyMap<string, CachedFile>,
  ) {}

  /**
   * The cache of `collection` when it agrees with Milvus (same generation, same row count);
   * undefined when missing, damaged or stale.
   */
  static async load(dir: string, collection: string, generation: string, rowCount: number): Promise<IndexCache | undefined> {
    const file = cachePath(dir, collection);
    let parsed: CacheFile;
    try {
      parsed = JSON.parse(await fs.readFile(file, 'utf8')) as CacheFile;
    } catch {
      return undefined;
    }
    if (parsed.format !== FORMAT || parsed.chunking !== CHUNKING_VERSION || parsed.collection !== collection || !generation || parsed.generation !== generation || parsed.rows !== rowCount) {
      return undefined;
    }
    const files = new Map<string, CachedFile>();
    for (const [p, [fileHash, size, mtimeMs, ids]] of Object.entries(parsed.files)) {
      files.set(p, { path: p, fileHash, size, mtimeMs, ids, totalChunks: ids.length });
    }
    return new IndexCache(parsed.readAt, files);
  }

  /** True when the file on disk is, by size and mtime, the version cached (and was not modified racily close to that run). */
  static unchanged(cached: CachedFile | undefined, stat: { size: number; mtimeMs: number }, readAt: number): boolean {
    return !!cached && cached.size === stat.size && cached.mtimeMs === stat.mtimeMs && stat.mtimeMs + RACY_MS < readAt;
  }

  static async save(dir: string, collection: string, generation: string, readAt: number, files: Iterable<CachedFile>): Promise<void> {
    const out: CacheFile['files'] = {};
    let rows = 0;
    for (const f of files) {
      out[f.path] = [f.fileHash, f.size, f.mtimeMs, [...f.ids]];
      rows += f.ids.length;
    }
    const body: CacheFile = { format: FORMAT, chunking: CHUNKING_VERSION, collection, generation, rows, readAt, files: out };
    const file = cachePath(dir, collection);
    await fs.mkdir(dir, { recursive: true });
    // Write then rename: a reader never sees half a file, and two writers leave one whole cache.
    const tmp = `${file}.${process.pid}.${newGeneration()}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(body));
    await fs.rename(tmp, file);
  }

  static async remove(dir: string, collection: string): Promise<void> {
    await fs.rm(cachePath(dir, collection), { force: true });
  }
}

function cachePath(dir: string, collection: string): string {
  return path.join(dir, `${collection}-${sha256Hex(collection).slice(0, 8)}.json`);
}
