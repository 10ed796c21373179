import * as vscode from 'vscode';
import type { WebviewAction } from '../shared/protocol';
import { Commands } from './constants';

/** Runs an action of the closed list the webview and error messages offer (see errorFix.ts). */
export function runAction(action: WebviewAction): Thenable<unknown> {
  const settings = (query: string): Thenable<unknown> => vscode.commands.executeCommand('workbench.action.openSettings', query);
  switch (action) {
    case 'setKimiApiKey':
      return vscode.commands.executeCommand(Commands.setKimiApiKey);
    case 'indexWorkspace':
      return vscode.commands.executeCommand(Commands.indexWorkspace);
    case 'showLogs':
      return vscode.commands.executeCommand(Commands.showLogs);
    case 'manageTrust':
      return vscode.commands.executeCommand('workbench.trust.manage');
    case 'openKimiSettings':
      return settings('kimiMilvus.kimi.baseUrl');
    case 'openMilvusSettings':
      return settings('kimiMilvus.milvus');
    case 'openEmbeddingSettings':
      return settings('kimiMilvus.embedding');
    case 'setEmbeddingApiKey':
      return vscode.commands.executeCommand(Commands.setEmbeddingApiKey);
    case 'setMilvusToken':
      return vscode.commands.executeCommand(Commands.setMilvusToken);
  }
}
