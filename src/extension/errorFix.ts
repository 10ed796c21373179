import { ApiError, ConfigError, StoreError } from '../core/errors';
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
  if (err instanceof ApiError) {
    if (err.status === 401) {
      return 'setKimiApiKey';
    }
    if (err.status === undefined && (err.type === 'connection_error' || err.type === 'timeout')) {
      return 'openKimiSettings';
    }
    return undefined;
  }
  if (err instanceof ConfigError && /Kimi API key/i.test(err.message)) {
    return 'setKimiApiKey';
  }
  return undefined;
}

/** What fixes a failed index run (Milvus, the embedding endpoint or the local model). */
export function indexFix(err: unknown): WebviewAction {
  if (err instanceof StoreError) {
    if (err.code === 'python-missing' || err.code === 'unavailable') {
      return 'openMilvusSettings';
    }
    return 'showLogs';
  }
  if (err instanceof ApiError) {
    return err.status === 401 || err.status === 403 ? 'setEmbeddingApiKey' : err.status === 429 ? 'showLogs' : 'openEmbeddingSettings';
  }
  if (err instanceof ConfigError && /embedding/i.test(err.message)) {
    return 'openEmbeddingSettings';
  }
  return 'showLogs';
}
