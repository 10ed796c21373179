import type { Embedder } from '../embedding/embedder';
import { throwIfAborted } from '../errors';
import { chunkInput } from '../store/searchText';
import type { ChunkRow, VectorCounts, VectorStore } from '../store/types';
import { EmbeddingMeter, type EmbeddingProgress } from './embeddingProgress';

/** Rows embedded per round: one full embedding request's worth, a few, so a cancel lands quickly. */
export const FILL_BATCH = 64;
/** Files asked for first in one query at most (a Milvus expression stays short). */
export const MAX_PRIORITY_PATHS = 50;

export interface VectorFillerDeps {
  readonly store: VectorStore;
  readonly embedder: Embedder;
  readonly collection: string;
  readonly batch?: number;
  /** After each round is written: how many rows have vectors now (for "62% semantic"). */
  readonly onProgress?: (counts: VectorCounts) => void;
  /** The embedding phase: chunks with vectors / total, tokens/s, time left, retries (embeddingProgress.ts). */
  readonly onEmbedding?: (progress: EmbeddingProgress) => void;
  /** Before each round (e.g. yield to the event loop or wait for a foreground index run): low priority. */
  readonly beforeRound?: (signal: AbortSignal) => Promise<void>;
  /**
   * Files (stored paths) whose rows are embedded first, asked again each round: the files a user
   * has open or just edited, so search over them turns semantic first.
   */
  readonly priority?: () => readonly string[];
}

/**
 * Progressive hybrid: rows are written with their BM25 text first (keyword search works at once),
 * and this fills in their vectors afterwards. It asks Milvus for rows without a vector, embeds
 * them, writes the vectors by partial update, and repeats until none is left. Nothing is kept in
 * memory between rounds, so it resumes after a cancel or a restart from what Milvus says is
 * missing; a row that already has its vector (an unchanged or only moved chunk) is never asked
 * for again, so it is never embedded twice.
 *
 * The embedder is the slow part and is kept busy: the next round's rows are read while this
 * round is embedded, and a round's vectors are written while the next round is embedded (rows
 * in flight are left out of the next read).
 */
export async function fillVectors(deps: VectorFillerDeps, signal: AbortSignal): Promise<{ embedded: number; counts: VectorCounts }> {
  const { store, embedder, collection } = deps;
  const batch = Math.max(1, deps.batch ?? FILL_BATCH);
  let embedded = 0;
  if (embedder.spec) {
    const meter = new EmbeddingMeter(await store.vectorCounts(collection, signal), deps.onEmbedding);
    let failure: { error: unknown } | undefined;
    let writing: Promise<void> = Promise.resolve();
    let writingIds: string[] = [];
    try {
      let rows = await nextRows(deps, batch, [], signal);
      while (rows.length > 0) {
        throwIfAborted(signal);
        await deps.beforeRound?.(signal);
        const next = nextRows(deps, batch, [...writingIds, ...rows.map((r) => r.id)], signal);
        next.catch(() => undefined);
        const vectors = await embedder.embed(rows.map((r) => chunkInput(r.path, r.text, r.section)), signal, meter);
        await writing;
        if (failure) {
          throw failure.error;
        }
        throwIfAborted(signal);
        const given = rows.map((r, i) => ({ id: r.id, vector: vectors[i] }));
        writingIds = given.map((g) => g.id);
        writing = writeVectors(deps, given, signal)
          .then(async () => {
            embedded += given.length;
            const counts = await store.vectorCounts(collection, signal);
            meter.update(counts);
            deps.onProgress?.(counts);
          })
          .catch((error: unknown) => {
            failure ??= { error };
          });
        rows = await next;
      }
      await writing;
      if (failure) {
        throw failure.error;
      }
    } finally {
      // Nothing writes after this returns or throws.
      await writing;
    }
  }
  return { embedded, counts: await store.vectorCounts(collection, signal) };
}

/** The next rows to embed: those of the priority files first, then any. */
async function nextRows(deps: VectorFillerDeps, limit: number, excludeIds: readonly string[], signal: AbortSignal): Promise<ChunkRow[]> {
  const paths = deps.priority?.().slice(0, MAX_PRIORITY_PATHS) ?? [];
  if (paths.length > 0) {
    const first = await deps.store.rowsWithoutVectors(deps.collection, { limit, paths, excludeIds }, signal);
    if (first.length > 0) {
      return first;
    }
  }
  return deps.store.rowsWithoutVectors(deps.collection, { limit, excludeIds }, signal);
}

async function writeVectors(deps: VectorFillerDeps, given: ReadonlyArray<{ id: string; vector: number[] }>, signal: AbortSignal): Promise<void> {
  try {
    await deps.store.setVectors(deps.collection, given, signal);
  } catch (err) {
    // An index run may have deleted a row meanwhile: Milvus refuses the whole partial update
    // (verified: no row is made up). Write the vectors of the rows still waiting, once.
    throwIfAborted(signal);
    const ids = given.map((g) => g.id);
    const waiting = new Set((await deps.store.rowsWithoutVectors(deps.collection, { limit: ids.length, ids }, signal)).map((r) => r.id));
    const still = given.filter((g) => waiting.has(g.id));
    if (still.length === given.length) {
      throw err;
    }
    await deps.store.setVectors(deps.collection, still, signal);
  }
}
