/** Whether an existing collection can take the rows of the current settings (see CollectionFit). */
import { embeddingMismatch, schemaMismatch } from './compat';
import type { DescribedCollection } from './schema';
import type { Bm25Text } from './searchText';
import type { CollectionFit, EmbeddingSpec } from './types';

export function collectionFit(described: DescribedCollection, wanted: EmbeddingSpec | null, bm25: Bm25Text): CollectionFit {
  if (!described.compatible) {
    return { kind: 'rebuild', reason: 'it was not created by Kimi Milvus (no text/BM25 fields)' };
  }
  const schema = schemaMismatch(described.schemaVersion, bm25);
  if (schema) {
    return { kind: 'rebuild', reason: schema };
  }
  if (embeddingMismatch(described.info.embedding, wanted)) {
    return { kind: 'vectors', from: described.info.embedding, to: wanted };
  }
  return { kind: 'ok' };
}
