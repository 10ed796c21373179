import { OPENAI_BASE_URL, type EmbeddingConfig } from '../config';
import { ConfigError } from '../errors';
import type { Logger } from '../logger';
import type { Embedder } from './embedder';
import { NoneEmbedder } from './noneEmbedder';
import { OpenAiEmbedder, type OpenAiEmbedderOptions } from './openaiEmbedder';

export interface CreateEmbedderOptions {
  readonly logger?: Logger;
  readonly fetch?: typeof fetch;
  /** Tuning (batch size, concurrency, retries, timeouts); the defaults suit OpenAI. */
  readonly tuning?: Partial<Pick<OpenAiEmbedderOptions, 'batchSize' | 'concurrency' | 'maxRetries' | 'baseDelayMs' | 'maxDelayMs' | 'timeoutMs'>>;
}

/**
 * The one place that picks an embedder: no endpoint and no key → "none" (BM25 only, so the
 * product works with a Kimi key alone); a key without an endpoint → OpenAI; otherwise the
 * configured OpenAI-compatible endpoint.
 */
export function createEmbedder(config: EmbeddingConfig, options: CreateEmbedderOptions = {}): Embedder {
  const baseUrl = config.baseUrl?.trim() || undefined;
  const apiKey = config.apiKey?.trim() || undefined;
  if (!baseUrl && !apiKey) {
    return new NoneEmbedder();
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
