import { createHash } from 'node:crypto';

/** Hex length of chunk ids: 128 bits, collision-free in practice and short in Milvus. */
const CHUNK_ID_HEX = 32;

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** sha256 (hex) of a file's bytes. */
export function fileHash(bytes: Uint8Array): string {
  return sha256Hex(bytes);
}

/**
 * A chunk's stable id. The same file content always yields the same ids, so re-indexing an
 * unchanged chunk is a no-op and a changed chunk gets a new id (and is embedded once).
 */
export function chunkId(path: string, chunkIndex: number, contentHash: string): string {
  return sha256Hex(`${path}\u0000${chunkIndex}\u0000${contentHash}`).slice(0, CHUNK_ID_HEX);
}
