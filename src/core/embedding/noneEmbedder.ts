import { ConfigError } from '../errors';
import type { Embedder } from './embedder';

/** No embedding endpoint configured: collections are BM25-only and nothing is ever embedded. */
export class NoneEmbedder implements Embedder {
  readonly spec = null;

  async embed(texts: readonly string[]): Promise<number[][]> {
    if (texts.length === 0) {
      return [];
    }
    throw new ConfigError('No embedding endpoint is configured, so texts cannot be embedded (search uses BM25 only).');
  }
}
