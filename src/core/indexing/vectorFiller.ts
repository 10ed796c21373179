import type { Embedder } from '../embedding/embedder';
import { throwIfAborted } from '../errors';
import { chunkInput } from '../store/searchText';
import type { VectorCounts, VectorStore } from '../store/types';

/** Rows embedded per round: one full embedding request's worth, a few, so a cancel lands quickly. */
export const FILL_BATCH = 64;

export interface VectorFillerDeps {
  readonly store: VectorStore;
  readonly embedder: Embedder;
  readonly collection: string;
  readonly batch?: number;
  /** After each round is written: how many rows have vectors now (for "62% semantic"). */
  readonly onProgress?: (counts: VectorCounts) => void;
  /** Before each round (e.g. yield to the event loop or wait for a foreground index run): low priority. */
  readonly beforeRound?: (signal: AbortSignal) => Promise<void>;
}

/**
 * Progressive hybrid: rows are written with their BM25 text first (keyword search works at once),
 * and this fills in their vectors afterwards. It asks Milvus for rows without a vector, embeds
 * them, writes the vectors by partial update, and repeats until none is left. Nothing is kept in
 * memory between rounds, so it resumes after a cancel or a restart from what Milvus says is
 * missing; a row that already has its vector (an unchanged or only moved chunk) is never asked
 * for again, so it is never embedded twice.
 */
export async function fillVectors(deps: VectorFillerDeps, signal: AbortSignal): Promise<{ embedded: number; counts: VectorCounts }> {
  const { store, embedder, collection } = deps;
  const batch = Math.max(1, deps.batch ?? FILL_BATCH);
  let embedded = 0;
  if (embedder.spec) {
    for (;;) {
      throwIfAborted(signal);
      await deps.beforeRound?.(signal);
      const rows = await store.rowsWithoutVectors(collection, batch, signal);
      if (rows.length === 0) {
        break;
      }
      const vectors = await embedder.embed(rows.map((r) => chunkInput(r.path, r.text, r.section)), signal);
      const given = rows.map((r, i) => ({ id: r.id, vector: vectors[i] }));
      try {
        await store.setVectors(collection, given, signal);
      } catch (err) {
        // An index run may have deleted a row meanwhile: Milvus refuses the whole partial update
        // (verified: no row is made up). Write the vectors of the rows still waiting, once.
        throwIfAborted(signal);
        const waiting = new Set((await store.rowsWithoutVectors(collection, batch, signal)).map((r) => r.id));
        const still = given.filter((g) => waiting.has(g.id));
        if (still.length === given.length) {
          throw err;
        }
        await store.setVectors(collection, still, signal);
      }
      embedded += rows.length;
      deps.onProgress?.(await store.vectorCounts(collection, signal));
    }
  }
  return { embedded, counts: await store.vectorCounts(collection, signal) };
}
