import * as vscode from 'vscode';
import { ConfigError } from '../core/errors';
import { ChatSession } from './chat/chatSession';
import { ChatViewProvider } from './chat/chatViewProvider';
import { Commands, OUTPUT_CHANNEL_NAME } from './constants';
import { createChannelLogger } from './logging';

/**
 * Interim activation while the core services land: the chat view renders and persists, every
 * other command says it is not available yet. activation.ts holds the full wiring.
 */
export function activate(context: vscode.ExtensionContext): void {
  const channel = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
  const log = createChannelLogger(channel);
  context.subscriptions.push(channel);
  const session = new ChatSession(
    context.workspaceState,
    {
      run: () => Promise.reject(new ConfigError('The agent is not available in this build yet.')),
    },
    log,
  );
  const setup = async () => ({ hasKimiKey: false, indexed: false, indexing: false, trusted: vscode.workspace.isTrusted, hasWorkspace: true });
  const provider = new ChatViewProvider(context.extensionUri, session, setup, log);
  context.subscriptions.push(
    session,
    provider,
    vscode.window.registerWebviewViewProvider(ChatViewProvider.viewType, provider),
    vscode.commands.registerCommand(Commands.showLogs, () => channel.show()),
    vscode.commands.registerCommand(Commands.newChat, () => provider.newChat()),
  );
  for (const id of Object.values(Commands)) {
    if (id !== Commands.showLogs && id !== Commands.newChat) {
      context.subscriptions.push(vscode.commands.registerCommand(id, () => vscode.window.showInformationMessage(`${id}: not yet available.`)));
    }
  }
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
