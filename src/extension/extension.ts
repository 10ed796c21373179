import * as vscode from 'vscode';
import { Commands, OUTPUT_CHANNEL_NAME } from './constants';
import { ChatViewProvider } from './chatViewProvider';

/**
 * Activation is thin and lazy: it registers commands and views only. Nothing heavy (Milvus,
 * network) starts until the user acts.
 */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
  context.subscriptions.push(log);
  log.info('Kimi Milvus Chat activated');

  const chat = new ChatViewProvider(context.extensionUri, log);
  context.subscriptions.push(
    vscode.window.registerWebviewViewProvider(ChatViewProvider.viewType, chat, {
      webviewOptions: { retainContextWhenHidden: false },
    }),
  );

  context.subscriptions.push(vscode.commands.registerCommand(Commands.showLogs, () => log.show()));
  const notYet = [
    Commands.indexWorkspace,
    Commands.addFileToCollection,
    Commands.setKimiApiKey,
    Commands.setEmbeddingApiKey,
    Commands.setMilvusToken,
    Commands.clearSecrets,
    Commands.clearIndex,
    Commands.newChat,
    Commands.refreshCollections,
    Commands.reindexCollection,
    Commands.deleteCollection,
    Commands.toggleCollectionInChat,
  ];
  for (const id of notYet) {
    context.subscriptions.push(
      vscode.commands.registerCommand(id, () => vscode.window.showInformationMessage(`${id}: not yet available.`)),
    );
  }
  const collections = vscode.window.createTreeView('kimiMilvus.collections', {
    treeDataProvider: { getChildren: () => [], getTreeItem: (e: vscode.TreeItem) => e },
  });
  context.subscriptions.push(collections);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
