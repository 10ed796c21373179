import * as path from 'node:path';
import { prepareCollection as prepare, type DiscardingFit } from '../../core/store/prepare';
import type { EmbeddingSpec, VectorStore } from '../../core/store/types';
import { showSpec } from '../../text/embeddingText';
import type { RunProgress } from './runProgress';

/**
 * What an index run does with a folder's existing collection when the embedding setting (or this
 * version's schema) no longer matches it (core/store/prepare.ts): changes that discard vectors or
 * rows are confirmed once by the user (a button that reruns with `rebuild`).
 */
export type CollectionPlan =
  | { readonly kind: 'index' }
  | { readonly kind: 'confirm'; readonly message: string; readonly action: string };

/** The question to ask before a change that discards vectors or rows. */
export function confirmationFor(fit: DiscardingFit, root: string): { message: string; action: string } {
  const folder = path.basename(root);
  if (fit.kind === 'vectors') {
    return {
      message:
        `The index of ${folder} holds vectors of ${showSpec(fit.from)}, but the setting is now ${showSpec(fit.to)}. ` +
        `Replace them? Keyword search keeps working while ${fit.to ? 'the new vectors are made' : 'the index is copied'}.`,
      action: fit.to ? 'Rebuild Vectors' : 'Remove Vectors',
    };
  }
  return { message: `The index of ${folder} must be rebuilt: ${fit.reason}.`, action: 'Rebuild Index' };
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
  const refused = await prepare(store, collection, wanted, {
    consent: () => options.rebuild,
    signal,
    onCopied: (done, total) => progress.copied(done, total),
  });
  return refused ? { kind: 'confirm', ...confirmationFor(refused, root) } : { kind: 'index' };
}
