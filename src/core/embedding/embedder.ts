import type { EmbeddingSpec } from '../store/types';

/** The embedder port: OpenAI-compatible (openaiEmbedder.ts), local (localEmbedder.ts) or none (BM25 only). */
export interface Embedder {
  /** null for the "none" embedder: the collection is BM25-only. */
  readonly spec: EmbeddingSpec | null;
  /** One vector per input, in order. Batches, retries and bounds concurrency itself. */
  embed(texts: readonly string[], signal?: AbortSignal): Promise<number[][]>;
  /** Stops what the embedder started (the local model's process); absent when there is nothing to stop. */
  close?(): Promise<void>;
}
