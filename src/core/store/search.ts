/** BM25 and hybrid (dense + BM25, RRF) search requests, and their hits in our shape. */
import { ConsistencyLevelEnum, RRFRanker, type HybridSearchSingleReq, type MilvusClient } from '@zilliz/milvus2-sdk-node';
import { check } from './calls';
import { allOf, pathHasExtension, pathStartsWith } from './filters';
import { F, ROW_FIELDS, fromEntity } from './schema';
import { RRF_K, normalizeBm25, normalizeCosine, normalizeRrf } from './scores';
import { keptTerms, searchQueryOf, type Bm25Text } from './searchText';
import type { SearchHit, SearchOptions } from './types';

export const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 1000;

/**
 * Milvus Lite does not fall back to the index's metric when the SDK sends an empty one, so
 * every route names its metric; the SDK's type for hybrid routes lacks the field.
 */
type Route = HybridSearchSingleReq & { metric_type: 'COSINE' | 'BM25' };

export function searchFilter(options: SearchOptions): string | undefined {
  return allOf(
    options.pathPrefix ? pathStartsWith(options.pathPrefix) : undefined,
    options.extensions ? pathHasExtension(options.extensions) : undefined,
  );
}

const HAS_VECTOR = `${F.hasVector} == true`;

export async function runSearch(
  client: MilvusClient,
  name: string,
  query: string,
  options: SearchOptions,
  hasVector: boolean,
  bm25: Bm25Text = 'identifiers',
): Promise<SearchHit[]> {
  const limit = Math.min(MAX_LIMIT, Math.max(1, Math.floor(options.limit ?? DEFAULT_LIMIT)));
  const filter = searchFilter(options);
  const vector = hasVector && options.vector && options.vector.length > 0 ? options.vector : undefined;
  const text = query.trim();
  // Only the BM25 route sees the expanded query; an embedder gets the user's words as typed.
  const bm25Query = keptTerms(searchQueryOf(text, bm25), options.keepTerm);
  const common = {
    collection_name: name,
    limit,
    output_fields: ROW_FIELDS,
    consistency_level: ConsistencyLevelEnum.Strong,
    ...(filter ? { filter } : {}),
  };
  if (vector && text) {
    // Rows still waiting for their vector are left to the BM25 route (a null vector would score as
    // a zero vector); RRF then fuses rows found by either route.
    const routes: Route[] = [
      { data: vector, anns_field: F.vector, metric_type: 'COSINE', expr: allOf(filter, HAS_VECTOR) },
      { data: bm25Query, anns_field: F.sparse, metric_type: 'BM25', ...(filter ? { expr: filter } : {}) },
    ];
    const res = check(await client.search({ ...common, data: routes, rerank: RRFRanker(RRF_K) }), `hybrid search in "${name}"`);
    return hits(res.results, (s) => normalizeRrf(s, routes.length, RRF_K));
  }
  if (vector) {
    const res = check(
      await client.search({ ...common, filter: allOf(filter, HAS_VECTOR), data: vector, anns_field: F.vector, metric_type: 'COSINE' }),
      `vector search in "${name}"`,
    );
    return hits(res.results, normalizeCosine);
  }
  if (!text) {
    return [];
  }
  const res = check(
    await client.search({ ...common, data: bm25Query, anns_field: F.sparse, metric_type: 'BM25' }),
    `full-text search in "${name}"`,
  );
  return hits(res.results, normalizeBm25);
}

function hits(results: unknown, normalize: (raw: number) => number): SearchHit[] {
  const list: unknown[] = Array.isArray(results) ? results : [];
  // nq = 1 gives a flat list; guard against the nested shape too.
  const flat = list.length > 0 && Array.isArray(list[0]) ? (list[0] as unknown[]) : list;
  const out: SearchHit[] = [];
  for (const item of flat) {
    if (typeof item !== 'object' || item === null) {
      continue;
    }
    const entity = item as Record<string, unknown>;
    const row = fromEntity(entity);
    const raw = typeof entity.score === 'number' ? entity.score : Number(entity.score ?? 0);
    out.push({
      id: row.id,
      path: row.path,
      startLine: row.startLine,
      endLine: row.endLine,
      chunkIndex: row.chunkIndex,
      totalChunks: row.totalChunks,
      language: row.language,
      text: row.text,
      ...(row.section ? { section: row.section } : {}),
      score: normalize(raw),
    });
  }
  // Scores are normalized per mode; keep best-first whatever the backend's sign convention.
  return out.sort((a, b) => b.score - a.score);
}
