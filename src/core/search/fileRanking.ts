/**
 * Files, not chunks: a question is answered by a file, and one long file's many middling chunks
 * should not push a better file out of a flat list. Each file's evidence is combined from what
 * points at it: its best keyword chunk (as a share of the best keyword chunk overall), its best
 * dense chunk, the definitions it holds of names the query carries (weighted by how few files
 * define that name), and the query naming its path or module. Tests, documentation and examples
 * count for less unless the question is about them. The weights were chosen on bench:swebench
 * (two repositories) and checked on other repositories' issues, see docs/localization.md.
 */
import { bm25Magnitude } from '../store/scores';
import type { SearchHit } from '../store/types';
import { isAboutTestsOrDocs, isTestOrDocPath } from './fileKinds';
import type { QueryAnalysis } from './queryAnalysis';
import type { SymbolDef, SymbolIndex } from './symbolIndex';

export const RANKING = {
  /** Keyword chunks read per query (files are cut from these). */
  keywordChunks: 200,
  /** Dense chunks read per query. */
  denseChunks: 100,
  denseWeight: 0.5,
  /** The most a name's definitions add (for a name only one file defines). */
  symbolWeight: 0.5,
  /** A path written in the query. */
  pathWeight: 1,
  /** A dotted module name that is a file's module. */
  moduleWeight: 0.7,
  /** Factor for tests, docs and examples when the question is not about them. */
  testDocFactor: 0.5,
  /** Chunks shown per file. */
  evidence: 2,
} as const;

export interface FileHit {
  readonly path: string;
  readonly score: number;
  /** Its best chunks, best first (may be empty when only a definition or the path points at it). */
  readonly chunks: readonly SearchHit[];
  /** Definitions of the query's names in this file. */
  readonly defines: readonly SymbolDef[];
  /** The query names this file's path or module. */
  readonly named: boolean;
}

export interface RankInput {
  readonly keyword: readonly SearchHit[];
  readonly dense?: readonly SearchHit[];
  readonly analysis: QueryAnalysis;
  readonly query: string;
  readonly symbols?: SymbolIndex;
  /** Paths the search is limited to (the caller's path prefix and extensions). */
  readonly accept?: (path: string) => boolean;
}

interface Acc {
  score: number;
  chunks: SearchHit[];
  defines: SymbolDef[];
  named: boolean;
}

export function rankFiles(input: RankInput, limit: number): FileHit[] {
  const files = new Map<string, Acc>();
  const accept = input.accept ?? ((): boolean => true);
  const at = (path: string): Acc | undefined => {
    if (!accept(path)) {
      return undefined;
    }
    let acc = files.get(path);
    if (!acc) {
      acc = { score: 0, chunks: [], defines: [], named: false };
      files.set(path, acc);
    }
    return acc;
  };
  addChunks(input.keyword, 1, at, (h) => bm25Magnitude(h.score));
  if (input.dense && input.dense.length > 0) {
    addChunks(input.dense, RANKING.denseWeight, at, (h) => h.score, input.dense[input.dense.length - 1].score);
  }
  if (input.symbols) {
    addDefinitions(input.analysis, input.symbols, at);
    addNamedPaths(input.analysis, input.symbols.files, at);
  }
  const demote = !isAboutTestsOrDocs(input.query, input.analysis);
  const out: FileHit[] = [];
  for (const [path, acc] of files) {
    const factor = demote && isTestOrDocPath(path) ? RANKING.testDocFactor : 1;
    const chunks = [...acc.chunks].sort((a, b) => b.score - a.score).slice(0, RANKING.evidence);
    out.push({ path, score: acc.score * factor, chunks, defines: acc.defines, named: acc.named });
  }
  return out.sort((a, b) => b.score - a.score || (a.path < b.path ? -1 : 1)).slice(0, limit);
}

/** Adds each file's best chunk as a share of the route's best (above `floor`), times `weight`. */
function addChunks(hits: readonly SearchHit[], weight: number, at: (p: string) => Acc | undefined, value: (h: SearchHit) => number, floor = 0): void {
  const top = hits.reduce((m, h) => Math.max(m, value(h)), 0) - floor;
  if (top <= 0) {
    return;
  }
  const best = new Map<string, number>();
  for (const h of hits) {
    const acc = at(h.path);
    if (!acc) {
      continue;
    }
    if (!acc.chunks.some((c) => c.id === h.id)) {
      acc.chunks.push(h);
    }
    best.set(h.path, Math.max(best.get(h.path) ?? 0, (value(h) - floor) / top));
  }
  for (const [path, share] of best) {
    const acc = at(path);
    if (acc) {
      acc.score += weight * share;
    }
  }
}

/** A name defined in few files says more than one defined in many (`__init__`). */
function addDefinitions(analysis: QueryAnalysis, symbols: SymbolIndex, at: (p: string) => Acc | undefined): void {
  const n = Math.max(2, symbols.files.length);
  for (const term of analysis.identifiers) {
    const defs = symbols.definitions(term.text);
    if (defs.length === 0) {
      continue;
    }
    const byFile = new Map<string, SymbolDef[]>();
    for (const d of defs) {
      byFile.set(d.path, [...(byFile.get(d.path) ?? []), d]);
    }
    const spec = Math.log(1 + n / byFile.size) / Math.log(1 + n);
    const bonus = (RANKING.symbolWeight * Math.min(3, term.weight) * spec * spec) / 3;
    for (const [path, list] of byFile) {
      const acc = at(path);
      if (acc) {
        acc.score += bonus;
        acc.defines.push(...list.slice(0, 2));
      }
    }
  }
}

function addNamedPaths(analysis: QueryAnalysis, files: readonly string[], at: (p: string) => Acc | undefined): void {
  const add = (path: string, weight: number): void => {
    const acc = at(path);
    if (acc && !acc.named) {
      acc.score += weight;
      acc.named = true;
    }
  };
  for (const p of analysis.paths) {
    for (const f of files) {
      if (f === p || f.endsWith(`/${p}`) || p.endsWith(`/${f}`)) {
        add(f, RANKING.pathWeight);
      }
    }
  }
  for (const d of analysis.dotted) {
    const asPath = d.replace(/\./g, '/');
    for (const f of files) {
      const stem = f.replace(/\.[^./]+$/, '').replace(/\/(__init__|index|mod)$/, '');
      if (stem === asPath || stem.endsWith(`/${asPath}`)) {
        add(f, RANKING.moduleWeight);
      }
    }
  }
}
