import { readCheckedFile, realPathNoFollow } from '../fs/safeRead';
import type { ChunkRow } from '../store/types';
import { chunkInput } from '../store/searchText';
import { type Chunk, type ChunkOptions, chunkDocument } from './chunker';
import { decodeText, isBinary, type TextEncodingName } from './decode';
import type { SkipReason } from './events';
import { chunkIds, fileHash } from './ids';
import { skipReasonOf } from './sniff';

/** A row before it has a vector. */
export type PendingRow = Omit<ChunkRow, 'vector'>;

export interface PreparedFile {
  readonly kind: 'rows';
  readonly relPath: string;
  readonly fileHash: string;
  readonly bytes: number;
  readonly encoding: TextEncodingName;
  readonly rows: readonly PendingRow[];
}

export type PrepareResult = PreparedFile | { readonly kind: 'skipped'; readonly reason: SkipReason; readonly bytes: number };

/**
 * Reads, decodes and chunks one file into rows with stable ids (see chunkId): an id covers the
 * chunk's path and content, so a row is embedded again exactly when what is embedded changes;
 * its line range, index and file hash are metadata that can be updated without an embedding.
 */
export async function prepareFile(absPath: string, relPath: string, options: ChunkOptions): Promise<PrepareResult> {
  let bytes: Uint8Array;
  try {
    // No size cap here: discovery already applied it; the read only refuses a swapped-in link or non-file.
    ({ bytes } = await readCheckedFile(await realPathNoFollow(absPath), { maxBytes: Number.MAX_SAFE_INTEGER }));
  } catch (err) {
    return { kind: 'skipped', reason: skipReasonOf(err), bytes: 0 };
  }
  return prepareBytes(bytes, relPath, options);
}

export function prepareBytes(bytes: Uint8Array, relPath: string, options: ChunkOptions): PrepareResult {
  if (isBinary(bytes)) {
    return { kind: 'skipped', reason: 'binary', bytes: bytes.length };
  }
  const decoded = decodeText(bytes);
  if (decoded === undefined) {
    return { kind: 'skipped', reason: 'undecodable', bytes: bytes.length };
  }
  const { text, encoding } = decoded;
  const chunks = chunkDocument(text, relPath, options);
  if (chunks.length === 0) {
    return { kind: 'skipped', reason: 'empty', bytes: bytes.length };
  }
  const hash = fileHash(bytes);
  return { kind: 'rows', relPath, fileHash: hash, bytes: bytes.length, encoding, rows: chunkRows(relPath, chunks, hash) };
}

/** The rows of one document's chunks, with ids from what is embedded for each (chunkInput). */
export function chunkRows(path: string, chunks: readonly Chunk[], hash: string): PendingRow[] {
  const ids = chunkIds(path, chunks.map((c) => chunkInput(path, c.content, c.section)));
  return chunks.map((c, i) => ({
    id: ids[i],
    path,
    startLine: c.startLine,
    endLine: c.endLine,
    chunkIndex: c.index,
    totalChunks: c.total,
    language: c.language,
    fileHash: hash,
    text: c.content,
    section: c.section,
  }));
}
