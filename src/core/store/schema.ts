/**
 * The one schema every collection has, and how the collection's own metadata (description,
 * embedding spec, extra key/values) is stored with it. Milvus Lite 3.2.2 drops the
 * collection description but round-trips collection properties, so properties are the
 * source of truth (verified; see docs/milvus-lite-verified.md).
 */
import {
  DataType,
  FunctionType,
  type CreateColWithSchemaAndIndexParamsReq,
  type CreateIndexSimpleReq,
  type FieldType,
  type DescribeCollectionResponse,
} from '@zilliz/milvus2-sdk-node';
import { searchTextOf, truncateUtf8, type Bm25Text } from './searchText';
import type { ChunkPlacement, ChunkRow, CollectionInfo, CreateCollectionOptions, EmbeddingSpec } from './types';

export const F = {
  id: 'id',
  path: 'path',
  startLine: 'start_line',
  endLine: 'end_line',
  chunkIndex: 'chunk_index',
  totalChunks: 'total_chunks',
  language: 'language',
  fileHash: 'file_hash',
  text: 'text',
  /** Markdown heading path (schema 4): part of what is searched and embedded, not shown. */
  section: 'section',
  /** BM25 input: path + text with identifiers split (searchText.ts); never returned. */
  searchText: 'search_text',
  sparse: 'sparse',
  /** Nullable (schema 4): a row is written before its vector and searchable by BM25 meanwhile. */
  vector: 'vector',
  /** The row has its vector; the dense route filters on it (Milvus cannot filter on a vector being null). */
  hasVector: 'has_vector',
} as const;

export const LIMITS = {
  id: 128,
  path: 4096,
  language: 64,
  fileHash: 128,
  /** Bytes; Milvus' VarChar maximum. */
  text: 65_535,
  /** Bytes; the chunker keeps a path to 400 characters. */
  section: 2048,
  searchText: 65_535,
} as const;

export const PROP = {
  schemaVersion: 'kimi_milvus.schema',
  description: 'kimi_milvus.description',
  embedding: 'kimi_milvus.embedding',
  metadata: 'kimi_milvus.metadata',
  /** A token the indexer sets after it writes: a local index cache made at another token is stale. */
  generation: 'kimi_milvus.generation',
} as const;

/**
 * 1: BM25 read `text`. 2: BM25 reads `search_text` (identifiers split). 3: stable chunk ids (path,
 * content and occurrence; no chunk count, no line numbers) and `text` without a `path:start-end`
 * header. A collection whose version differs is refused rather than searched or diffed with ids
 * made another way. 4: Markdown chunks carry their heading path (`section`), which is in their
 * ids, their BM25 input and what is embedded; the vector is nullable and `has_vector` says which
 * rows have one (progressive hybrid: rows are written first, vectors filled in the background). '4-raw' marks the benchmark's baseline (no identifier parts), so the product
 * never uses it.
 */
export function schemaVersion(mode: Bm25Text): string {
  return mode === 'raw' ? '4-raw' : '4';
}

/** Fields returned by queries and searches (never the vectors). */
export const ROW_FIELDS = [
  F.id,
  F.path,
  F.startLine,
  F.endLine,
  F.chunkIndex,
  F.totalChunks,
  F.language,
  F.fileHash,
  F.text,
  F.section,
];

export function createRequest(name: string, options: CreateCollectionOptions, mode: Bm25Text = 'identifiers'): CreateColWithSchemaAndIndexParamsReq {
  const description = options.description ?? '';
  const fields: FieldType[] = [
    { name: F.id, data_type: DataType.VarChar, is_primary_key: true, max_length: LIMITS.id },
    { name: F.path, data_type: DataType.VarChar, max_length: LIMITS.path },
    { name: F.startLine, data_type: DataType.Int64 },
    { name: F.endLine, data_type: DataType.Int64 },
    { name: F.chunkIndex, data_type: DataType.Int64 },
    { name: F.totalChunks, data_type: DataType.Int64 },
    { name: F.language, data_type: DataType.VarChar, max_length: LIMITS.language },
    { name: F.fileHash, data_type: DataType.VarChar, max_length: LIMITS.fileHash },
    { name: F.text, data_type: DataType.VarChar, max_length: LIMITS.text },
    { name: F.section, data_type: DataType.VarChar, max_length: LIMITS.section },
    { name: F.searchText, data_type: DataType.VarChar, max_length: LIMITS.searchText, enable_analyzer: true },
    { name: F.sparse, data_type: DataType.SparseFloatVector },
    { name: F.hasVector, data_type: DataType.Bool },
  ];
  const indexParams: Array<Omit<CreateIndexSimpleReq, 'collection_name'>> = [
    { field_name: F.sparse, index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'BM25' },
  ];
  if (options.embedding) {
    fields.push({ name: F.vector, data_type: DataType.FloatVector, dim: options.embedding.dimensions, nullable: true });
    indexParams.push({ field_name: F.vector, index_type: 'AUTOINDEX', metric_type: 'COSINE' });
  }
  return {
    collection_name: name,
    description,
    // Strong: a search right after an upsert must see it (read-your-writes on remote Milvus).
    consistency_level: 'Strong',
    fields,
    functions: [
      {
        name: 'text_bm25',
        description: 'BM25 sparse vector of search_text',
        type: FunctionType.BM25,
        input_field_names: [F.searchText],
        output_field_names: [F.sparse],
        params: {},
      },
    ],
    index_params: indexParams,
    properties: {
      [PROP.schemaVersion]: schemaVersion(mode),
      [PROP.description]: description,
      [PROP.embedding]: JSON.stringify(options.embedding),
      [PROP.metadata]: JSON.stringify(options.metadata ?? {}),
    },
  };
}

export interface DescribedCollection {
  readonly info: Omit<CollectionInfo, 'rowCount'>;
  /** The collection has our text + BM25 fields (false for collections made by other tools). */
  readonly compatible: boolean;
  readonly hasVector: boolean;
  /** The collection's `kimi_milvus.schema` property; undefined for collections made before it mattered or by others. */
  readonly schemaVersion: string | undefined;
  /** BM25 reads `search_text` (schema 2); older collections analyze `text` and take no search_text. */
  readonly hasSearchText: boolean;
}

export function parseDescribe(name: string, res: DescribeCollectionResponse): DescribedCollection {
  const props = new Map<string, string>();
  for (const p of res.properties ?? []) {
    props.set(p.key, String(p.value));
  }
  const fields = res.schema?.fields ?? [];
  const vectorField = fields.find((f) => f.name === F.vector);
  const dimParam = vectorField?.type_params?.find((t) => t.key === 'dim')?.value;
  const schemaDim = dimParam !== undefined ? Number(dimParam) : undefined;
  let embedding: EmbeddingSpec | null = parseEmbedding(props.get(PROP.embedding));
  if (embedding === null && schemaDim !== undefined) {
    embedding = { model: 'unknown', dimensions: schemaDim };
  }
  const compatible = fields.some((f) => f.name === F.text) && fields.some((f) => f.name === F.sparse);
  return {
    info: {
      name,
      description: props.get(PROP.description) ?? res.schema?.description ?? '',
      embedding,
      metadata: parseMetadata(props.get(PROP.metadata)),
      generation: props.get(PROP.generation) ?? '',
    },
    compatible,
    hasVector: vectorField !== undefined,
    schemaVersion: props.get(PROP.schemaVersion),
    hasSearchText: fields.some((f) => f.name === F.searchText),
  };
}

function parseEmbedding(raw: string | undefined): EmbeddingSpec | null {
  if (!raw) {
    return null;
  }
  try {
    const v: unknown = JSON.parse(raw);
    if (typeof v === 'object' && v !== null && 'model' in v && 'dimensions' in v) {
      const { model, dimensions } = v;
      if (typeof model === 'string' && typeof dimensions === 'number') {
        return { model, dimensions };
      }
    }
  } catch {
    // Foreign or damaged property: treated as unknown.
  }
  return null;
}

function parseMetadata(raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!raw) {
    return out;
  }
  try {
    const v: unknown = JSON.parse(raw);
    if (typeof v === 'object' && v !== null) {
      for (const [k, val] of Object.entries(v)) {
        if (typeof val === 'string') {
          out[k] = val;
        }
      }
    }
  } catch {
    // Ignore damaged metadata rather than making the collection unusable.
  }
  return out;
}

/** A stored row as Milvus wants it; `bm25` is set exactly when the collection has the search_text field. */
export function toEntity(row: ChunkRow, withVector: boolean, bm25?: Bm25Text): Record<string, string | number | boolean | number[] | null> {
  const entity: Record<string, string | number | boolean | number[] | null> = {
    ...toPlacementEntity(row),
    [F.path]: row.path,
    [F.language]: row.language,
    [F.text]: row.text,
    [F.section]: truncateUtf8(row.section ?? '', LIMITS.section),
  };
  if (bm25) {
    entity[F.searchText] = searchTextOf(row.path, row.text, bm25, LIMITS.searchText, row.section);
  }
  if (withVector) {
    // A row without its vector yet: null (the field is nullable), filled later by setVectors.
    entity[F.vector] = row.vector ?? null;
  }
  entity[F.hasVector] = withVector && row.vector !== undefined;
  return entity;
}

/** A partial row for a partial-update upsert: the placement fields only. */
export function toPlacementEntity(p: ChunkPlacement): Record<string, string | number> {
  return {
    [F.id]: p.id,
    [F.startLine]: p.startLine,
    [F.endLine]: p.endLine,
    [F.chunkIndex]: p.chunkIndex,
    [F.totalChunks]: p.totalChunks,
    [F.fileHash]: p.fileHash,
  };
}

/** A query/search result row back into our shape. */
export function fromEntity(e: Record<string, unknown>): Omit<ChunkRow, 'vector'> {
  // VarChar fields: strings, or numbers when an id comes back numeric; nothing else has a text form.
  const str = (k: string): string => {
    const v = e[k];
    return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : '';
  };
  const num = (k: string): number => Number(e[k] ?? 0);
  return {
    id: str(F.id),
    path: str(F.path),
    startLine: num(F.startLine),
    endLine: num(F.endLine),
    chunkIndex: num(F.chunkIndex),
    totalChunks: num(F.totalChunks),
    language: str(F.language),
    fileHash: str(F.fileHash),
    text: str(F.text),
    section: str(F.section),
  };
}
