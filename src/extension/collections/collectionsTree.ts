import * as vscode from 'vscode';
import { collectionNameFor } from '../../core/indexing/collectionName';
import type { CollectionInfo } from '../../core/store/types';
import { COLLECTIONS_VIEW_ID } from '../constants';
import { userMessage } from '../errorText';
import type { IndexState } from '../indexing/indexState';
import type { Services } from '../services';
import type { ChatCollections } from './chatCollections';

/** A row of the Collections view. `root` is set when the collection mirrors a workspace folder. */
export class CollectionItem extends vscode.TreeItem {
  constructor(
    readonly info: CollectionInfo,
    readonly root: string | undefined,
    searched: boolean,
    /** Percent of rows with their vector (progressive hybrid); undefined when unknown or BM25 only. */
    semantic?: number,
  ) {
    super(info.name, vscode.TreeItemCollapsibleState.None);
    const parts = [`${info.rowCount.toLocaleString()} ${info.rowCount === 1 ? 'row' : 'rows'}`];
    if (semantic !== undefined && semantic < 100) {
      parts.push(`${semantic}% semantic`);
    }
    if (searched) {
      parts.push('searched in chat');
    }
    if (info.description) {
      parts.push(info.description);
    }
    this.description = parts.join(' · ');
    const embedding = info.embedding ? `${info.embedding.model} (${info.embedding.dimensions} dims), hybrid search` : 'BM25 full-text search only';
    this.tooltip = new vscode.MarkdownString(
      [`**${info.name}**`, info.description, root ? `Folder: \`${root}\`` : undefined, `${info.rowCount} rows`, embedding]
        .filter(Boolean)
        .join('\n\n'),
    );
    // Two words so both manifest patterns match: /collection/ (every row) and /workspaceCollection/.
    this.contextValue = root ? 'collection workspaceCollection' : 'collection';
    this.iconPath = new vscode.ThemeIcon(searched ? 'pass-filled' : 'database');
  }
}

/**
 * The Collections view. It lists what Milvus has, but only starts Milvus when there is
 * something to show (a folder was indexed before) or the user refreshes: opening the side bar
 * must not provision a server.
 */
export class CollectionsTree implements vscode.TreeDataProvider<CollectionItem>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.emitter.event;
  private forced = false;
  private readonly view: vscode.TreeView<CollectionItem>;

  constructor(
    private readonly services: Services,
    private readonly state: IndexState,
    private readonly chatCollections: ChatCollections,
  ) {
    this.view = vscode.window.createTreeView(COLLECTIONS_VIEW_ID, { treeDataProvider: this, showCollapseAll: false });
  }

  /** VS Code shows the view in the workbench (the test API reads it: the view really resolves). */
  get visible(): boolean {
    return this.view.visible;
  }

  refresh(force = false): void {
    this.forced ||= force;
    this.emitter.fire();
  }

  getTreeItem(item: CollectionItem): vscode.TreeItem {
    return item;
  }

  async getChildren(parent?: CollectionItem): Promise<CollectionItem[]> {
    if (parent) {
      return [];
    }
    if (!this.forced && !this.services.openStoreIfReady && this.state.records.length === 0) {
      return [];
    }
    try {
      const store = await this.services.store();
      const collections = await store.listCollections();
      const roots = new Map(
        (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => [collectionNameFor(f.uri.fsPath), f.uri.fsPath]),
      );
      const selected = new Set(this.chatCollections.searched);
      const semantic = new Map<string, number>();
      for (const c of collections.filter((x) => x.embedding)) {
        // Collections of another schema have no has_vector field: shown without the figure.
        const counts = await store.vectorCounts(c.name).catch(() => undefined);
        if (counts && counts.total > 0) {
          semantic.set(c.name, Math.floor((100 * counts.withVector) / counts.total));
        }
      }
      return collections
        .sort((a, b) => Number(roots.has(b.name)) - Number(roots.has(a.name)) || a.name.localeCompare(b.name))
        .map((c) => new CollectionItem(c, roots.get(c.name), selected.has(c.name), semantic.get(c.name)));
    } catch (err) {
      void vscode.window.showErrorMessage(`Kimi Milvus: could not list collections. ${userMessage(err)}`);
      return [];
    }
  }

  dispose(): void {
    this.view.dispose();
    this.emitter.dispose();
  }
}
