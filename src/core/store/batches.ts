/** Splits rows into upsert batches that stay far below gRPC/Milvus message limits (64 MB). */
import { StoreError } from '../errors';
import { LIMITS } from './schema';
import type { ChunkRow, EmbeddingSpec } from './types';

export const MAX_BATCH_ROWS = 1000;
/** Estimated bytes per batch; Milvus' own limit is 64 MB per insert RPC. */
export const MAX_BATCH_BYTES = 8 * 1024 * 1024;

function rowBytes(row: ChunkRow): number {
  const text = Buffer.byteLength(row.text);
  const path = Buffer.byteLength(row.path);
  const section = Buffer.byteLength(row.section ?? '');
  // The store also sends search_text: path + section + text with identifier parts appended (under 3x, capped).
  const searchText = Math.min(LIMITS.searchText, 3 * (text + path + section));
  return text + path + section + searchText + 256 + (row.vector?.length ?? 0) * 4;
}

/** Throws a clear StoreError for rows Milvus would reject or that do not fit the collection. */
export function validateRow(row: ChunkRow, embedding: EmbeddingSpec | null, collection: string): void {
  const where = `${row.path}#${row.chunkIndex}`;
  if (!row.id || row.id.length > LIMITS.id) {
    throw new StoreError(`Row ${where} has an empty or too long id.`, 'unknown');
  }
  if (Buffer.byteLength(row.text) > LIMITS.text) {
    throw new StoreError(`Chunk ${where} is ${Buffer.byteLength(row.text)} bytes; Milvus stores at most ${LIMITS.text}.`, 'unknown');
  }
  if (Buffer.byteLength(row.path) > LIMITS.path) {
    throw new StoreError(`Path ${row.path.slice(0, 80)}… is longer than ${LIMITS.path} bytes.`, 'unknown');
  }
  if (embedding) {
    // No vector is fine: the row is searchable by BM25 until the background filler gives it one.
    if (row.vector && row.vector.length !== embedding.dimensions) {
      throw new StoreError(
        `Chunk ${where} has a ${row.vector.length}-dimension vector, but collection ` +
          `"${collection}" stores ${embedding.dimensions}-dimension vectors of ${embedding.model}.`,
        'schema-mismatch',
      );
    }
  }
}

export function* batches(rows: readonly ChunkRow[]): Generator<ChunkRow[]> {
  let batch: ChunkRow[] = [];
  let bytes = 0;
  for (const row of rows) {
    const size = rowBytes(row);
    if (batch.length > 0 && (batch.length >= MAX_BATCH_ROWS || bytes + size > MAX_BATCH_BYTES)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(row);
    bytes += size;
  }
  if (batch.length > 0) {
    yield batch;
  }
}
