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
import { userMessage } from '../errorText';
import { runAction } from '../webviewActions';
import type { Services } from '../services';
import { requireTrust } from '../trust';
import { BackgroundFill } from './backgroundFill';
import { prepareCollection } from './collectionPlan';
import type { IndexState } from './indexState';
import type { RecentFiles } from './recentFiles';
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

/** A question a run left for the user (collectionPlan.ts), with the button that answers yes. */
interface RebuildAsk {
  readonly message: string;
  readonly action: string;
}

/**
 * Runs full (incremental) indexing of workspace folders in a cancellable progress notification.
 * One run at a time; live sync waits for it (`idle`).
 */
export class IndexRunner {
  private running: Promise<IndexRunResult> | undefined;
  /** Embeds rows written without vectors (progressive hybrid); stopped while a run writes. */
  readonly fill: BackgroundFill;

  constructor(
    private readonly services: Services,
    private readonly state: IndexState,
    recent?: RecentFiles,
  ) {
    this.fill = new BackgroundFill(services, state, recent);
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
    const started = Date.now();
    /** Collections this run wrote to: the background fill embeds their new rows afterwards. */
    const written: string[] = [];
    const asks: RebuildAsk[] = [];
    let summaries: IndexSummary[];
    try {
      const indexer = await this.prepare(roots, progress, signal);
      summaries = await this.indexEach(indexer, roots, { progress, signal, rebuild: options.rebuild ?? false }, written, asks);
    } catch (err) {
      return this.failed(err, written);
    }
    if (asks.length > 0) {
      this.state.settle();
      this.fill.start(written);
      askToRebuild(asks);
      return { status: 'needs-rebuild', message: asks.map((a) => a.message).join(' '), summaries };
    }
    return this.finished(summaries, Date.now() - started, written, options.quiet ?? false);
  }

  /** Stops the background fill, then opens Milvus and the embedder; a first run provisions both in this notification. */
  private async prepare(roots: readonly string[], progress: RunProgress, signal: AbortSignal): Promise<Indexer> {
    await this.fill.pause();
    if (this.services.openStoreIfReady) {
      this.state.setIndexing(roots[0], 0);
    } else {
      progress.setup('milvus', 'Starting Milvus Lite…');
    }
    // The first run provisions Milvus Lite (venv, pip, start): its steps are logged, the notification shows the phase.
    const indexer = await this.services.indexer({ report: (message) => progress.setup('milvus', message), signal });
    const embedder = await this.services.embedder();
    if (embedder instanceof LocalEmbedder) {
      // The first time: the model download (MB) and the runtime install (pip).
      await embedder.prepare((message) => progress.setup('model', message), signal);
    }
    return indexer;
  }

  /**
   * Indexes each folder into its collection, after bringing the collection in line with the
   * embedding setting (collectionPlan.ts); one that would lose vectors or rows is left as it is and
   * its question added to `asks`.
   */
  private async indexEach(indexer: Indexer, roots: readonly string[], run: EachRun, written: string[], asks: RebuildAsk[]): Promise<IndexSummary[]> {
    const { progress, signal } = run;
    const log = this.services.log;
    const summaries: IndexSummary[] = [];
    const [store, embedder] = await Promise.all([this.services.store(), this.services.embedder()]);
    let reported = 0;
    for (const [i, root] of roots.entries()) {
      const label = roots.length > 1 ? path.basename(root) : undefined;
      const collection = collectionNameFor(root);
      const plan = await prepareCollection(store, collection, root, embedder.spec, { rebuild: run.rebuild, progress, signal });
      if (plan.kind === 'confirm') {
        // Keyword search keeps using the collection as it is until the user says yes.
        log.info(`${collection}: ${plan.message}`);
        asks.push(plan);
        continue;
      }
      log.info(`Indexing ${root} into ${collection}`);
      const summary = await indexer.indexFolder(
        root,
        {
          collection,
          onProgress: (p) => {
            const overall = (100 * i + progressPercent(p)) / roots.length;
            progress.indexing(root, overall, progressMessage(p, label), Math.max(0, overall - reported));
            reported = Math.max(reported, overall);
          },
        },
        signal,
      );
      summaries.push(summary);
      written.push(collection);
      if (summary.cancelled) {
        break;
      }
      await this.state.saveRecord({ root, collection, files: summary.filesIndexed + summary.filesUnchanged, indexedAt: Date.now() });
      logSkipped(log, summary);
    }
    return summaries;
  }

  private failed(err: unknown, written: readonly string[]): IndexRunResult {
    const log = this.services.log;
    this.state.settle();
    this.fill.start(written);
    if (isAbortError(err)) {
      log.info('Indexing cancelled.');
      return { status: 'cancelled' };
    }
    const message = userMessage(err);
    log.error(`Indexing failed: ${message}`);
    this.state.setError(message);
    // The first button is the fix (a setting, a key); the log is there for the details.
    const fix = indexFix(err);
    const buttons = fix === 'showLogs' ? [ACTION_LABELS.showLogs] : [ACTION_LABELS[fix], ACTION_LABELS.showLogs];
    void vscode.window.showErrorMessage(`Kimi Milvus: indexing failed. ${message}`, ...buttons).then((choice) => {
      if (choice) {
        void runAction(choice === ACTION_LABELS[fix] ? fix : 'showLogs');
      }
    });
    return { status: 'failed', message };
  }

  private finished(summaries: readonly IndexSummary[], totalMs: number, written: readonly string[], quiet: boolean): IndexRunResult {
    this.state.settle();
    // Keyword search works now; vectors follow in the background, in a notification of their own.
    this.fill.start(written, { notify: !quiet });
    const text = summaryMessage(summaries, totalMs);
    this.services.log.info(text);
    if (summaries.some((s) => s.cancelled)) {
      return { status: 'cancelled' };
    }
    if (!quiet) {
      void vscode.window.showInformationMessage(`Kimi Milvus: ${text}`, 'Show Details').then((c) => {
        if (c) {
          void vscode.commands.executeCommand('kimiMilvus.showLogs');
        }
      });
    }
    return { status: 'done', summaries };
  }
}

/** What indexEach needs of its run besides the folders. */
interface EachRun {
  readonly progress: RunProgress;
  readonly signal: AbortSignal;
  readonly rebuild: boolean;
}

/** One question for every folder whose index a change would discard; its button reruns with `rebuild`. */
function askToRebuild(asks: readonly RebuildAsk[]): void {
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
