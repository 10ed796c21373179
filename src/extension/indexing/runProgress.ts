import type * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import type { IndexState } from './indexState';

/**
 * What an index run is doing, in the user's words. The setup steps (venv, pip lines, downloads)
 * go to the log; the notification and the status bar show only the phase, so a first run reads as
 * one status from "Setting up Milvus" to the summary.
 */
export type RunPhase = 'milvus-setup' | 'milvus-start' | 'model-setup' | 'model-download' | 'model-start' | 'copy';

const NOTIFICATION: Record<RunPhase, string> = {
  'milvus-setup': 'Setting up Milvus (first run, about a minute)…',
  'milvus-start': 'Starting Milvus…',
  'model-setup': 'Setting up the local embedding model (first run, about a minute)…',
  'model-download': 'Downloading the local embedding model…',
  'model-start': 'Starting the local embedding model…',
  copy: 'Copying the index for the new embedding model…',
};

const STATUS_BAR: Record<RunPhase, string> = {
  'milvus-setup': 'setting up Milvus',
  'milvus-start': 'starting Milvus',
  'model-setup': 'setting up the embedding model',
  'model-download': 'downloading the embedding model',
  'model-start': 'starting the embedding model',
  copy: 'copying the index',
};

/** The phase a raw provisioning message of the store (Milvus) or the local embedder belongs to. */
export function phaseOf(source: 'milvus' | 'model', raw: string): RunPhase {
  const setup = /^(Creating a Python|Installing|pip:|Verifying)/i.test(raw.trim());
  if (source === 'milvus') {
    return setup ? 'milvus-setup' : 'milvus-start';
  }
  if (/^Downloading/i.test(raw.trim())) {
    return 'model-download';
  }
  return setup ? 'model-setup' : 'model-start';
}

/** The notification's line for a phase; a download or a copy adds its own figure ("12 / 21 MB", "40%"). */
export function phaseMessage(phase: RunPhase, raw?: string, percent?: number): string {
  const figure = phase === 'model-download' ? /(\d+ \/ \d+ MB)/.exec(raw ?? '')?.[1] : percent !== undefined ? `${Math.floor(percent)}%` : undefined;
  return figure ? `${NOTIFICATION[phase].replace(/…$/, '')} (${figure})…` : NOTIFICATION[phase];
}

/** One index run's progress: the notification, the status bar and the log, kept in step. */
export class RunProgress {
  private phase: RunPhase | undefined;

  constructor(
    private readonly progress: vscode.Progress<{ message?: string; increment?: number }>,
    private readonly state: IndexState,
    private readonly log: Logger,
    private readonly folder: string,
  ) {}

  /** A raw message from Milvus or the local model's provisioning: logged as is, shown as its phase. */
  setup(source: 'milvus' | 'model', raw: string): void {
    this.log.debug(raw);
    this.enter(phaseOf(source, raw), raw);
  }

  /** Rows copied by a migration (store/migrate.ts). */
  copied(done: number, total: number): void {
    this.enter('copy', undefined, total > 0 ? (100 * done) / total : 0);
  }

  /** Files are being indexed: the percent counts them from here on. */
  indexing(folder: string, percent: number, message: string, increment: number): void {
    this.phase = undefined;
    this.progress.report({ message, increment });
    this.state.setIndexing(folder, percent);
  }

  private enter(phase: RunPhase, raw?: string, percent?: number): void {
    const message = phaseMessage(phase, raw, percent);
    if (phase !== this.phase || phase === 'model-download' || phase === 'copy') {
      this.progress.report({ message });
    }
    this.phase = phase;
    this.state.setIndexing(this.folder, 0, percent === undefined ? STATUS_BAR[phase] : `${STATUS_BAR[phase]} ${Math.floor(percent)}%`);
  }
}
