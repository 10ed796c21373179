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

/** One chunk as stored. `id` is hex, derived from (path, hash of what is embedded, occurrence ordinal): see indexing/ids.ts. */
export interface ChunkRow {
  readonly id: string;
  /** Path relative to the collection's root folder, with forward slashes. */
  readonly path: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly chunkIndex: number;
  readonly totalChunks: number;
  readonly language: string;
  /** sha256 (hex) of the file version that last wrote or moved this row; used for incremental indexing. */
  readonly fileHash: string;
  /** The chunk's content as in the file (shown and cited; what is embedded is chunkInput(path, text)). */
  readonly text: string;
  /** Markdown: the heading path the chunk sits under (indexing/headingPath.ts); searched and embedded, not shown. '' or absent elsewhere. */
  readonly section?: string;
  /** Dense vector; present exactly when the collection has an EmbeddingSpec. */
  readonly vector?: number[];
}

/** What a search needs to know of a collection: everything but its row count. */
export interface CollectionHeader {
  readonly name: string;
  readonly description: string;
  /** null: BM25 only. */
  readonly embedding: EmbeddingSpec | null;
  /** Extra key/values stored with the collection (e.g. the indexed folder). */
  readonly metadata: Readonly<Record<string, string>>;
  /** Set by the indexer after each write ('' if never): validates a local index cache (indexing/indexCache.ts). */
  readonly generation?: string;
}

export interface CollectionInfo extends CollectionHeader {
  readonly rowCount: number;
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
  /**
   * Which terms of the BM25 query to keep (each lowercase, after identifiers are split into their
   * parts); all when absent, and all when it would keep none. Milvus Lite walks every chunk that
   * has a query term, so a term that ranks nothing still costs a walk.
   */
  readonly keepTerm?: (term: string) => boolean;
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
  /** The chunk's section when it has one: a Markdown heading path, or a document's `Page 12` (documents/locator.ts). */
  readonly section?: string;
  /** For display: in [0, 1], best = highest. */
  readonly score: number;
}

/** A chunk's place and section without its text: what the symbol index (search/symbolIndex.ts) is built from. */
export type OutlineRow = Pick<ChunkRow, 'id' | 'path' | 'startLine' | 'endLine' | 'language'> & { readonly section: string };

/** Where a chunk sits in its file: what changes when a chunk only moves (no new embedding). */
export type ChunkPlacement = Pick<ChunkRow, 'id' | 'startLine' | 'endLine' | 'chunkIndex' | 'totalChunks' | 'fileHash'>;

/** A vector for an existing row. */
export interface VectorOf {
  readonly id: string;
  readonly vector: number[];
}

/** Which rows without vectors to return (vectorFiller.ts). */
export interface MissingVectorsQuery {
  readonly limit: number;
  /** Only rows of these files (the ones a user works on, embedded first). */
  readonly paths?: readonly string[];
  /** Only these rows. */
  readonly ids?: readonly string[];
  /** Rows to leave out (being embedded already). */
  readonly excludeIds?: readonly string[];
}

export interface VectorCounts {
  /** Rows with their vector (0 for a BM25-only collection). */
  readonly withVector: number;
  readonly total: number;
}

/** What the store knows about one indexed file: enough for an incremental diff. */
export interface IndexedFile {
  readonly path: string;
  /** The file hash all its rows carry; '' when they differ (a run was interrupted, or rows only partly moved). */
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
  /**
   * The collection as described now, without counting its rows: what a search needs. A count is
   * exact only by walking every row (Milvus Lite: 90 ms for 58,000 chunks), which a search should not pay.
   */
  describeHeader(name: string, signal?: AbortSignal): Promise<CollectionHeader>;
  dropCollection(name: string, signal?: AbortSignal): Promise<void>;
  listCollections(signal?: AbortSignal): Promise<CollectionInfo[]>;
  /** Upserts in batches; writes to one collection are serialized. */
  upsert(name: string, rows: readonly ChunkRow[], signal?: AbortSignal): Promise<void>;
  /** Like upsert, for rows whose ids the caller knows are not in the collection (cheaper: no key lookups). */
  insert(name: string, rows: readonly ChunkRow[], signal?: AbortSignal): Promise<void>;
  /** Updates the line range, index, total and file hash of existing rows, keeping their text and vectors. */
  updatePlacements(name: string, placements: readonly ChunkPlacement[], signal?: AbortSignal): Promise<void>;
  deleteByPath(name: string, path: string, signal?: AbortSignal): Promise<void>;
  deleteByIds(name: string, ids: readonly string[], signal?: AbortSignal): Promise<void>;
  /** Rows of one path (without vectors), ordered by chunkIndex. */
  queryByPath(name: string, path: string, signal?: AbortSignal): Promise<ChunkRow[]>;
  /** Every indexed file of a collection with its hash and row ids (iterates, no 16k cap). */
  listIndexedFiles(name: string, signal?: AbortSignal): Promise<IndexedFile[]>;
  /** Every row's place and section (code definitions, Markdown headings), without text or vectors (iterates, no 16k cap). */
  outline(name: string, signal?: AbortSignal): Promise<OutlineRow[]>;
  /** Records that the collection's rows changed (see CollectionInfo.generation). */
  setGeneration(name: string, token: string, signal?: AbortSignal): Promise<void>;
  /**
   * Up to `limit` rows that have no vector yet (without vectors; progressive hybrid), for the
   * background filler. Empty when all have one, or when the collection is BM25-only.
   */
  rowsWithoutVectors(name: string, query: MissingVectorsQuery, signal?: AbortSignal): Promise<ChunkRow[]>;
  /** Gives existing rows their vectors (a partial update: text, BM25 terms and placement stay). */
  setVectors(name: string, rows: readonly VectorOf[], signal?: AbortSignal): Promise<void>;
  /** How many rows have their vector, of how many (semantic readiness). */
  vectorCounts(name: string, signal?: AbortSignal): Promise<VectorCounts>;
  /** BM25 when no vector is given or the collection has none; otherwise hybrid (RRF). */
  search(name: string, query: string, options?: SearchOptions, signal?: AbortSignal): Promise<SearchHit[]>;
  /** Renames a collection (rows, indexes and properties stay); `to` must not exist. */
  renameCollection(from: string, to: string, signal?: AbortSignal): Promise<void>;
  /** Every row (without vectors), a page at a time; the next page is read once `onRows` settles. */
  readRows(name: string, onRows: (rows: ChunkRow[]) => Promise<void>, signal?: AbortSignal): Promise<void>;
  /** Whether rows made with `embedding` can go into the collection, and if not, what it would take. */
  fit(name: string, embedding: EmbeddingSpec | null, signal?: AbortSignal): Promise<CollectionFit>;
  close(): Promise<void>;
}

/**
 * How an existing collection fits the current embedding setting. `vectors`: its rows are fine but
 * their vectors are not (none, or another model's): the rows can be copied into a collection with
 * the wanted vectors and filled in the background (store/migrate.ts). `rebuild`: the rows
 * themselves were made another way (another tool, an older schema) and must be indexed again.
 */
export type CollectionFit =
  | { readonly kind: 'missing' }
  | { readonly kind: 'ok' }
  | { readonly kind: 'vectors'; readonly from: EmbeddingSpec | null; readonly to: EmbeddingSpec | null }
  | { readonly kind: 'rebuild'; readonly reason: string };
