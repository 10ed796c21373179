import * as vscode from 'vscode';
import { resolveProvider } from '../../core/embedding/factory';
import { DEFAULT_LOCAL_MODEL } from '../../core/embedding/localModel';
import type { Services } from '../services';

const MB = Math.round(DEFAULT_LOCAL_MODEL.bytes / 1_000_000);
// Short: a notification cuts long button labels off ("Local semantic search (download…"); the message explains them.
const LOCAL = `Local Model (${MB} MB)`;
const KEYWORD = 'Keywords Only';
const ENDPOINT = 'Use an Endpoint';

/**
 * Before the first Index Workspace without an embedding endpoint, asks once whether to run a
 * small embedding model on this computer, and remembers the answer. Returns false when the user
 * went to set up an endpoint instead (the run waits for that). Closing the question indexes
 * keyword-only this time and asks again next time.
 */
export async function askLocalEmbeddingOnce(services: Services): Promise<boolean> {
  // Restricted Mode refuses the run anyway; no folder, nothing to index.
  if (services.localChoice !== undefined || !services.trust.trusted || !vscode.workspace.workspaceFolders?.length) {
    return true;
  }
  const { embedding } = await services.config();
  if ((embedding.provider ?? 'auto') !== 'auto' || resolveProvider(embedding) !== 'none') {
    return true;
  }
  const answer = await vscode.window.showInformationMessage(
    'Kimi Milvus: search your code by meaning, not only by keywords? Kimi has no embeddings API. ' +
      `${LOCAL}: all-MiniLM-L6-v2 runs on this computer (Python 3.10+; indexing takes longer). ` +
      `${ENDPOINT}: opens the embedding settings. ${KEYWORD}: nothing to set up. You can change it later without losing the index.`,
    LOCAL,
    KEYWORD,
    ENDPOINT,
  );
  if (answer === LOCAL) {
    await services.setLocalChoice('local');
  } else if (answer === KEYWORD) {
    await services.setLocalChoice('keyword');
  } else if (answer === ENDPOINT) {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'kimiMilvus.embedding');
    return false;
  }
  return true;
}
