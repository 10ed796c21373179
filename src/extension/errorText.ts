import { AppError, errorMessage } from '../core/errors';
import { errorText, type FrontEndWords } from '../text/errorText';

/** VS Code's way out of an error: its commands and settings (src/text/errorText.ts picks one by the error's code). */
export const VSCODE_WORDS: FrontEndWords = {
  setKimiKey: 'Run "Kimi Milvus: Set Kimi API Key".',
  pickKimiModel: 'Pick a model from the list.',
  kimiBaseUrl: '"kimiMilvus.kimi.baseUrl"',
  networkTimeouts: 'kimiMilvus.network.*',
  connectTimeout: '"kimiMilvus.network.connectTimeoutSeconds"',
  requestTimeout: '"kimiMilvus.network.requestTimeoutSeconds"',
  setEmbeddingKey: 'Run "Kimi Milvus: Set Embedding API Key".',
  embeddingBaseUrl: '"kimiMilvus.embedding.baseUrl"',
  embeddingDimensions: '"kimiMilvus.embedding.dimensions"',
  embeddingModel: '"kimiMilvus.embedding.model"',
  embeddingProvider: '"kimiMilvus.embedding.provider"',
  pythonPath: '"kimiMilvus.milvus.pythonPath"',
  milvusUri: '"kimiMilvus.milvus.uri"',
  milvusUnavailable: 'Check "kimiMilvus.milvus.uri" and the token (Kimi Milvus: Set Milvus Token).',
  rebuildCollection: 'Run "Kimi Milvus: Clear Index" and index again.',
};

/** The text a user sees for an error: what happened, and the VS Code way out of it. */
export function userMessage(err: unknown): string {
  if (err instanceof AppError) {
    return errorText(err, VSCODE_WORDS);
  }
  return `Unexpected error: ${errorMessage(err)} (details in "Kimi Milvus: Show Logs").`;
}
