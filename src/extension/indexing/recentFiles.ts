import * as path from 'node:path';
import * as vscode from 'vscode';
import { storedPath } from '../../core/indexing/indexer';

/** Recently edited or focused files remembered, most recent first. */
const MAX_RECENT = 30;

/**
 * The files a user works on, for the background fill to embed first (vectorFiller's priority):
 * the files open in editor tabs, and those edited, saved or focused lately. Only `file:` URIs.
 */
export class RecentFiles implements vscode.Disposable {
  private readonly recent: string[] = [];
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    const touch = (uri: vscode.Uri | undefined): void => {
      if (uri?.scheme !== 'file') {
        return;
      }
      const file = uri.fsPath;
      const at = this.recent.indexOf(file);
      if (at !== 0) {
        if (at > 0) {
          this.recent.splice(at, 1);
        }
        this.recent.unshift(file);
        this.recent.length = Math.min(this.recent.length, MAX_RECENT);
      }
    };
    touch(vscode.window.activeTextEditor?.document.uri);
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length > 0 && touch(e.document.uri)),
      vscode.workspace.onDidSaveTextDocument((d) => touch(d.uri)),
      vscode.window.onDidChangeActiveTextEditor((e) => touch(e?.document.uri)),
    );
  }

  /** Stored paths (relative to `root`, with '/') of open and recent files under it: recent first, then open tabs. */
  pathsUnder(root: string): string[] {
    const open = vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => (t.input instanceof vscode.TabInputText ? t.input.uri : undefined)));
    const files = [...this.recent, ...open.filter((u): u is vscode.Uri => u?.scheme === 'file').map((u) => u.fsPath)];
    const rootAbs = path.resolve(root);
    const under = files.filter((f) => {
      const rel = path.relative(rootAbs, f);
      return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
    });
    return [...new Set(under.map((f) => storedPath(f, rootAbs)))];
  }

  dispose(): void {
    for (const d of this.disposables) {
      d.dispose();
    }
  }
}
