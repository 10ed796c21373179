import * as path from 'node:path';
import { migrateVectors } from '../../core/store/migrate';
import type { CollectionFit, EmbeddingSpec, VectorStore } from '../../core/store/types';
import type { RunProgress } from './runProgress';

/**
 * What an index run does with a folder's existing collection when the embedding setting (or this
 * version's schema) no longer matches it:
 * - keyword-only → vectors: copied in place at once (nothing is lost; keyword search keeps working);
 * - another model's vectors, or keyword-only wanted: the vectors would be thrown away, so the user
 *   confirms once (a button that reruns with `rebuild`); then copied the same way;
 * - rows made another way (another tool, an older schema): indexed again from scratch, also after
 *   one confirmation.
 */
export type CollectionPlan =
  | { readonly kind: 'index' }
  | { readonly kind: 'confirm'; readonly message: string; readonly action: string };

export function showSpec(spec: EmbeddingSpec | null): string {
  if (!spec) {
    return 'keyword search only';
  }
  const [provider, ...model] = spec.model.split(':');
  const name = model.length > 0 ? `${model.join(':')} (${provider === 'local' ? 'local' : provider})` : spec.model;
  return `${name}, ${spec.dimensions} dimensions`;
}

/** The question to ask before a change that discards vectors or rows; undefined when none is needed. */
export function confirmationFor(fit: CollectionFit, root: string): { message: string; action: string } | undefined {
  const folder = path.basename(root);
  if (fit.kind === 'vectors' && fit.from !== null) {
    return {
      message:
        `The index of ${folder} holds vectors of ${showSpec(fit.from)}, but the setting is now ${showSpec(fit.to)}. ` +
        `Replace them? Keyword search keeps working while ${fit.to ? 'the new vectors are made' : 'the index is copied'}.`,
      action: fit.to ? 'Rebuild Vectors' : 'Remove Vectors',
    };
  }
  if (fit.kind === 'rebuild') {
    return { message: `The index of ${folder} must be rebuilt: ${fit.reason}.`, action: 'Rebuild Index' };
  }
  return undefined;
}

/**
 * Brings the collection in line with `wanted` before the run indexes into it. Returns a plan that
 * asks first when that would discard something and `rebuild` (the user's yes) was not given.
 */
export async function prepareCollection(
  store: VectorStore,
  collection: string,
  root: string,
  wanted: EmbeddingSpec | null,
  options: { readonly rebuild: boolean; readonly progress: RunProgress; readonly signal: AbortSignal },
): Promise<CollectionPlan> {
  const { progress, signal } = options;
  const fit = await store.fit(collection, wanted, signal);
  const ask = confirmationFor(fit, root);
  if (ask && !options.rebuild) {
    return { kind: 'confirm', ...ask };
  }
  if (fit.kind === 'vectors') {
    await migrateVectors(store, collection, wanted, { signal, onProgress: (done, total) => progress.copied(done, total) });
  } else if (fit.kind === 'rebuild') {
    await store.dropCollection(collection, signal);
  }
  return { kind: 'index' };
}
