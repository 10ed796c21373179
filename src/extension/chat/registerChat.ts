import * as vscode from 'vscode';
import { logRejection } from '../../core/logger';
import type { SetupState } from '../../shared/protocol';
import type { ChatCollections } from '../collections/chatCollections';
import { Commands } from '../constants';
import type { IndexState } from '../indexing/indexState';
import type { Services } from '../services';
import { AgentChatEngine } from './agentEngine';
import { ChatSession } from './chatSession';
import { createChatStore } from './chatStore';
import { ChatViewProvider } from './chatViewProvider';
import { pickConversation } from './conversationPicker';
import { CodeProposals, PROPOSAL_SCHEME } from './codeProposals';
import { EditorContext } from './editorContext';
import { EditorTracker } from './editorTracker';
import { MentionSearch } from './mentions';
import { createModelChoice } from './modelChoice';
import { registerChatCosts } from './registerCost';

/** The chat view, its session (conversations persisted per workspace), New Chat and the conversation list. */
export function registerChat(
  context: vscode.ExtensionContext,
  services: Services,
  state: IndexState,
  chatCollections: ChatCollections,
): ChatViewProvider {
  const store = createChatStore(context.storageUri, context.workspaceState);
  const engine = new AgentChatEngine(services, chatCollections);
  const session = new ChatSession(store, engine, services.log, services.redactor);
  const parts = { editors: new EditorTracker(), proposals: new CodeProposals(), editorContext: new EditorContext(), mentions: new MentionSearch() };
  const costs = registerChatCosts(context, { services, session, store, engine, editorContext: parts.editorContext });
  const provider = new ChatViewProvider(
    context.extensionUri,
    session,
    () => setupState(services, state),
    createModelChoice(services),
    services.log,
    parts.editors,
    parts.proposals,
    parts.editorContext,
    parts.mentions,
    () => services.trust.trusted,
    costs,
  );
  context.subscriptions.push(
    parts.editors,
    parts.proposals,
    parts.editorContext,
    parts.mentions,
    ...chatCommands(provider, parts.editorContext, parts.proposals),
    session,
    provider,
    vscode.window.registerWebviewViewProvider(ChatViewProvider.viewType, provider, {
      // The view repaints from its saved state and the host's snapshot; no need to keep it alive hidden.
      webviewOptions: { retainContextWhenHidden: false },
    }),
    vscode.commands.registerCommand(Commands.newChat, () => provider.newChat()),
    vscode.commands.registerCommand(Commands.showConversations, () => pickConversation(session, () => provider.showConversation())),
    ...refreshOnChanges(services, state, session, provider),
  );
  return provider;
}

/** What the view's setup screen needs: a key, an index, trust and a folder. */
async function setupState(services: Services, state: IndexState): Promise<SetupState> {
  return {
    hasKimiKey: (await services.secrets.get('kimiApiKey')) !== undefined,
    indexed: state.records.length > 0,
    indexing: state.status.kind === 'indexing',
    trusted: services.trust.trusted,
    hasWorkspace: (vscode.workspace.workspaceFolders ?? []).length > 0,
  };
}

/** Ask About Selection, Add Selection to Chat, Focus Chat, and accepting or rejecting Kimi's proposed edits. */
function chatCommands(provider: ChatViewProvider, editorContext: EditorContext, proposals: CodeProposals): vscode.Disposable[] {
  const addSelection = async (focusInput: boolean): Promise<void> => {
    const editor = vscode.window.activeTextEditor;
    if (!focusInput && editor) {
      // Shows the chat, then back to the editor: adding several selections in a row should not need
      // a click each time. The chip is added after the focus is back, so once it shows the command
      // is done and nothing moves the focus under the user typing into the chat.
      await vscode.commands.executeCommand(`${ChatViewProvider.viewType}.focus`);
      await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    }
    if (!editorContext.addSelection(editor)) {
      void vscode.window.showInformationMessage('Kimi Milvus: open a file and select the code to ask about.');
      return;
    }
    if (focusInput) {
      await provider.focus();
    }
  };
  return [
    vscode.commands.registerCommand(Commands.askAboutSelection, () => addSelection(true)),
    vscode.commands.registerCommand(Commands.addSelectionToChat, () => addSelection(false)),
    vscode.commands.registerCommand(Commands.focusChat, () => provider.focus()),
    vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, proposals),
    vscode.commands.registerCommand(Commands.acceptProposal, (uri?: vscode.Uri) => proposals.accept(uri)),
    vscode.commands.registerCommand(Commands.rejectProposal, (uri?: vscode.Uri) => proposals.reject(uri)),
  ];
}

/** Keeps the setup screen and the model list current, and clears chat errors a new key or URL fixed. */
function refreshOnChanges(services: Services, state: IndexState, session: ChatSession, provider: ChatViewProvider): vscode.Disposable[] {
  const refresh = (): void => logRejection(provider.refreshSetup(), services.log, 'Updating the chat setup');
  return [
    services.secrets.onDidChangeSecret((name) => {
      refresh();
      if (name === 'kimiApiKey') {
        logRejection(provider.refreshModels(), services.log, 'Listing the models');
        // "No Kimi API key" and "Kimi rejected the API key" are fixed by a new key: stop showing them.
        session.clearErrors((code) => code === 'config/kimi-key-missing' || code === 'kimi/auth');
      }
    }),
    services.trust.onDidChangeTrust(refresh),
    state.onDidChangeStatus(refresh),
    vscode.workspace.onDidChangeWorkspaceFolders(refresh),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('kimiMilvus.kimi')) {
        logRejection(provider.refreshModels(), services.log, 'Listing the models');
      }
      if (e.affectsConfiguration('kimiMilvus.budget') || e.affectsConfiguration('kimiMilvus.pricing')) {
        logRejection(provider.sendTotals(), services.log, 'Showing the cost totals');
      }
      if (e.affectsConfiguration('kimiMilvus.kimi.baseUrl')) {
        session.clearErrors((code) => code === 'kimi/connection');
      }
    }),
  ];
}
