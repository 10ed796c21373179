import * as vscode from 'vscode';
import { resolveProvider } from '../../core/embedding/factory';
import { DEFAULT_LOCAL_MODEL } from '../../core/embedding/localModel';
import type { Services } from '../services';

const LOCAL = `Local semantic search (downloads ${Math.round(DEFAULT_LOCAL_MODEL.bytes / 1_000_000)} MB, indexing takes longer)`;
const KEYWORD = 'Keyword search only';
const ENDPOINT = 'Use an endpoint';

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
    'Kimi Milvus: search your code by meaning, not only by keywords? Kimi has no embeddings API, so this needs ' +
      'a small embedding model run on this computer (all-MiniLM-L6-v2, with Python 3.10+), or an embedding endpoint of your own.',
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
