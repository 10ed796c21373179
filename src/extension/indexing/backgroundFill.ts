import * as vscode from 'vscode';
import { errorMessage, isAbortError } from '../../core/errors';
import { fillVectors } from '../../core/indexing/vectorFiller';
import { sleep } from '../../core/sleep';
import type { VectorCounts } from '../../core/store/types';
import type { Services } from '../services';
import type { IndexState } from './indexState';

/** Pause between rounds: embedding is CPU-heavy with a local model, so the editor and indexing go first. */
const ROUND_PAUSE_MS = 50;

/**
 * Progressive hybrid in the extension: after an index run (or a live-sync write) rows wait for
 * their vectors; this embeds them in the background, one collection after another, and tells the
 * status bar how much is semantic-ready. An index run stops it first (`pause`) and starts it again
 * when done; as the filler keeps no state, stopping loses nothing.
 */
export class BackgroundFill implements vscode.Disposable {
  private readonly queued = new Set<string>();
  private controller: AbortController | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly services: Services,
    private readonly state: IndexState,
  ) {}

  /** Fills `collections` (after whatever is queued); returns at once. */
  start(collections: readonly string[]): void {
    for (const c of collections) {
      this.queued.add(c);
    }
    this.loop ??= this.drain().finally(() => {
      this.loop = undefined;
    });
  }

  /** Stops the current round (an index run is about to write); queued collections stay queued. */
  async pause(current?: string): Promise<void> {
    if (current) {
      this.queued.add(current);
    }
    this.controller?.abort();
    await this.loop;
  }

  dispose(): void {
    this.queued.clear();
    this.controller?.abort();
  }

  private async drain(): Promise<void> {
    for (const collection of this.queued) {
      this.queued.delete(collection);
      const controller = new AbortController();
      this.controller = controller;
      try {
        const [store, embedder] = await Promise.all([this.services.store(), this.services.embedder()]);
        // Another model's vectors (a change not yet migrated) must never be mixed in.
        if (!embedder.spec || (await store.fit(collection, embedder.spec, controller.signal)).kind !== 'ok') {
          this.state.setVectorCounts(collection, undefined);
          continue;
        }
        const report = (counts: VectorCounts): void => this.state.setVectorCounts(collection, counts);
        report(await store.vectorCounts(collection, controller.signal));
        const { counts } = await fillVectors(
          { store, embedder, collection, onProgress: report, beforeRound: (signal) => sleep(ROUND_PAUSE_MS, signal) },
          controller.signal,
        );
        report(counts);
      } catch (err) {
        if (isAbortError(err) || controller.signal.aborted) {
          this.queued.add(collection);
          return;
        }
        // Keyword search still covers the rows; the next run or edit tries again.
        this.services.log.warn(`Filling vectors of ${collection} stopped: ${errorMessage(err)}`);
      } finally {
        this.controller = undefined;
      }
    }
  }
}
