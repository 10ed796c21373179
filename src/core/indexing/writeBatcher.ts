import type { Embedder } from '../embedding/embedder';
import type { VectorStore } from '../store/types';
import { WRITE_BATCH_CHUNKS, WRITE_ROUNDS_IN_FLIGHT } from './constants';
import { chunkInput } from '../store/searchText';
import type { RowDiff } from './rowDiff';

/** What one file needs written (see RowDiff): new rows, moved rows, gone rows. */
export interface FileJob extends RowDiff {
  readonly relPath: string;
  /** File size, for progress. */
  readonly bytes: number;
}

export interface WriteBatcherDeps {
  readonly store: VectorStore;
  readonly embedder: Embedder;
  readonly collection: string;
  readonly signal: AbortSignal;
  readonly batchChunks?: number;
  /** Write new rows without vectors (progressive hybrid: vectorFiller.ts embeds them later). */
  readonly deferVectors?: boolean;
  /** Called after a round is durable in Milvus. */
  readonly onWritten: (jobs: readonly FileJob[], embedded: number) => void;
  /** Called when a round starts embedding or writing (for progress). */
  readonly onPhase?: (phase: 'embedding' | 'writing') => void;
}

/**
 * Gathers the new chunks of many files into rounds of a few hundred, so embedding requests are
 * full (64 inputs) even when files are small, and runs at most two rounds at once (one embedding
 * while the other is written). Within a round new rows are inserted (their ids were diffed
 * against Milvus, so they are new), then moved rows get their new placement, then stale ids are
 * deleted: an interruption leaves extra rows, never missing ones, and the next run's diff
 * removes them.
 */
export class WriteBatcher {
  private pending: FileJob[] = [];
  private pendingChunks = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;
  private readonly batchChunks: number;

  constructor(private readonly deps: WriteBatcherDeps) {
    this.batchChunks = deps.batchChunks ?? WRITE_BATCH_CHUNKS;
  }

  /** Queues a file; waits (backpressure) when enough rounds are already running. */
  async add(job: FileJob): Promise<void> {
    this.rethrow();
    this.pending.push(job);
    this.pendingChunks += job.toWrite.length + job.moved.length;
    if (this.pendingChunks >= this.batchChunks) {
      await this.flush();
    }
  }

  /** Writes everything queued and waits until it is durable. */
  async drain(): Promise<void> {
    await this.flush();
    await Promise.all([...this.inFlight]);
    this.rethrow();
  }

  /** Waits for running rounds to end, whatever their outcome (after a failure or cancel). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) {
      return;
    }
    const jobs = this.pending;
    this.pending = [];
    this.pendingChunks = 0;
    while (this.inFlight.size >= WRITE_ROUNDS_IN_FLIGHT) {
      await Promise.race([...this.inFlight]);
    }
    this.rethrow();
    const round = this.round(jobs)
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => this.inFlight.delete(round));
    this.inFlight.add(round);
  }

  private async round(jobs: readonly FileJob[]): Promise<void> {
    const { store, embedder, collection, signal } = this.deps;
    const rows = jobs.flatMap((j) => j.toWrite);
    let embedded = 0;
    if (rows.length > 0) {
      if (embedder.spec && !this.deps.deferVectors) {
        this.deps.onPhase?.('embedding');
        const vectors = await embedder.embed(
          rows.map((r) => chunkInput(r.path, r.text, r.section)),
          signal,
        );
        embedded = rows.length;
        this.deps.onPhase?.('writing');
        await store.insert(collection, rows.map((r, i) => ({ ...r, vector: vectors[i] })), signal);
      } else {
        this.deps.onPhase?.('writing');
        await store.insert(collection, rows, signal);
      }
    }
    const moved = jobs.flatMap((j) => j.moved);
    if (moved.length > 0) {
      this.deps.onPhase?.('writing');
      await store.updatePlacements(collection, moved, signal);
    }
    const stale = jobs.flatMap((j) => j.staleIds);
    if (stale.length > 0) {
      await store.deleteByIds(collection, stale, signal);
    }
    this.deps.onWritten(jobs, embedded);
  }

  private rethrow(): void {
    if (this.failure) {
      throw this.failure.error;
    }
  }
}
