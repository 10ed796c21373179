import * as vscode from 'vscode';
import { isAbortError } from '../../core/errors';
import type { EmbeddingProgress } from '../../core/indexing/embeddingProgress';
import { fillVectors } from '../../core/indexing/vectorFiller';
import { sleep } from '../../core/sleep';
import type { VectorCounts } from '../../core/store/types';
import { userMessage } from '../errorText';
import type { Services } from '../services';
import { embeddingMessage } from '../../text/embeddingText';
import type { IndexState } from './indexState';
import type { RecentFiles } from './recentFiles';

/** Pause between rounds: embedding is CPU-heavy with a local model, so the editor and indexing go first. */
const ROUND_PAUSE_MS = 50;

/**
 * Progressive hybrid in the extension: after an index run (or a live-sync write) rows wait for
 * their vectors; this embeds them in the background, one collection after another, the files the
 * user has open or just edited first, and tells the status bar (and, after an Index Workspace, a
 * progress notification) how far it is. An index run stops it first (`pause`) and starts it again
 * when done; as the filler keeps no state, stopping loses nothing.
 */
export class BackgroundFill implements vscode.Disposable {
  private readonly queued = new Set<string>();
  /** Collections whose next fill shows a progress notification (an Index Workspace the user started). */
  private readonly notify = new Set<string>();
  private controller: AbortController | undefined;
  /** Fills the user cancelled in the notification: not queued again until the next run or edit. */
  private readonly stoppedByUser = new WeakSet<AbortController>();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly services: Services,
    private readonly state: IndexState,
    private readonly recent?: RecentFiles,
  ) {}

  /** Fills `collections` (after whatever is queued); returns at once. `notify`: show the progress in a notification. */
  start(collections: readonly string[], options: { readonly notify?: boolean } = {}): void {
    for (const c of collections) {
      this.queued.add(c);
      if (options.notify) {
        this.notify.add(c);
      }
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
      const notified = this.notify.delete(collection);
      try {
        if (notified) {
          await this.withNotification(controller, (report) => this.fill(collection, controller.signal, report));
        } else {
          await this.fill(collection, controller.signal);
        }
      } catch (err) {
        if (isAbortError(err) || controller.signal.aborted) {
          // Stopped by an index run (it starts the fill again), not by the user's Cancel.
          if (!this.stoppedByUser.has(controller)) {
            this.queued.add(collection);
          }
          return;
        }
        this.failed(collection, err, notified);
      } finally {
        this.controller = undefined;
        this.state.setEmbedding(undefined);
      }
    }
  }

  /**
   * Keyword search still covers the rows; the next run or edit tries again. The reason, with what
   * to set (a slow endpoint's deadlines, a key), goes to the log, and to a warning when the user
   * started this fill with Index Workspace.
   */
  private failed(collection: string, err: unknown, notified: boolean): void {
    const text = userMessage(err);
    this.services.log.warn(`Filling vectors of ${collection} stopped: ${text}`);
    if (notified) {
      void vscode.window.showWarningMessage(`Kimi Milvus: embedding for semantic search stopped; keyword search still covers every file. ${text}`);
    }
  }

  private async fill(collection: string, signal: AbortSignal, report?: (p: EmbeddingProgress) => void): Promise<void> {
    const [store, embedder] = await Promise.all([this.services.store(), this.services.embedder()]);
    // Another model's vectors (a change Index Workspace has not migrated yet) are never mixed in.
    if (!embedder.spec || (await store.fit(collection, embedder.spec, signal)).kind !== 'ok') {
      this.state.setVectorCounts(collection, undefined);
      return;
    }
    // One figure per collection, from Milvus' counts and the embedder's progress alike: the status bar and the Collections view show it.
    const counted = (counts: VectorCounts): void => this.state.setVectorCounts(collection, counts);
    counted(await store.vectorCounts(collection, signal));
    const root = this.state.records.find((r) => r.collection === collection)?.root;
    const { counts } = await fillVectors(
      {
        store,
        embedder,
        collection,
        onProgress: counted,
        onEmbedding: (p) => {
          counted({ withVector: p.chunksDone, total: p.chunksTotal });
          this.state.setEmbedding(p);
          report?.(p);
        },
        beforeRound: (s) => sleep(ROUND_PAUSE_MS, s),
        priority: root && this.recent ? () => this.recent?.pathsUnder(root) ?? [] : undefined,
      },
      signal,
    );
    counted(counts);
  }

  /** The fill inside a cancellable notification; Cancel stops filling until the next index run or edit. */
  private withNotification(controller: AbortController, run: (report: (p: EmbeddingProgress) => void) => Promise<void>): Promise<void> {
    return Promise.resolve(
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Kimi Milvus: embedding for semantic search', cancellable: true },
        async (progress, token) => {
          const onCancel = token.onCancellationRequested(() => {
            this.stoppedByUser.add(controller);
            controller.abort();
          });
          let shown = 0;
          try {
            await run((p) => {
              const percent = p.chunksTotal === 0 ? 100 : (100 * p.chunksDone) / p.chunksTotal;
              progress.report({ message: embeddingMessage(p), increment: Math.max(0, percent - shown) });
              shown = Math.max(shown, percent);
            });
          } finally {
            onCancel.dispose();
          }
        },
      ),
    );
  }
}
