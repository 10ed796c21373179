import * as path from 'node:path';
import * as vscode from 'vscode';
import { LocalEmbedder } from '../../core/embedding/localEmbedder';
import { isAbortError } from '../../core/errors';
import { collectionNameFor } from '../../core/indexing/collectionName';
import type { IndexSummary } from '../../core/indexing/events';
import type { Indexer } from '../../core/indexing/indexer';
import { abortSignalFor } from '../cancellation';
import { Commands } from '../constants';
import { ACTION_LABELS, indexFix } from '../errorFix';
import { runAction } from '../webviewActions';
import { userMessage } from '../errorText';
import type { Services } from '../services';
import { requireTrust } from '../trust';
import { BackgroundFill } from './backgroundFill';
import { prepareCollection } from './collectionPlan';
import type { IndexState } from './indexState';
import { progressMessage, progressPercent, summaryMessage } from '../../text/indexSummary';
import { RunProgress } from './runProgress';

/** Result of a run, for callers (and tests) that drive the command. */
export type IndexRunResult =
  | { readonly status: 'done'; readonly summaries: readonly IndexSummary[] }
  | { readonly status: 'refused'; readonly reason: 'restricted' | 'busy' | 'no-folder' | 'endpoint-setup' }
  | { readonly status: 'cancelled' }
  /** A collection needs a change that discards its vectors or rows: the user was asked, nothing was changed. */
  | { readonly status: 'needs-rebuild'; readonly message: string; readonly summaries: readonly IndexSummary[] }
  | { readonly status: 'failed'; readonly message: string };

export interface RunOptions {
  /** No summary notification (live sync's own runs). */
  readonly quiet?: boolean;
  /** The user agreed to discard vectors or rows that no longer fit the settings (see collectionPlan.ts). */
  readonly rebuild?: boolean;
}

/**
 * Runs full (incremental) indexing of workspace folders in a cancellable progress notification.
 * One run at a time; live sync waits for it (`idle`).
 */
export class IndexRunner {
  private running: Promise<IndexRunResult> | undefined;
  /** How much of the current run's progress bar has been filled (the notification takes increments). */
  private reported = 0;
  /** Embeds rows written without vectors (progressive hybrid); stopped while a run writes. */
  readonly fill: BackgroundFill;

  constructor(
    private readonly services: Services,
    private readonly state: IndexState,
  ) {
    this.fill = new BackgroundFill(services, state);
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Resolves when no full run is in progress. */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  run(roots: readonly string[], options: RunOptions = {}): Promise<IndexRunResult> {
    if (!requireTrust(this.services.trust, 'Indexing is off')) {
      return Promise.resolve({ status: 'refused', reason: 'restricted' });
    }
    if (roots.length === 0) {
      void vscode.window.showInformationMessage('Kimi Milvus: open a folder first; there is nothing to index.');
      return Promise.resolve({ status: 'refused', reason: 'no-folder' });
    }
    if (this.running) {
      void vscode.window.showInformationMessage('Kimi Milvus: indexing is already running.');
      return Promise.resolve({ status: 'refused', reason: 'busy' });
    }
    const run = this.runInProgress(roots, options).finally(() => {
      this.running = undefined;
    });
    this.running = run;
    return run;
  }

  private runInProgress(roots: readonly string[], options: RunOptions): Promise<IndexRunResult> {
    return Promise.resolve(
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Kimi Milvus', cancellable: true },
        async (progress, token) => {
          const { signal, dispose } = abortSignalFor(token);
          try {
            return await this.indexRoots(roots, new RunProgress(progress, this.state, this.services.log, roots[0]), signal, options);
          } finally {
            dispose();
          }
        },
      ),
    );
  }

  private async indexRoots(roots: readonly string[], progress: RunProgress, signal: AbortSignal, options: RunOptions): Promise<IndexRunResult> {
    const log = this.services.log;
    const summaries: IndexSummary[] = [];
    const started = Date.now();
    const written: string[] = [];
    const asks: Array<{ message: string; action: string }> = [];
    try {
      await this.fill.pause();
      this.reported = 0;
      if (this.services.openStoreIfReady) {
        this.state.setIndexing(roots[0], 0);
      } else {
        progress.setup('milvus', 'Starting Milvus Lite…');
      }
      // The first run provisions Milvus Lite (venv, pip, start): its steps are logged, the notification shows the phase.
      const indexer = await this.services.indexer({ report: (message) => progress.setup('milvus', message), signal });
      const [store, embedder] = await Promise.all([this.services.store(), this.services.embedder()]);
      if (embedder instanceof LocalEmbedder) {
        // The first time: the model download (MB) and the runtime install (pip).
        await embedder.prepare((message) => progress.setup('model', message), signal);
      }
      for (const [i, root] of roots.entries()) {
        const plan = await prepareCollection(store, collectionNameFor(root), root, embedder.spec, { rebuild: options.rebuild ?? false, progress, signal });
        if (plan.kind === 'confirm') {
          // Keyword search keeps using the collection as it is until the user says yes.
          log.info(`${collectionNameFor(root)}: ${plan.message}`);
          asks.push(plan);
          continue;
        }
        const summary = await this.indexOne(indexer, roots, i, progress, signal);
        summaries.push(summary);
        written.push(summary.collection);
        if (summary.cancelled) {
          break;
        }
      }
    } catch (err) {
      return this.failed(err, written);
    }
    this.state.settle();
    // Keyword search works now; vectors follow in the background.
    this.fill.start(written);
    if (asks.length > 0) {
      askToRebuild(asks);
      return { status: 'needs-rebuild', message: asks.map((a) => a.message).join(' '), summaries };
    }
    const text = summaryMessage(summaries, Date.now() - started);
    log.info(text);
    if (summaries.some((s) => s.cancelled)) {
      return { status: 'cancelled' };
    }
    if (!options.quiet) {
      void vscode.window.showInformationMessage(`Kimi Milvus: ${text}`, 'Show Details').then((c) => {
        if (c) {
          void vscode.commands.executeCommand('kimiMilvus.showLogs');
        }
      });
    }
    return { status: 'done', summaries };
  }

  /** Indexes the i-th of `roots` (the progress counts all of them) and records it. */
  private async indexOne(indexer: Indexer, roots: readonly string[], i: number, progress: RunProgress, signal: AbortSignal): Promise<IndexSummary> {
    const root = roots[i];
    const label = roots.length > 1 ? path.basename(root) : undefined;
    const collection = collectionNameFor(root);
    this.services.log.info(`Indexing ${root} into ${collection}`);
    const summary = await indexer.indexFolder(
      root,
      {
        collection,
        onProgress: (p) => {
          const overall = (100 * i + progressPercent(p)) / roots.length;
          progress.indexing(root, overall, progressMessage(p, label), Math.max(0, overall - this.reported));
          this.reported = Math.max(this.reported, overall);
        },
      },
      signal,
    );
    if (!summary.cancelled) {
      await this.state.saveRecord({ root, collection, files: summary.filesIndexed + summary.filesUnchanged, indexedAt: Date.now() });
      logSkipped(this.services.log, summary);
    }
    return summary;
  }

  private failed(err: unknown, written: readonly string[]): IndexRunResult {
    this.state.settle();
    this.fill.start(written);
    if (isAbortError(err)) {
      this.services.log.info('Indexing cancelled.');
      return { status: 'cancelled' };
    }
    const message = userMessage(err);
    this.services.log.error(`Indexing failed: ${message}`);
    this.state.setError(message);
    // The button is the fix (a setting, a key, the log); the message need not repeat it.
    const fix = indexFix(err);
    const buttons = fix === 'showLogs' ? [ACTION_LABELS.showLogs] : [ACTION_LABELS[fix], ACTION_LABELS.showLogs];
    void vscode.window.showErrorMessage(`Kimi Milvus: indexing failed. ${message}`, ...buttons).then((choice) => {
      if (choice) {
        void runAction(choice === ACTION_LABELS[fix] ? fix : 'showLogs');
      }
    });
    return { status: 'failed', message };
  }
}

/** One question for every folder whose index a change would discard; its button reruns with `rebuild`. */
function askToRebuild(asks: ReadonlyArray<{ message: string; action: string }>): void {
  const action = asks.length === 1 ? asks[0].action : 'Rebuild Indexes';
  void vscode.window.showWarningMessage(`Kimi Milvus: ${asks.map((a) => a.message).join(' ')}`, action).then((choice) => {
    if (choice === action) {
      void vscode.commands.executeCommand(Commands.indexWorkspace, { rebuild: true });
    }
  });
}

function logSkipped(log: Services['log'], summary: IndexSummary): void {
  const shown = summary.skipped.slice(0, 200);
  for (const s of shown) {
    log.debug(`skipped ${s.path}: ${s.reason}`);
  }
  if (summary.skipped.length > shown.length) {
    log.debug(`… and ${summary.skipped.length - shown.length} more skipped files`);
  }
}

export function workspaceRoots(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
}
