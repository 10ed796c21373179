import type { EmbeddingSpec } from '../store/types';

/** A request that failed and is sent again: split in two (it hit a deadline) or whole after a pause. */
export interface EmbedRetry {
  /** What went wrong, as the error says it. */
  readonly reason: string;
  readonly action: 'split' | 'retry';
  /** Inputs in the request that failed. */
  readonly inputs: number;
  /** 1 for the first retry of this request. */
  readonly attempt: number;
  readonly maxRetries: number;
}

/** What one embed() call reports while it runs, for the embedding phase's progress. */
export interface EmbedObserver {
  /** After each request that returned vectors: its inputs, and the tokens the endpoint counted (estimated when it does not say). */
  onEmbedded?(inputs: number, tokens: number): void;
  onRetry?(retry: EmbedRetry): void;
}

/** The embedder port: OpenAI-compatible (openaiEmbedder.ts), local (localEmbedder.ts) or none (BM25 only). */
export interface Embedder {
  /** null for the "none" embedder: the collection is BM25-only. */
  readonly spec: EmbeddingSpec | null;
  /** One vector per input, in order. Batches, retries and bounds concurrency itself. */
  embed(texts: readonly string[], signal?: AbortSignal, observer?: EmbedObserver): Promise<number[][]>;
  /** Stops what the embedder started (the local model's process); absent when there is nothing to stop. */
  close?(): Promise<void>;
}
