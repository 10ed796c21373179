/**
 * File-level search over one collection: the query is analysed (queryAnalysis.ts), a keyword
 * search with the weighted query and a dense search with what the model should read run side by
 * side, the collection's definitions index is consulted, and the files are ranked
 * (fileRanking.ts). Without an embedder (or for a BM25-only collection) the dense side is left out.
 */
import { extensionOf } from '../indexing/language';
import type { CollectionInfo, SearchOptions, VectorStore } from '../store/types';
import { RANKING, rankFiles, type FileHit } from './fileRanking';
import { analyzeQuery, denseQuery, keywordQuery, type QueryAnalysis } from './queryAnalysis';
import { symbolIndexFor, type SymbolIndex } from './symbolIndex';

/**
 * How long an interactive search waits for a definitions index it never read: a large collection's
 * first read takes longer (26 s for 58,000 chunks on a loaded Milvus Lite), and later searches in the
 * same process have it.
 */
export const SYMBOLS_WAIT_MS = 2_000;

export interface FileSearchOptions {
  /** Files to return. */
  readonly limit: number;
  /** Embeds the text given (denseQuery's); absent: keyword search only. */
  readonly embed?: (text: string) => Promise<number[] | undefined>;
  readonly pathPrefix?: string;
  readonly extensions?: readonly string[];
  /** How long to wait for a definitions index never read before (see symbolIndexFor); default: until read. */
  readonly symbolsWaitMs?: number;
}

export interface PreparedQuery {
  readonly query: string;
  readonly analysis: QueryAnalysis;
  readonly keyword: string;
  readonly dense: string;
}

export function prepareQuery(query: string): PreparedQuery {
  const analysis = analyzeQuery(query);
  return { query, analysis, keyword: keywordQuery(query, analysis), dense: denseQuery(query, analysis) };
}

/** The query without `words` (whole words, any case); the query itself when that would leave nothing. */
export function withoutWords(query: string, words: ReadonlySet<string> | undefined): string {
  if (!words || words.size === 0) {
    return query;
  }
  const out = query.replace(/[\p{L}\p{N}_]+/gu, (w) => (words.has(w.toLowerCase()) ? ' ' : w));
  return out.trim() ? out : query;
}

export async function searchFiles(store: VectorStore, info: CollectionInfo, q: PreparedQuery, options: FileSearchOptions, signal?: AbortSignal): Promise<FileHit[]> {
  const scope: SearchOptions = {
    ...(options.pathPrefix ? { pathPrefix: options.pathPrefix } : {}),
    ...(options.extensions?.length ? { extensions: options.extensions } : {}),
  };
  const [vector, symbols] = await Promise.all([
    info.embedding && options.embed ? options.embed(q.dense) : Promise.resolve(undefined),
    symbolIndexFor(store, info, { waitMs: options.symbolsWaitMs }, signal).catch((): SymbolIndex | undefined => undefined),
  ]);
  const [keyword, dense] = await Promise.all([
    store.search(info.name, withoutWords(q.keyword, symbols?.commonPathWords), { ...scope, limit: RANKING.keywordChunks }, signal),
    vector ? store.search(info.name, '', { ...scope, limit: RANKING.denseChunks, vector }, signal) : Promise.resolve([]),
  ]);
  const exts = options.extensions?.map((e) => e.toLowerCase());
  const accept = (path: string): boolean =>
    (!options.pathPrefix || path.startsWith(options.pathPrefix)) && (!exts?.length || exts.includes(extensionOf(path)));
  return rankFiles({ keyword, dense, analysis: q.analysis, query: q.query, symbols, accept }, options.limit);
}
