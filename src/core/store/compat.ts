/**
 * Whether an existing collection can take what is asked of it: made by Kimi Milvus (text and BM25
 * fields), an index schema this version reads, and the same embedding. How to rebuild one that
 * cannot is the front end's to say (the code is schema-mismatch).
 */
import { StoreError } from '../errors';
import { schemaVersion, type DescribedCollection } from './schema';
import type { Bm25Text } from './searchText';
import type { EmbeddingSpec } from './types';

export function assertUsable(name: string, described: DescribedCollection, bm25: Bm25Text, wanted: EmbeddingSpec | null): void {
  if (!described.compatible) {
    throw new StoreError(`Collection "${name}" was not created by Kimi Milvus (no text/BM25 fields).`, 'schema-mismatch');
  }
  const why = schemaMismatch(described.schemaVersion, bm25) ?? embeddingMismatch(described.info.embedding, wanted);
  if (why) {
    throw new StoreError(`Collection "${name}" cannot be used: ${why}.`, 'schema-mismatch');
  }
}

/** Why `existing` cannot take rows made for `wanted`; undefined when they match. */
export function embeddingMismatch(existing: EmbeddingSpec | null, wanted: EmbeddingSpec | null): string | undefined {
  const show = (s: EmbeddingSpec | null): string => (s ? `${s.model} (${s.dimensions} dimensions)` : 'no embeddings (BM25 only)');
  if (existing === null && wanted === null) {
    return undefined;
  }
  if (existing && wanted && existing.dimensions === wanted.dimensions && existing.model === wanted.model) {
    return undefined;
  }
  return `it was built with ${show(existing)}, but the current setting is ${show(wanted)}`;
}

/** Why a collection of `existing` schema cannot be used by this build; undefined when it can. */
export function schemaMismatch(existing: string | undefined, mode: Bm25Text): string | undefined {
  const wanted = schemaVersion(mode);
  if (existing === wanted) {
    return undefined;
  }
  return `it was built with index schema ${existing ?? '1'}, but this version of Kimi Milvus needs schema ${wanted} (Markdown chunks are searched with their heading path; vectors are filled in the background)`;
}
