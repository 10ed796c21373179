import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { IndexConfig } from '../../core/config';
import { errorMessage, isAbortError } from '../../core/errors';
import { discoverFiles } from '../../core/indexing/discover';
import type { Indexer } from '../../core/indexing/indexer';
import { classifyDir, classifyPath } from '../../core/indexing/pathFilter';
import { shouldIndexFile } from '../../core/indexing/shouldIndex';
import { SETTINGS_SECTION } from '../settings';
import type { Services } from '../services';
import type { IndexRunner } from './indexRunner';
import type { IndexState } from './indexState';

/** Quiet time after the last file event before a batch is written (saves come in bursts). */
export const LIVE_SYNC_DEBOUNCE_MS = 750;

type Change = 'upsert' | 'delete';

/**
 * Keeps the index of already-indexed workspace folders fresh: file-system watcher events plus
 * saves and renames from VS Code are collected, debounced and applied in one batch, through the
 * same ignore rules as a full run. Turned off by `kimiMilvus.index.liveSync` or Restricted Mode.
 */
export class LiveSync implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private watchers: vscode.Disposable[] = [];
  /** The folders currently watched, so a status change that changes nothing does not rebuild watchers. */
  private watchedKey = '';
  private readonly pending = new Map<string, Change>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly flushed = new vscode.EventEmitter<readonly string[]>();
  /** Fires with the paths of each applied batch (the tests wait on it). */
  readonly onDidSync = this.flushed.event;

  constructor(
    private readonly services: Services,
    private readonly state: IndexState,
    private readonly runner: IndexRunner,
  ) {
    this.disposables.push(
      this.flushed,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SETTINGS_SECTION}.index`)) {
          this.restart();
        }
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.restart()),
      state.onDidChangeStatus(() => this.restart()),
      services.trust.onDidChangeTrust(() => this.restart()),
      vscode.workspace.onDidSaveTextDocument((doc) => this.queue(doc.uri, 'upsert')),
      vscode.workspace.onDidRenameFiles((e) => {
        for (const f of e.files) {
          this.queue(f.oldUri, 'delete');
          this.queue(f.newUri, 'upsert');
        }
      }),
      vscode.workspace.onDidDeleteFiles((e) => e.files.forEach((u) => this.queue(u, 'delete'))),
    );
    this.restart();
  }

  private get enabled(): boolean {
    return this.services.trust.trusted && vscode.workspace.getConfiguration(SETTINGS_SECTION).get<boolean>('index.liveSync', true);
  }

  /** Watches exactly the folders that have been indexed (re-evaluated whenever that may change). */
  private restart(): void {
    const folders = this.enabled
      ? (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file' && this.state.isIndexed(f.uri.fsPath))
      : [];
    const key = folders.map((f) => f.uri.fsPath).join('\n');
    if (key === this.watchedKey) {
      return;
    }
    this.watchedKey = key;
    for (const w of this.watchers) {
      w.dispose();
    }
    this.watchers = [];
    if (!this.enabled) {
      this.pending.clear();
    }
    for (const folder of folders) {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**/*'));
      this.watchers.push(
        watcher,
        watcher.onDidCreate((u) => this.queue(u, 'upsert')),
        watcher.onDidChange((u) => this.queue(u, 'upsert')),
        watcher.onDidDelete((u) => this.queue(u, 'delete')),
      );
    }
  }

  private queue(uri: vscode.Uri, change: Change): void {
    if (uri.scheme !== 'file' || !this.enabled || this.folderOf(uri.fsPath) === undefined) {
      return;
    }
    this.pending.set(uri.fsPath, change);
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flushing.then(() => this.flush());
    }, LIVE_SYNC_DEBOUNCE_MS);
  }

  /** The indexed workspace folder holding a path. */
  private folderOf(absPath: string): { root: string; collection: string } | undefined {
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(absPath));
    const record = folder ? this.state.recordFor(folder.uri.fsPath) : undefined;
    return record ? { root: record.root, collection: record.collection } : undefined;
  }

  private async flush(): Promise<void> {
    // A full run is already bringing everything up to date; apply what came in after it.
    await this.runner.idle();
    const batch = [...this.pending.entries()];
    this.pending.clear();
    if (batch.length === 0 || !this.enabled) {
      return;
    }
    const done: string[] = [];
    try {
      const [indexer, config] = await Promise.all([this.services.indexer(), this.services.config()]);
      for (const [absPath, change] of batch) {
        if (await this.apply(indexer, config.index, absPath, change)) {
          done.push(absPath);
        }
      }
      if (done.length > 0) {
        this.runner.fill.start([...new Set(done.map((p) => this.folderOf(p)?.collection).filter((c): c is string => c !== undefined))]);
        this.services.log.info(`Live sync: updated ${done.length} ${done.length === 1 ? 'path' : 'paths'}.`);
      }
    } catch (err) {
      if (!isAbortError(err)) {
        this.services.log.warn(`Live sync failed: ${errorMessage(err)}`);
      }
    }
    this.flushed.fire(done);
  }

  /** Brings the index in step with one changed path; false when the path is not ours to index. */
  private async apply(indexer: Indexer, index: IndexConfig, absPath: string, change: Change): Promise<boolean> {
    const target = this.folderOf(absPath);
    if (!target) {
      return false;
    }
    const rel = path.relative(target.root, absPath).split(path.sep).join('/');
    // Path rules (excluded folders, unsupported types, secrets) settle most events without I/O.
    const byPath = classifyPath(rel, index);
    const kind = change === 'upsert' ? await kindOf(absPath) : 'missing';
    if (kind === 'dir') {
      if (excludedDir(rel, index)) {
        return false;
      }
      // A folder created, moved or copied in: index what it holds.
      for await (const entry of discoverFiles(absPath, index)) {
        if (entry.kind === 'file' && (await shouldIndexFile(target.root, entry.absPath, index)) === null) {
          await indexer.indexFile(entry.absPath, target.collection, target.root);
        }
      }
      return true;
    }
    if (kind === 'file') {
      if (byPath !== null) {
        return false;
      }
      if ((await shouldIndexFile(target.root, absPath, index)) === null) {
        await indexer.indexFile(absPath, target.collection, target.root);
      } else {
        // Now ignored, binary, too large or empty: whatever it had in the index goes.
        await indexer.removeFile(absPath, target.collection, target.root);
      }
      return true;
    }
    if (byPath === null) {
      await indexer.removeFile(absPath, target.collection, target.root);
      return true;
    }
    if (byPath === 'not-included' && path.extname(absPath) === '') {
      // Possibly a deleted or renamed folder: drop every indexed file below it.
      const store = await this.services.store();
      const files = await store.listIndexedFiles(target.collection);
      for (const f of files.filter((f) => f.path.startsWith(`${rel}/`))) {
        await indexer.removeFile(path.join(target.root, f.path), target.collection, target.root);
      }
      return true;
    }
    return false;
  }

  dispose(): void {
    if (this.timer) {
      clearTimeout(this.timer);
    }
    for (const d of [...this.watchers, ...this.disposables]) {
      d.dispose();
    }
  }
}

/** True when the folder or one of its parents is never indexed (node_modules, build output, excludes). */
function excludedDir(rel: string, config: IndexConfig): boolean {
  const parts = rel.split('/');
  return parts.some((_, i) => classifyDir(parts.slice(0, i + 1).join('/'), config) !== null);
}

async function kindOf(p: string): Promise<'file' | 'dir' | 'missing'> {
  try {
    const st = await fs.stat(p);
    return st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'missing';
  } catch {
    return 'missing';
  }
}
