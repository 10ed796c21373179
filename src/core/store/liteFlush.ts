/**
 * Milvus Lite searches rows still in its memtable by brute force in Python: ~90 µs per row
 * per query (10k rows: ~0.9 s per BM25 search, measured), while flushed segments get an
 * index (the same search then takes ~50 ms). Remote Milvus seals segments itself and
 * discourages explicit flushes, so this applies to the embedded server only:
 * - flush once writes to the collection have been idle for `idleMs`, then warm
 *   the new segment's indexes with a tiny search so the user's first question is fast;
 * - on close, flush what is still pending (bounded), so the next process starts fast too;
 * - during long bulk writes, flush every `afterRows` rows. Kept high on purpose: each flush
 *   makes later upserts slower (primary-key checks across segments); 10k 768-dim rows took
 *   7.9 s with one flush at the end but 45 s with a flush every 2,000 rows.
 */
import type { Logger } from '../logger';

export interface FlushHooks {
  /** Flush now; the caller already holds the collection's write turn. */
  readonly flushDirect: (name: string) => Promise<void>;
  /** Flush in the collection's write queue, then warm its indexes. */
  readonly flushQueued: (name: string) => Promise<void>;
}

export interface FlushPolicy {
  readonly afterRows: number;
  readonly idleMs: number;
}

export const LITE_FLUSH_POLICY: FlushPolicy = { afterRows: 50_000, idleMs: 2000 };
const CLOSE_FLUSH_TIMEOUT_MS = 30_000;

export class LiteFlusher {
  private readonly pending = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly hooks: FlushHooks,
    private readonly policy: FlushPolicy,
    private readonly logger: Logger,
  ) {}

  /** Call inside the collection's write turn, after `rows` rows were written. */
  async afterWrite(name: string, rows: number): Promise<void> {
    const total = (this.pending.get(name) ?? 0) + rows;
    this.clearTimer(name);
    if (total >= this.policy.afterRows) {
      this.pending.delete(name);
      await this.hooks.flushDirect(name);
      return;
    }
    this.pending.set(name, total);
    const timer = setTimeout(() => {
      this.timers.delete(name);
      this.flushPending(name).catch((err: unknown) => this.logger.debug(`Background flush of ${name} failed: ${String(err)}`));
    }, this.policy.idleMs);
    timer.unref();
    this.timers.set(name, timer);
  }

  forget(name: string): void {
    this.clearTimer(name);
    this.pending.delete(name);
  }

  async close(): Promise<void> {
    for (const name of [...this.timers.keys()]) {
      this.clearTimer(name);
    }
    const names = [...this.pending.keys()];
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(names.map((n) => this.flushPending(n))),
      new Promise((resolve) => {
        timer = setTimeout(resolve, CLOSE_FLUSH_TIMEOUT_MS);
      }),
    ]);
    clearTimeout(timer);
  }

  private async flushPending(name: string): Promise<void> {
    if (!this.pending.has(name)) {
      return;
    }
    this.pending.delete(name);
    await this.hooks.flushQueued(name);
  }

  private clearTimer(name: string): void {
    const t = this.timers.get(name);
    if (t) {
      clearTimeout(t);
      this.timers.delete(name);
    }
  }
}
