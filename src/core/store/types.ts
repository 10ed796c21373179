/**
 * The vector store port. MilvusStore (store/milvusStore.ts) is its implementation for both
 * the embedded Milvus Lite server and remote Milvus / Zilliz Cloud.
 */

/** What the dense vectors of a collection are; null means the collection is BM25-only. */
export interface EmbeddingSpec {
  /** Embedder identity, e.g. "openai:text-embedding-3-small". */
  readonly model: string;
  readonly dimensions: number;
}

/** One chunk as stored. `id` is hex, derived from (path, chunkIndex, content hash). */
export interface ChunkRow {
  readonly id: string;
  /** Path relative to the collection's root folder, with forward slashes. */
  readonly path: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly chunkIndex: number;
  readonly totalChunks: number;
  readonly language: string;
  /** sha256 (hex) of the whole file's bytes; used for incremental indexing. */
  readonly fileHash: string;
  /** The stored text, starting with its `path:start-end` header. */
  readonly text: string;
  /** Dense vector; present exactly when the collection has an EmbeddingSpec. */
  readonly vector?: number[];
}

export interface CollectionInfo {
  readonly name: string;
  readonly description: string;
  readonly rowCount: number;
  /** null: BM25 only. */
  readonly embedding: EmbeddingSpec | null;
  /** Extra key/values stored with the collection (e.g. the indexed folder). */
  readonly metadata: Readonly<Record<string, string>>;
}

export interface CreateCollectionOptions {
  readonly description?: string;
  readonly embedding: EmbeddingSpec | null;
  readonly metadata?: Readonly<Record<string, string>>;
}

export interface SearchOptions {
  readonly limit?: number;
  /** Dense query vector; when given (and the collection has vectors) the search is hybrid. */
  readonly vector?: number[];
  /** Only paths starting with this prefix (relative, forward slashes). */
  readonly pathPrefix?: string;
  /** Only these extensions, without the dot (e.g. ["ts", "md"]). */
  readonly extensions?: readonly string[];
}

export interface SearchHit {
  readonly id: string;
  readonly path: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly chunkIndex: number;
  readonly totalChunks: number;
  readonly language: string;
  readonly text: string;
  /** For display: in [0, 1], best = highest. */
  readonly score: number;
}

/** What the store knows about one indexed file: enough for an incremental diff. */
export interface IndexedFile {
  readonly path: string;
  readonly fileHash: string;
  readonly ids: readonly string[];
  readonly totalChunks: number;
}

export interface VectorStore {
  createCollection(name: string, options: CreateCollectionOptions, signal?: AbortSignal): Promise<CollectionInfo>;
  /**
   * Creates the collection when missing; when present, checks that its embedding spec
   * matches and throws StoreError('schema-mismatch') with an actionable message if not.
   */
  ensureCollection(name: string, options: CreateCollectionOptions, signal?: AbortSignal): Promise<CollectionInfo>;
  hasCollection(name: string, signal?: AbortSignal): Promise<boolean>;
  describeCollection(name: string, signal?: AbortSignal): Promise<CollectionInfo>;
  dropCollection(name: string, signal?: AbortSignal): Promise<void>;
  listCollections(signal?: AbortSignal): Promise<CollectionInfo[]>;
  /** Upserts in batches; writes to one collection are serialized. */
  upsert(name: string, rows: readonly ChunkRow[], signal?: AbortSignal): Promise<void>;
  deleteByPath(name: string, path: string, signal?: AbortSignal): Promise<void>;
  deleteByIds(name: string, ids: readonly string[], signal?: AbortSignal): Promise<void>;
  /** Rows of one path (without vectors), ordered by chunkIndex. */
  queryByPath(name: string, path: string, signal?: AbortSignal): Promise<ChunkRow[]>;
  /** Every indexed file of a collection with its hash and row ids (iterates, no 16k cap). */
  listIndexedFiles(name: string, signal?: AbortSignal): Promise<IndexedFile[]>;
  /** BM25 when no vector is given or the collection has none; otherwise hybrid (RRF). */
  search(name: string, query: string, options?: SearchOptions, signal?: AbortSignal): Promise<SearchHit[]>;
  close(): Promise<void>;
}
