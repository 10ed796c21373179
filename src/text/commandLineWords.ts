/**
 * The way out of an error for processes configured by flags and environment variables: the CLI
 * and the MCP server it runs (see errorText.ts).
 */
import type { FrontEndWords } from './errorText';

export const COMMAND_LINE_WORDS: FrontEndWords = {
  setKimiKey: 'Set KIMI_API_KEY (create a key at https://platform.moonshot.ai/console/api-keys).',
  pickKimiModel: 'Set KIMI_MODEL to a model your key can use.',
  kimiBaseUrl: 'KIMI_BASE_URL',
  networkTimeouts: '--connect-timeout, --idle-timeout, --request-timeout or KIMI_MILVUS_*_TIMEOUT',
  connectTimeout: '--connect-timeout or KIMI_MILVUS_CONNECT_TIMEOUT',
  requestTimeout: '--request-timeout or KIMI_MILVUS_REQUEST_TIMEOUT',
  setEmbeddingKey: 'Check EMBEDDING_API_KEY.',
  embeddingBaseUrl: 'EMBEDDING_BASE_URL or --embedding-base-url',
  embeddingDimensions: 'EMBEDDING_DIMENSIONS or --embedding-dimensions',
  embeddingModel: 'EMBEDDING_MODEL or --embedding-model',
  embeddingProvider: 'EMBEDDING_PROVIDER or --embedding-provider',
  pythonPath: 'KIMI_MILVUS_PYTHON',
  milvusUri: 'MILVUS_URI (or --milvus-uri)',
  rebuildCollection: 'Rebuild it with `kimi-milvus index --rebuild`, or choose another collection name.',
};
