import * as vscode from 'vscode';
import { confirmDestructive } from '../confirm';
import { userMessage } from '../errorText';
import { collectionNameFor } from '../../core/indexing/collectionName';
import { Commands } from '../constants';
import type { Services } from '../services';
import type { IndexState } from './indexState';
import { askLocalEmbeddingOnce } from './localConsent';
import { workspaceRoots, type IndexRunner } from './indexRunner';

/** Index Workspace and Clear Index. Both return a result object so tests can drive them. */
export function registerIndexCommands(
  context: vscode.ExtensionContext,
  services: Services,
  state: IndexState,
  runner: IndexRunner,
  onChanged: () => void,
): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.indexWorkspace, async () => {
      if (!(await askLocalEmbeddingOnce(services))) {
        return { status: 'refused', reason: 'endpoint-setup' } as const;
      }
      const result = await runner.run(workspaceRoots());
      onChanged();
      return result;
    }),
    vscode.commands.registerCommand(Commands.clearIndex, async (confirmed?: unknown) => {
      const roots = workspaceRoots();
      if (roots.length === 0) {
        return false;
      }
      if (!(await confirmDestructive(confirmed, 'Delete the index of this workspace? Chat will not find its files until you index it again.', 'Delete Index'))) {
        return false;
      }
      if (runner.busy) {
        void vscode.window.showInformationMessage('Kimi Milvus: wait for indexing to finish (or cancel it) first.');
        return false;
      }
      try {
        const store = await services.store();
        for (const root of roots) {
          const collection = collectionNameFor(root);
          if (await store.hasCollection(collection)) {
            await store.dropCollection(collection);
          }
          await state.removeCollection(collection);
          services.log.info(`Dropped collection ${collection} (${root}).`);
        }
        onChanged();
        void vscode.window.showInformationMessage('Kimi Milvus: the workspace index was deleted.');
        return true;
      } catch (err) {
        void vscode.window.showErrorMessage(`Kimi Milvus: could not delete the index. ${userMessage(err)}`);
        return false;
      }
    }),
  );
}
