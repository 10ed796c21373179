/**
 * Bringing an existing collection in line with the embedding setting before an index run, the
 * same way in every front end (VS Code, the CLI, the MCP server):
 * - keyword-only → vectors: copied in place at once (nothing is lost; keyword search keeps working
 *   while the vectors are filled);
 * - another model's vectors, or keyword-only wanted: the vectors would be thrown away, so the front
 *   end's consent is asked; then copied the same way;
 * - rows made another way (another tool, an older schema): dropped and indexed again from scratch,
 *   also only with consent.
 */
import { migrateVectors } from './migrate';
import type { CollectionFit, EmbeddingSpec, VectorStore } from './types';

/** A fit whose change throws something away: vectors of another model, or every row. */
export type DiscardingFit =
  | (Extract<CollectionFit, { kind: 'vectors' }> & { readonly from: EmbeddingSpec })
  | Extract<CollectionFit, { kind: 'rebuild' }>;

export function discardingFit(fit: CollectionFit): DiscardingFit | undefined {
  if (fit.kind === 'vectors' && fit.from !== null) {
    return { ...fit, from: fit.from };
  }
  return fit.kind === 'rebuild' ? fit : undefined;
}

export interface PrepareOptions {
  /** Whether the change `fit` describes may go ahead; asked only for changes that discard. */
  readonly consent: (fit: DiscardingFit) => boolean;
  readonly signal?: AbortSignal;
  /** Rows copied so far of the collection being migrated. */
  readonly onCopied?: (done: number, total: number) => void;
}

/**
 * Makes `collection` fit `wanted`, or returns the discarding change that was not consented to
 * (and leaves the collection as it was). Undefined means the run can index into it.
 */
export async function prepareCollection(
  store: VectorStore,
  collection: string,
  wanted: EmbeddingSpec | null,
  options: PrepareOptions,
): Promise<DiscardingFit | undefined> {
  const { signal } = options;
  const fit = await store.fit(collection, wanted, signal);
  const discarding = discardingFit(fit);
  if (discarding && !options.consent(discarding)) {
    return discarding;
  }
  if (fit.kind === 'vectors') {
    await migrateVectors(store, collection, wanted, { signal, onProgress: options.onCopied });
  } else if (fit.kind === 'rebuild') {
    await store.dropCollection(collection, signal);
  }
  return undefined;
}
