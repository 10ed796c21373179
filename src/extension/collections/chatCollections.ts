import * as vscode from 'vscode';
import { collectionNameFor } from '../../core/indexing/collectionName';

const KEY = 'kimiMilvus.chatCollections';

/**
 * Which extra collections the chat's search looks in, per workspace. The workspace folders' own
 * collections are always searched (search_workspace starts from them); this list adds others,
 * e.g. one filled with "Add File to Collection".
 */
export class ChatCollections implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;

  constructor(private readonly memento: vscode.Memento) {}

  /** The workspace folders' own collections. */
  static workspaceCollections(): string[] {
    return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => collectionNameFor(f.uri.fsPath));
  }

  /** Extra collections the user chose. */
  get extra(): string[] {
    const raw = this.memento.get<unknown>(KEY);
    return Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : [];
  }

  /** Everything the chat searches. */
  get searched(): string[] {
    return [...new Set([...ChatCollections.workspaceCollections(), ...this.extra])];
  }

  has(name: string): boolean {
    return this.searched.includes(name);
  }

  /** Adds or removes an extra collection; returns whether it is searched afterwards. */
  async toggle(name: string): Promise<boolean> {
    if (ChatCollections.workspaceCollections().includes(name)) {
      void vscode.window.showInformationMessage('Kimi Milvus: the workspace\'s own collection is always searched in chat.');
      return true;
    }
    const now = this.extra;
    const on = !now.includes(name);
    await this.memento.update(KEY, on ? [...now, name] : now.filter((n) => n !== name));
    this.emitter.fire();
    return on;
  }

  async forget(name: string): Promise<void> {
    if (this.extra.includes(name)) {
      await this.memento.update(KEY, this.extra.filter((n) => n !== name));
      this.emitter.fire();
    }
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
