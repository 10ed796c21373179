import type * as vscode from 'vscode';
import type { CollectionInfo, SearchHit, VectorCounts } from '../core/store/types';
import type { ChatTestHandle } from './chat/chatViewProvider';
import type { SecretName } from './secretStore';

/**
 * What `activate` returns when the extension runs under test (ExtensionMode.Test), for the
 * extension-host suites: things no public VS Code API can observe. Never returned in production.
 */
export interface KimiMilvusTestApi {
  /** Simulates Restricted Mode (a test window cannot be made untrusted after start). undefined = real state. */
  setTrustOverride(trusted: boolean | undefined): void;
  /** Reads a credential back from SecretStorage, to prove the commands stored it there. */
  readSecret(name: SecretName): Promise<string | undefined>;
  search(collection: string, query: string): Promise<SearchHit[]>;
  listCollections(): Promise<CollectionInfo[]>;
  /** How many chunks of a collection have their vector yet (progressive hybrid). */
  vectorCounts(collection: string): Promise<VectorCounts>;
  collectionFor(root: string): string;
  /** Every line written to the "Kimi Milvus" log channel since activation (already redacted). */
  logLines(): readonly string[];
  /** The folder VS Code writes this extension's log files to. */
  readonly logUri: vscode.Uri;
  /** Fires after live sync applied a batch, with the paths it updated. */
  readonly onDidSync: vscode.Event<readonly string[]>;
  /** The chat view is resolved and its script has run and said 'ready' to the host. */
  chatViewLoaded(): boolean;
  /** VS Code shows the Collections tree view. */
  collectionsViewVisible(): boolean;
  /** The Collections view's top rows as its data provider hands them to VS Code. */
  collectionRows(): Promise<{ readonly name: string; readonly description: string }[]>;
  /** The @kimi chat participant's request handler, to drive it where the host has no Chat view. */
  readonly kimiChatHandler: vscode.ChatRequestHandler;
  /** The chat view's session (send a question, read its turns) and its cost totals, without the webview. */
  readonly chat: ChatTestHandle;
}
