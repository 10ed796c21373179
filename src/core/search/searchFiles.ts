/**
 * File-level search over one collection: the query is analysed (queryAnalysis.ts), a keyword
 * search with the weighted query and a dense search with what the model should read run side by
 * side, the collection's definitions index is consulted, and the files are ranked
 * (fileRanking.ts). Without an embedder (or for a BM25-only collection) the dense side is left out.
 */
import { extensionOf } from '../indexing/language';
import type { CollectionHeader, SearchOptions, VectorStore } from '../store/types';
import { RANKING, rankFiles, type FileHit } from './fileRanking';
import { analyzeQuery, denseQuery, isWeakWord, keywordQuery, type QueryAnalysis } from './queryAnalysis';
import { noteSearchedPaths, symbolIndexFor, type SymbolIndex } from './symbolIndex';

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

/**
 * The keyword search leaves out words most paths share (every chunk has them, so they rank nothing)
 * and, for a report, the parts of its identifiers that its own words would not count either (stop
 * words, single letters, numbers: `is_upper` adds "is"): on Milvus Lite each such term costs a walk
 * over the thousands of chunks that have it.
 */
export function keywordTerms(q: PreparedQuery, symbols: SymbolIndex | undefined): Pick<SearchOptions, 'keepTerm'> {
  const common = symbols?.commonPathWords ?? new Set<string>();
  const report = q.analysis.issueShaped;
  if (!report && common.size === 0) {
    return {};
  }
  return { keepTerm: (t) => !common.has(t) && !(report && isWeakWord(t)) };
}

export async function searchFiles(store: VectorStore, info: CollectionHeader, q: PreparedQuery, options: FileSearchOptions, signal?: AbortSignal): Promise<FileHit[]> {
  const scope: SearchOptions = {
    ...(options.pathPrefix ? { pathPrefix: options.pathPrefix } : {}),
    ...(options.extensions?.length ? { extensions: options.extensions } : {}),
  };
  // The query is embedded (another process) while Milvus runs the keyword search, not before it.
  const vector = info.embedding && options.embed ? options.embed(q.dense) : Promise.resolve(undefined);
  vector.catch(() => undefined);
  const symbols = await symbolIndexFor(store, info, { waitMs: options.symbolsWaitMs }, signal).catch((): SymbolIndex | undefined => undefined);
  const [keyword, dense] = await Promise.all([
    store.search(info.name, q.keyword, { ...scope, limit: RANKING.keywordChunks, ...keywordTerms(q, symbols) }, signal),
    vector.then((v) => (v ? store.search(info.name, '', { ...scope, limit: RANKING.denseChunks, vector: v }, signal) : [])),
  ]);
  if (symbols) {
    noteSearchedPaths(store, info, keyword.map((h) => h.path));
  }
  const exts = options.extensions?.map((e) => e.toLowerCase());
  const accept = (path: string): boolean =>
    (!options.pathPrefix || path.startsWith(options.pathPrefix)) && (!exts?.length || exts.includes(extensionOf(path)));
  return rankFiles({ keyword, dense, analysis: q.analysis, query: q.query, symbols, accept }, options.limit);
}
