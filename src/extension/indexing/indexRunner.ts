import * as path from 'node:path';
import * as vscode from 'vscode';
import { LocalEmbedder } from '../../core/embedding/localEmbedder';
import { isAbortError } from '../../core/errors';
import { collectionNameFor } from '../../core/indexing/collectionName';
import type { IndexSummary } from '../../core/indexing/events';
import type { Indexer } from '../../core/indexing/indexer';
import { abortSignalFor } from '../cancellation';
import { userMessage } from '../errorText';
import type { Services } from '../services';
import { requireTrust } from '../trust';
import { BackgroundFill } from './backgroundFill';
import type { IndexState } from './indexState';
import type { RecentFiles } from './recentFiles';
import { progressMessage, progressPercent, summaryMessage } from '../../text/indexSummary';

/** Result of a run, for callers (and tests) that drive the command. */
export type IndexRunResult =
  | { readonly status: 'done'; readonly summaries: readonly IndexSummary[] }
  | { readonly status: 'refused'; readonly reason: 'restricted' | 'busy' | 'no-folder' | 'endpoint-setup' }
  | { readonly status: 'cancelled' }
  | { readonly status: 'failed'; readonly message: string };

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

  run(roots: readonly string[], options: { readonly quiet?: boolean } = {}): Promise<IndexRunResult> {
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
    const run = this.runInProgress(roots, options.quiet ?? false).finally(() => {
      this.running = undefined;
    });
    this.running = run;
    return run;
  }

  private runInProgress(roots: readonly string[], quiet: boolean): Promise<IndexRunResult> {
    return Promise.resolve(
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Kimi Milvus: indexing', cancellable: true },
        async (progress, token) => {
          const { signal, dispose } = abortSignalFor(token);
          try {
            return await this.indexRoots(roots, progress, signal, quiet);
          } finally {
            dispose();
          }
        },
      ),
    );
  }

  private async indexRoots(roots: readonly string[], progress: IndexProgressReport, signal: AbortSignal, quiet: boolean): Promise<IndexRunResult> {
    const started = Date.now();
    /** Collections this run wrote to: the background fill embeds their new rows afterwards. */
    const written: string[] = [];
    let summaries: IndexSummary[];
    try {
      const indexer = await this.prepare(roots, progress, signal);
      summaries = await this.indexEach(indexer, roots, progress, signal, written);
    } catch (err) {
      return this.failed(err, written);
    }
    return this.finished(summaries, Date.now() - started, written, quiet);
  }

  /** Stops the background fill, then opens Milvus and the embedder; a first run provisions both in this notification. */
  private async prepare(roots: readonly string[], progress: IndexProgressReport, signal: AbortSignal): Promise<Indexer> {
    await this.fill.pause();
    this.state.setIndexing(roots[0], 0);
    progress.report({ message: 'Starting Milvus…' });
    // The first run provisions Milvus Lite (venv, pip, start): reported in this same notification.
    const indexer = await this.services.indexer({ report: (message) => progress.report({ message: `Milvus: ${message}` }), signal });
    const embedder = await this.services.embedder();
    if (embedder instanceof LocalEmbedder) {
      // The first time: the model download (MB) and the runtime install (pip), shown here.
      await embedder.prepare((message) => progress.report({ message }), signal);
    }
    return indexer;
  }

  private async indexEach(indexer: Indexer, roots: readonly string[], progress: IndexProgressReport, signal: AbortSignal, written: string[]): Promise<IndexSummary[]> {
    const log = this.services.log;
    const summaries: IndexSummary[] = [];
    let reported = 0;
    for (const [i, root] of roots.entries()) {
      const label = roots.length > 1 ? path.basename(root) : undefined;
      const collection = collectionNameFor(root);
      log.info(`Indexing ${root} into ${collection}`);
      const summary = await indexer.indexFolder(
        root,
        {
          collection,
          onProgress: (p) => {
            const overall = (100 * i + progressPercent(p)) / roots.length;
            progress.report({ message: progressMessage(p, label), increment: Math.max(0, overall - reported) });
            reported = Math.max(reported, overall);
            this.state.setIndexing(root, overall);
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
    void vscode.window.showErrorMessage(`Kimi Milvus: indexing failed. ${message}`, 'Show Logs').then((c) => {
      if (c) {
        void vscode.commands.executeCommand('kimiMilvus.showLogs');
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

type IndexProgressReport = vscode.Progress<{ message?: string; increment?: number }>;

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
