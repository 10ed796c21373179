import * as vscode from 'vscode';
import { collectionNameFor } from '../../core/indexing/collectionName';

const KEY = 'kimiMilvus.chatCollections';

/**
 * Which collections the chat's search tools look in, per workspace. Until the user toggles one,
 * it is the collections of the workspace folders.
 */
export class ChatCollections implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;

  constructor(private readonly memento: vscode.Memento) {}

  /** The workspace folders' own collections (the default selection). */
  static defaults(): string[] {
    return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => collectionNameFor(f.uri.fsPath));
  }

  get selected(): string[] {
    const raw = this.memento.get<unknown>(KEY);
    return Array.isArray(raw) && raw.every((x) => typeof x === 'string') ? (raw as string[]) : ChatCollections.defaults();
  }

  has(name: string): boolean {
    return this.selected.includes(name);
  }

  async toggle(name: string): Promise<boolean> {
    const now = this.selected;
    const on = !now.includes(name);
    await this.memento.update(KEY, on ? [...now, name] : now.filter((n) => n !== name));
    this.emitter.fire();
    return on;
  }

  async forget(name: string): Promise<void> {
    if (this.memento.get<unknown>(KEY) !== undefined) {
      await this.memento.update(KEY, this.selected.filter((n) => n !== name));
    }
    this.emitter.fire();
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
