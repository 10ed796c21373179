import { ApiError, AppError, ConfigError, StoreError, errorMessage } from '../core/errors';

/**
 * The text a user sees for an error. Core errors already say what to do; this adds the
 * VS Code way of doing it (command names) where core cannot know it.
 */
export function userMessage(err: unknown): string {
  if (err instanceof StoreError) {
    switch (err.code) {
      case 'python-missing':
        return `${err.message} Install Python 3.10+ or set "kimiMilvus.milvus.pythonPath"; or point "kimiMilvus.milvus.uri" at a Milvus server.`;
      case 'unavailable':
        return `${err.message} Check "kimiMilvus.milvus.uri" and the token (Kimi Milvus: Set Milvus Token).`;
      case 'schema-mismatch':
        // Core's message already names the rebuild; saying it twice reads as two different fixes.
        return /Clear Index/.test(err.message) ? err.message : `${err.message} Run "Kimi Milvus: Clear Index" and index again.`;
      default:
        return err.message;
    }
  }
  if (err instanceof ApiError && err.status === 401 && !/Set Kimi API Key/.test(err.message)) {
    return `${err.message} Run "Kimi Milvus: Set Kimi API Key".`;
  }
  if (err instanceof ConfigError || err instanceof AppError) {
    return err.message;
  }
  return `Unexpected error: ${errorMessage(err)} (details in "Kimi Milvus: Show Logs").`;
}
