import * as vscode from 'vscode';
import { collectionNameFor } from '../core/indexing/collectionName';
import type { ChatViewProvider } from './chat/chatViewProvider';
import { registerChat } from './chat/registerChat';
import { ChatCollections } from './collections/chatCollections';
import { registerCollections } from './collections/collectionCommands';
import type { CollectionsTree } from './collections/collectionsTree';
import { Commands, OUTPUT_CHANNEL_NAME } from './constants';
import { registerDocumentViews } from './documents/documentView';
import { registerAddFiles } from './indexing/addFiles';
import { registerIndexCommands } from './indexing/indexCommands';
import { IndexRunner } from './indexing/indexRunner';
import { IndexState } from './indexing/indexState';
import { LiveSync } from './indexing/liveSync';
import { RecentFiles } from './indexing/recentFiles';
import { registerChatParticipant } from './lm/chatParticipant';
import { registerMcpConfigCommand } from './lm/mcpConfig';
import { registerLanguageModelTools } from './lm/searchTool';
import { createChannelLogger } from './logging';
import { registerSecretCommands } from './secretCommands';
import { SecretStore } from './secretStore';
import { Services } from './services';
import { registerStatusBar } from './statusBar';
import type { KimiMilvusTestApi } from './testApi';
import { TrustState } from './trust';
import { Redactor } from '../core/redaction';
import { logRejection, type Logger } from '../core/logger';

/** The services of the running extension, so deactivate can wait for Milvus to stop. */
let running: Services | undefined;

/**
 * Activation is thin and lazy: it wires the features and returns. Nothing heavy (Milvus,
 * network) starts until the user acts.
 */
export function activate(context: vscode.ExtensionContext): KimiMilvusTestApi | undefined {
  const channel = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
  const testing = context.extensionMode === vscode.ExtensionMode.Test;
  const { log, lines, redactor } = createLog(channel, testing);
  const trust = new TrustState();
  const secrets = new SecretStore(context.secrets);
  const services = new Services(context, secrets, trust, log, redactor);
  const state = new IndexState(context.workspaceState);
  const recent = new RecentFiles();
  const runner = new IndexRunner(services, state, recent);
  context.subscriptions.push(recent, runner.fill);
  const chatCollections = new ChatCollections(context.workspaceState);
  running = services;
  context.subscriptions.push(channel, trust, secrets, state, chatCollections, services);
  context.subscriptions.push(vscode.commands.registerCommand(Commands.showLogs, () => channel.show()));

  registerSecretCommands(context, secrets, services);
  const chat = registerChat(context, services, state, chatCollections);
  const tree = registerCollections(context, services, state, runner, chatCollections);
  const changed = (): void => {
    tree.refresh();
    logRejection(chat.refreshSetup(), services.log, 'Updating the chat setup');
  };
  registerIndexCommands(context, services, state, runner, changed);
  // The Collections view shows "N% semantic" while vectors are filled, the same figure as the status bar.
  context.subscriptions.push(followSemantic(state, () => tree.refresh()));
  registerAddFiles(context, services, changed);
  registerDocumentViews(context);
  registerStatusBar(context, state, trust);
  registerLanguageModelTools(context, services, chatCollections);
  registerMcpConfigCommand(context, services);
  const kimiChatHandler = registerChatParticipant(context, services, chatCollections);
  const liveSync = new LiveSync(services, state, runner);
  context.subscriptions.push(liveSync);
  log.info(`Kimi Milvus Chat activated (${vscode.env.appHost}, ${vscode.env.remoteName ?? 'local'}).`);

  return testing ? testApi({ context, trust, secrets, services, lines, liveSync, chat, tree, kimiChatHandler }) : undefined;
}

/** The log channel's logger (keys redacted); under test it also keeps the last lines for the tests to read. */
function createLog(channel: vscode.LogOutputChannel, testing: boolean): { log: Logger; lines: string[]; redactor: Redactor } {
  // Only the tests read the log back (to prove no key is in it); production keeps no copy.
  const lines: string[] = [];
  const redactor = new Redactor();
  const log = createChannelLogger(
    channel,
    testing
      ? (line) => {
          lines.push(line);
          if (lines.length > 5000) {
            lines.splice(0, lines.length - 5000);
          }
        }
      : undefined,
    redactor,
  );
  return { log, lines, redactor };
}

/** The parts of the running extension the test API looks into. */
interface Wired {
  readonly context: vscode.ExtensionContext;
  readonly trust: TrustState;
  readonly secrets: SecretStore;
  readonly services: Services;
  readonly lines: readonly string[];
  readonly liveSync: LiveSync;
  readonly chat: ChatViewProvider;
  readonly tree: CollectionsTree;
  readonly kimiChatHandler: vscode.ChatRequestHandler;
}

/** What activate returns in ExtensionMode.Test (never in production). */
function testApi({ context, trust, secrets, services, lines, liveSync, chat, tree, kimiChatHandler }: Wired): KimiMilvusTestApi {
  return {
    setTrustOverride: (value) => trust.setOverride(value),
    readSecret: (name) => secrets.get(name),
    search: async (collection, query) => (await services.store()).search(collection, query, { limit: 10 }),
    listCollections: async () => (await services.store()).listCollections(),
    vectorCounts: async (collection) => (await services.store()).vectorCounts(collection),
    collectionFor: collectionNameFor,
    logLines: () => lines,
    logUri: context.logUri,
    onDidSync: liveSync.onDidSync,
    chatViewLoaded: () => chat.viewLoaded,
    collectionsViewVisible: () => tree.visible,
    collectionRows: async () => (await tree.getChildren()).map((item) => ({ name: item.info.name, description: String(item.description ?? '') })),
    kimiChatHandler,
    chat: chat.testHandle(),
  };
}

/** Redraws the Collections view as the semantic figure moves, at most every second (and once at the end). */
function followSemantic(state: IndexState, refresh: () => void): vscode.Disposable {
  let last: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const listener = state.onDidChangeStatus((s) => {
    const semantic = s.kind === 'indexed' ? s.semantic : undefined;
    if (semantic === last) {
      return;
    }
    last = semantic;
    timer ??= setTimeout(() => {
      timer = undefined;
      refresh();
    }, 1000);
  });
  return new vscode.Disposable(() => {
    clearTimeout(timer);
    listener.dispose();
  });
}

export async function deactivate(): Promise<void> {
  const services = running;
  running = undefined;
  await services?.dispose();
}
