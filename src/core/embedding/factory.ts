import { DEFAULT_EMBEDDING_MODEL, OPENAI_BASE_URL, type EmbeddingConfig, type EmbeddingProvider } from '../config';
import { ConfigError } from '../errors';
import type { Logger } from '../logger';
import type { Embedder } from './embedder';
import { LocalEmbedder, type LocalEmbedderOptions } from './localEmbedder';
import { DEFAULT_LOCAL_MODEL, isModelPath, readModelFolder } from './localModel';
import { NoneEmbedder } from './noneEmbedder';
import { OpenAiEmbedder, type OpenAiEmbedderOptions } from './openaiEmbedder';

export interface CreateEmbedderOptions {
  readonly logger?: Logger;
  readonly fetch?: typeof fetch;
  /** Tuning (batch size, concurrency, retries, timeouts); the defaults suit OpenAI. */
  readonly tuning?: Partial<Pick<OpenAiEmbedderOptions, 'batchSize' | 'concurrency' | 'maxRetries' | 'baseDelayMs' | 'maxDelayMs' | 'timeoutMs'>>;
  /** Where the local model and its runtime live; required when the local provider can be chosen. */
  readonly local?: Omit<LocalEmbedderOptions, 'folder' | 'logger'>;
}

/** Which provider a configuration means, with `auto` resolved. */
export function resolveProvider(config: EmbeddingConfig): Exclude<EmbeddingProvider, 'auto'> {
  const provider = config.provider ?? 'auto';
  if (provider !== 'auto') {
    return provider;
  }
  if (config.baseUrl?.trim() || config.apiKey?.trim()) {
    return 'openai-compatible';
  }
  return config.localConsent ? 'local' : 'none';
}

/**
 * The one place that picks an embedder (see resolveProvider): the configured OpenAI-compatible
 * endpoint (a key without a base URL means OpenAI), the local model, or "none" (BM25 only, so
 * the product works with a Kimi key alone).
 */
export function createEmbedder(config: EmbeddingConfig, options: CreateEmbedderOptions = {}): Embedder {
  const provider = resolveProvider(config);
  if (provider === 'none') {
    return new NoneEmbedder();
  }
  if (provider === 'local') {
    return createLocalEmbedder(config, options);
  }
  const baseUrl = config.baseUrl?.trim() || undefined;
  const apiKey = config.apiKey?.trim() || undefined;
  if (!baseUrl && !apiKey) {
    throw new ConfigError('The embedding provider is "openai-compatible", but no endpoint is configured.', 'embedding-endpoint-missing');
  }
  const url = baseUrl ?? OPENAI_BASE_URL;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`The embedding base URL "${url}" is not a valid URL (expected e.g. https://api.openai.com/v1).`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(`The embedding base URL must start with http:// or https:// (got "${url}").`);
  }
  if (!Number.isInteger(config.dimensions) || config.dimensions < 2) {
    throw new ConfigError(`The embedding dimensions must be an integer of at least 2 (got ${config.dimensions}).`);
  }
  if (!config.model.trim()) {
    throw new ConfigError('The embedding model name is empty.');
  }
  return new OpenAiEmbedder({
    ...options.tuning,
    baseUrl: url,
    deadlines: config.deadlines,
    apiKey,
    model: config.model.trim(),
    dimensions: config.dimensions,
    logger: options.logger,
    fetch: options.fetch,
  });
}

function createLocalEmbedder(config: EmbeddingConfig, options: CreateEmbedderOptions): LocalEmbedder {
  if (!options.local) {
    throw new ConfigError('The local embedding provider is not available here (no storage folder was given).');
  }
  const model = config.model.trim();
  // The endpoint's default model name (the setting's default) means "the default local model".
  const isDefault = model === '' || model === DEFAULT_EMBEDDING_MODEL || model === DEFAULT_LOCAL_MODEL.meta.name;
  if (!isDefault && !isModelPath(model)) {
    throw new ConfigError(
      `"${model}" is not a local embedding model. Leave the model setting at its default for ${DEFAULT_LOCAL_MODEL.meta.name}, ` +
        'or give a folder path holding model.onnx and tokenizer.json.',
    );
  }
  return new LocalEmbedder({
    ...options.local,
    folder: isDefault ? undefined : readModelFolder(model),
    threads: config.localThreads || options.local.threads,
    logger: options.logger,
  });
}
