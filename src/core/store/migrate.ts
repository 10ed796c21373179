/**
 * Changing the embedding provider or model without losing the index: the rows (text, BM25 terms,
 * placement) are copied into a new collection made for the wanted vectors, which then takes the
 * old one's name. Keyword search keeps working on the old collection while the copy runs and on
 * the new one right after; the vectors are filled in the background afterwards (vectorFiller.ts),
 * like after any index run. No file is read again and no chunk id changes, so the next index run
 * stays incremental.
 */
import { StoreError, throwIfAborted } from '../errors';
import type { EmbeddingSpec, VectorStore } from './types';

/** The copy is built under this name; one left by an interrupted migration is finished or replaced. */
export function migrationName(name: string): string {
  return `${name}__migrating`;
}

export interface MigrateOptions {
  /** Rows copied so far, of how many. */
  readonly onProgress?: (copied: number, total: number) => void;
  readonly signal?: AbortSignal;
}

/**
 * Replaces collection `name` with a copy of its rows that has `embedding`'s vectors (none yet) or
 * no vector field (`null`). Returns the number of rows copied. Cancelling before the swap leaves
 * the old collection as it was.
 */
export async function migrateVectors(store: VectorStore, name: string, embedding: EmbeddingSpec | null, options: MigrateOptions = {}): Promise<number> {
  const { signal } = options;
  const temp = migrationName(name);
  if (!(await store.hasCollection(name, signal))) {
    // Interrupted between the drop and the rename: the copy is complete, only its name is missing.
    if (await store.hasCollection(temp, signal)) {
      await store.renameCollection(temp, name, signal);
    }
    return 0;
  }
  const info = await store.describeCollection(name, signal);
  if (await store.hasCollection(temp, signal)) {
    await store.dropCollection(temp, signal);
  }
  await store.createCollection(temp, { description: info.description, embedding, metadata: info.metadata }, signal);
  let copied = 0;
  try {
    await store.readRows(
      name,
      async (rows) => {
        throwIfAborted(signal);
        // Rows are read without vectors. Upsert, not insert: a page read twice (a retried read) must not make duplicates.
        await store.upsert(temp, rows, signal);
        copied += rows.length;
        options.onProgress?.(copied, info.rowCount);
      },
      signal,
    );
    const counts = await store.vectorCounts(temp, signal);
    if (counts.total < info.rowCount) {
      throw new StoreError(`Copying "${name}" read ${counts.total} of its ${info.rowCount} rows; it was left as it was.`, 'unknown');
    }
    throwIfAborted(signal);
  } catch (err) {
    await store.dropCollection(temp).catch(() => undefined);
    throw err;
  }
  // From here on not cancellable: the swap is two quick calls, and a half-done one is finished above.
  await store.dropCollection(name);
  await store.renameCollection(temp, name);
  return copied;
}
