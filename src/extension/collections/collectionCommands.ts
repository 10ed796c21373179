import * as vscode from 'vscode';
import { confirmDestructive } from '../confirm';
import { collectionNameFor } from '../../core/indexing/collectionName';
import { Commands } from '../constants';
import { userMessage } from '../errorText';
import type { IndexRunner } from '../indexing/indexRunner';
import type { IndexState } from '../indexing/indexState';
import type { Services } from '../services';
import type { ChatCollections } from './chatCollections';
import { CollectionsTree } from './collectionsTree';

/** The name of the collection a command was invoked on: a tree row, or `{ name }` from tests. */
function nameOf(arg: unknown): string | undefined {
  if (typeof arg === 'object' && arg !== null) {
    const rec = arg as { info?: { name?: unknown }; name?: unknown };
    if (typeof rec.info?.name === 'string') {
      return rec.info.name;
    }
    if (typeof rec.name === 'string') {
      return rec.name;
    }
  }
  return typeof arg === 'string' ? arg : undefined;
}

export function registerCollections(
  context: vscode.ExtensionContext,
  services: Services,
  state: IndexState,
  runner: IndexRunner,
  chatCollections: ChatCollections,
): CollectionsTree {
  const tree = new CollectionsTree(services, state, chatCollections);
  context.subscriptions.push(
    tree,
    chatCollections.onDidChange(() => tree.refresh()),
    vscode.commands.registerCommand(Commands.refreshCollections, () => tree.refresh(true)),
    vscode.commands.registerCommand(Commands.toggleCollectionInChat, async (arg?: unknown) => {
      const name = nameOf(arg);
      return name ? chatCollections.toggle(name) : undefined;
    }),
    vscode.commands.registerCommand(Commands.reindexCollection, async (arg?: unknown) => {
      const name = nameOf(arg);
      const folder = (vscode.workspace.workspaceFolders ?? []).find((f) => collectionNameFor(f.uri.fsPath) === name);
      if (!folder) {
        void vscode.window.showInformationMessage(`Kimi Milvus: ${name ?? 'this collection'} is not the index of a workspace folder.`);
        return undefined;
      }
      const result = await runner.run([folder.uri.fsPath]);
      tree.refresh();
      return result;
    }),
    vscode.commands.registerCommand(Commands.deleteCollection, async (arg?: unknown, confirmed?: unknown) => {
      const name = nameOf(arg);
      if (!name) {
        return false;
      }
      if (!(await confirmDestructive(confirmed, `Delete the collection "${name}" and everything in it?`, 'Delete'))) {
        return false;
      }
      try {
        const store = await services.store();
        await store.dropCollection(name);
        await state.removeCollection(name);
        await chatCollections.forget(name);
        services.log.info(`Deleted collection ${name}.`);
        tree.refresh();
        return true;
      } catch (err) {
        void vscode.window.showErrorMessage(`Kimi Milvus: could not delete ${name}. ${userMessage(err)}`);
        return false;
      }
    }),
  );
  return tree;
}
