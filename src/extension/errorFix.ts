import { ConfigError, EmbeddingApiError, KimiApiError, StoreError } from '../core/errors';
import type { WebviewAction } from '../shared/protocol';

/**
 * The one action that fixes an error, so a message can offer it as a button instead of naming
 * a setting or a command in prose: the chat shows it under a failed answer, an index run on its
 * error notification. The ids are the closed list the webview may ask the host to run
 * (webviewActions.ts runs them). No vscode import: the chat session is unit-tested in plain Node.
 */
export const ACTION_LABELS: Record<WebviewAction, string> = {
  setKimiApiKey: 'Set Kimi API Key',
  indexWorkspace: 'Index Workspace',
  showLogs: 'Show Logs',
  manageTrust: 'Manage Workspace Trust',
  openKimiSettings: 'Open Kimi Settings',
  openMilvusSettings: 'Open Milvus Settings',
  openEmbeddingSettings: 'Open Embedding Settings',
  setEmbeddingApiKey: 'Set Embedding API Key',
  setMilvusToken: 'Set Milvus Token',
};

/** What fixes a failed chat answer (Kimi's errors; Milvus failures reach the model as tool results). */
export function chatFix(err: unknown): WebviewAction | undefined {
  if (err instanceof KimiApiError) {
    switch (err.code) {
      case 'auth':
        return 'setKimiApiKey';
      case 'connection':
      case 'timeout':
        return 'openKimiSettings';
      default:
        return undefined;
    }
  }
  return err instanceof ConfigError && err.code === 'kimi-key-missing' ? 'setKimiApiKey' : undefined;
}

/** What fixes a failed index run (Milvus, the embedding endpoint or the local model). */
export function indexFix(err: unknown): WebviewAction {
  if (err instanceof StoreError) {
    const forEmbedding = err.details.purpose === 'local-embedding';
    switch (err.code) {
      case 'python-missing':
      case 'install-failed':
        return forEmbedding ? 'openEmbeddingSettings' : 'openMilvusSettings';
      case 'unavailable':
        return 'openMilvusSettings';
      default:
        return 'showLogs';
    }
  }
  if (err instanceof EmbeddingApiError) {
    return err.code === 'auth' ? 'setEmbeddingApiKey' : err.code === 'quota' ? 'showLogs' : 'openEmbeddingSettings';
  }
  return err instanceof ConfigError && err.code !== undefined && err.code !== 'kimi-key-missing' ? 'openEmbeddingSettings' : 'showLogs';
}
