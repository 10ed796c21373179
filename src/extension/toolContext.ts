import * as vscode from 'vscode';
import type { ToolContext } from '../core/agent/tools/context';
import { collectionNameFor } from '../core/indexing/collectionName';
import type { ChatCollections } from './collections/chatCollections';
import type { Services } from './services';

/**
 * What the agent's tools see inside VS Code, the same for our chat, the language-model tool and
 * @kimi: the workspace's file folders, their collections plus the ones ticked for the chat, trust,
 * the log and the key redactor. The caller brings the store, indexer and embedder it opened.
 */
export function extensionToolContext(
  services: Services,
  chatCollections: ChatCollections,
  parts: Pick<ToolContext, 'store' | 'indexer' | 'embedder' | 'searchScope'>,
): ToolContext {
  return {
    ...parts,
    workspaceFolders: (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
    collectionFor: collectionNameFor,
    searchCollections: () => chatCollections.extra,
    howToIndex: 'Tell the user to run "Kimi Milvus: Index Workspace".',
    trusted: services.trust.trusted,
    logger: services.log,
    redactor: services.redactor,
  };
}
