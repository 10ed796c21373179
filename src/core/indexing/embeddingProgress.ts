import type { EmbedObserver, EmbedRetry } from '../embedding/embedder';
import type { VectorCounts } from '../store/types';

/** The embedding phase of a collection, as the CLI, the progress notification and the status bar show it. */
export interface EmbeddingProgress {
  /** Chunks that have their vector, those of earlier runs included. */
  readonly chunksDone: number;
  readonly chunksTotal: number;
  /** Tokens embedded per second in this run, once a request has finished. */
  readonly tokensPerSecond?: number;
  /** Seconds left at this run's pace, once it can be told. */
  readonly etaSeconds?: number;
  /** Requests of this run sent again: split after a deadline, or retried after an error. */
  readonly retries: number;
  /** The latest of them, with its reason. */
  readonly lastRetry?: EmbedRetry;
}

/**
 * Counts what an embedding run has done, fed by the embedder (one call per request that returned
 * vectors, one per retry) and by Milvus' own counts after each write, which are the truth when
 * another writer added or removed rows meanwhile.
 */
export class EmbeddingMeter implements EmbedObserver {
  private done: number;
  private total: number;
  private inputs = 0;
  private tokens = 0;
  private retries = 0;
  private lastRetry: EmbedRetry | undefined;
  private readonly startedAt: number;

  constructor(
    counts: VectorCounts,
    private readonly sink: ((p: EmbeddingProgress) => void) | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.done = counts.withVector;
    this.total = counts.total;
    this.startedAt = now();
  }

  onEmbedded(inputs: number, tokens: number): void {
    this.inputs += inputs;
    this.tokens += tokens;
    this.done = Math.min(this.total, this.done + inputs);
    this.emit();
  }

  onRetry(retry: EmbedRetry): void {
    this.retries++;
    this.lastRetry = retry;
    this.emit();
  }

  /** Milvus' counts after a write. */
  update(counts: VectorCounts): void {
    // Vectors still on their way to Milvus were counted by onEmbedded already; never count backwards.
    this.done = Math.max(this.done, counts.withVector);
    this.total = counts.total;
    this.done = Math.min(this.done, this.total);
    this.emit();
  }

  snapshot(): EmbeddingProgress {
    const seconds = (this.now() - this.startedAt) / 1000;
    const measured = this.inputs > 0 && seconds > 0;
    const left = Math.max(0, this.total - this.done);
    return {
      chunksDone: this.done,
      chunksTotal: this.total,
      ...(measured ? { tokensPerSecond: this.tokens / seconds, etaSeconds: Math.round((left * seconds) / this.inputs) } : {}),
      retries: this.retries,
      ...(this.lastRetry ? { lastRetry: this.lastRetry } : {}),
    };
  }

  private emit(): void {
    this.sink?.(this.snapshot());
  }
}
