import * as vscode from 'vscode';
import { CHAT_VIEW_ID, Commands } from './constants';
import { embeddingTooltip } from '../text/embeddingText';
import type { IndexState, IndexStatus } from './indexing/indexState';
import type { TrustState } from './trust';

/** The index state in the status bar; clicking it does the obvious next thing. */
export function registerStatusBar(context: vscode.ExtensionContext, state: IndexState, trust: TrustState): void {
  const item = vscode.window.createStatusBarItem('kimiMilvus.indexStatus', vscode.StatusBarAlignment.Left, 50);
  item.name = 'Kimi Milvus Index';
  const update = (): void => {
    if ((vscode.workspace.workspaceFolders ?? []).length === 0) {
      item.hide();
      return;
    }
    const view = present(state.status, trust.trusted);
    item.text = view.text;
    item.tooltip = view.tooltip;
    item.command = view.command;
    item.backgroundColor = state.status.kind === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    item.show();
  };
  context.subscriptions.push(
    item,
    state.onDidChangeStatus(update),
    trust.onDidChangeTrust(update),
    vscode.workspace.onDidChangeWorkspaceFolders(update),
  );
  update();
}

function present(status: IndexStatus, trusted: boolean): { text: string; tooltip: string; command: string | undefined } {
  if (!trusted) {
    return { text: '$(shield) Kimi: restricted', tooltip: 'Restricted Mode: indexing is off. Click to manage workspace trust.', command: 'workbench.trust.manage' };
  }
  switch (status.kind) {
    case 'notIndexed':
      return { text: '$(database) Kimi: not indexed', tooltip: 'This workspace has no index. Click to index it.', command: Commands.indexWorkspace };
    case 'indexing':
      // Before files are read (Milvus setup, a model download, a copy) a percent of files would sit at 0.
      return status.phase
        ? { text: `$(sync~spin) Kimi: ${status.phase}…`, tooltip: `Preparing to index ${status.folder}: ${status.phase}. Click for the log.`, command: Commands.showLogs }
        : { text: `$(sync~spin) Kimi: indexing ${status.percent}%`, tooltip: `Indexing ${status.folder}. Click for the log.`, command: Commands.showLogs };
    case 'indexed':
      if (status.embedding && status.embedding.chunksDone < status.embedding.chunksTotal) {
        return {
          text: `$(sync~spin) Kimi: ${status.files.toLocaleString()} files · ${status.semantic ?? 0}% semantic`,
          tooltip: `${embeddingTooltip(status.files, status.embedding)}\nClick to open the chat.`,
          command: `${CHAT_VIEW_ID}.focus`,
        };
      }
      return {
        // Shown while vectors are being filled in; keyword search already covers every file.
        text: `$(database) Kimi: ${status.files.toLocaleString()} files${status.semantic !== undefined && status.semantic < 100 ? ` · ${status.semantic}% semantic` : ''}`,
        tooltip:
          status.semantic !== undefined && status.semantic < 100
            ? `Indexed ${status.files} files; ${status.semantic}% of chunks have their vectors (keyword search covers the rest). Click to open the chat.`
            : `Indexed ${status.files} files. Click to open the chat.`,
        command: `${CHAT_VIEW_ID}.focus`,
      };
    case 'error':
      return { text: '$(error) Kimi: index error', tooltip: `${status.message}\nClick to index again.`, command: Commands.indexWorkspace };
  }
}
