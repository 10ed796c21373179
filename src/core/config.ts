/**
 * Configuration as core sees it. The extension builds it from settings + SecretStorage,
 * the CLI from flags + environment variables. Keys live only in memory here.
 */

import type { PriceOverride, PriceRegion } from './kimi/pricing';
import type { Deadlines } from './net/deadlines';

export const KIMI_GLOBAL_BASE_URL = 'https://api.moonshot.ai/v1';
export const KIMI_CHINA_BASE_URL = 'https://api.moonshot.cn/v1';
export const DEFAULT_KIMI_MODEL = 'kimi-k2.5';
export const OPENAI_BASE_URL = 'https://api.openai.com/v1';
export const DEFAULT_EMBEDDING_MODEL = 'text-embedding-3-small';
export const DEFAULT_EMBEDDING_DIMENSIONS = 1536;

export interface KimiConfig {
  readonly apiKey: string | undefined;
  readonly baseUrl: string;
  readonly model: string;
  /** Sent only when set; clamped to [0, 1]. */
  readonly temperature: number | undefined;
  readonly maxSteps: number;
  readonly webSearch: boolean;
  /** Headers, idle and total limits per request (defaults: 30 s, 60 s, 10 min). */
  readonly deadlines?: Partial<Deadlines>;
  /** Whose prices apply: `auto` reads the region from the base URL (default). */
  readonly priceRegion?: PriceRegion | 'auto';
  /** Prices the user set, per model id (per 1M tokens); they win over the table. */
  readonly prices?: Readonly<Record<string, PriceOverride>>;
  /** Share of the context window at which the conversation is compacted (default 0.85). */
  readonly compactAt?: number;
}

export interface MilvusConfig {
  /** Empty/undefined: embedded Milvus Lite. */
  readonly uri: string | undefined;
  readonly token: string | undefined;
  /** Where the embedded server keeps its venv, data and lock file. */
  readonly dataDir: string;
  /** Python used to create the venv; undefined = search PATH. */
  readonly pythonPath: string | undefined;
}

/**
 * Where vectors come from. `auto`: the endpoint when one is configured (a base URL or a key),
 * else the local model once the user agreed to it (`localConsent`), else none (BM25 only).
 */
export type EmbeddingProvider = 'auto' | 'local' | 'openai-compatible' | 'none';
export const EMBEDDING_PROVIDERS: readonly EmbeddingProvider[] = ['auto', 'local', 'openai-compatible', 'none'];

export interface EmbeddingConfig {
  /** Default `auto`. */
  readonly provider?: EmbeddingProvider;
  /** `auto` picks the local model only when this is true (the user answered the one-time question). */
  readonly localConsent?: boolean;
  /** Undefined with no key: the "none" embedder (BM25 only). Undefined with a key: OpenAI. */
  readonly baseUrl: string | undefined;
  readonly apiKey: string | undefined;
  /** The endpoint's model name; for `local`, a model folder path or the default model. */
  readonly model: string;
  /** The endpoint's vector size; a local model brings its own. */
  readonly dimensions: number;
  readonly deadlines?: Partial<Deadlines>;
  /** Inference threads of the local model; unset or 0: KIMI_EMBED_THREADS, else every core (see localRuntime.ts). */
  readonly localThreads?: number;
}

export interface IndexConfig {
  /** Extra include globs, added to the defaults. */
  readonly include: readonly string[];
  /** Extra exclude globs. */
  readonly exclude: readonly string[];
  readonly maxFileSizeKb: number;
  /** Index Workspace also indexes documents (PDF, DOCX, PPTX, XLSX, EPUB); Add File to Collection always takes them. */
  readonly documents?: boolean;
  /** Size cap of a document (MB); default DEFAULT_DOCUMENT_MAX_MB. */
  readonly maxDocumentSizeMb?: number;
}

export interface AppConfig {
  readonly kimi: KimiConfig;
  readonly milvus: MilvusConfig;
  readonly embedding: EmbeddingConfig;
  readonly index: IndexConfig;
}
