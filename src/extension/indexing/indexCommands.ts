import * as vscode from 'vscode';
import { confirmDestructive } from '../confirm';
import { userMessage } from '../errorText';
import { collectionNameFor } from '../../core/indexing/collectionName';
import { Commands } from '../constants';
import type { Services } from '../services';
import { affectedServices } from '../settings';
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
    clearErrorOnFix(services, state),
    // `{ rebuild: true }`: the answer to "replace the vectors?" (its button, or a test) is yes.
    vscode.commands.registerCommand(Commands.indexWorkspace, async (options?: unknown) => {
      if (!(await askLocalEmbeddingOnce(services))) {
        return { status: 'refused', reason: 'endpoint-setup' } as const;
      }
      const rebuild = typeof options === 'object' && options !== null && (options as { rebuild?: unknown }).rebuild === true;
      const result = await runner.run(workspaceRoots(), { rebuild });
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

/**
 * "Kimi: index error" stands until what it was about changes: a Milvus, embedding or index setting,
 * or a Milvus or embedding key. Then the status bar goes back to the index's state (the next run tells
 * whether the change fixed it).
 */
function clearErrorOnFix(services: Services, state: IndexState): vscode.Disposable {
  const clear = (): void => {
    if (state.status.kind === 'error') {
      state.settle();
    }
  };
  return vscode.Disposable.from(
    vscode.workspace.onDidChangeConfiguration((e) => {
      const hit = affectedServices(e);
      if (hit.store || hit.embedding || hit.index) {
        clear();
      }
    }),
    services.secrets.onDidChangeSecret((name) => name !== 'kimiApiKey' && clear()),
  );
}
