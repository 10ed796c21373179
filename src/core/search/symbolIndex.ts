/**
 * The definitions index of a collection: every class, function and method the indexer found
 * (indexing/definitions.ts), by name, with the chunk that holds it. It is not stored apart: each
 * code chunk's section lists the qualified names defined in it, so the index is read back from the
 * collection's outline (one scan of ids, paths, lines and sections) and kept in memory until the
 * collection's generation changes, or a search finds files the index has not seen (rows written by
 * a run that has not finished). Rows are not counted to notice a change: an exact count walks every
 * row, which a search should not pay.
 */
import { isDocumentPath } from '../documents/formats';
import { familyOf } from '../indexing/language';
import type { CollectionHeader, OutlineRow, VectorStore } from '../store/types';

export interface SymbolDef {
  /** The last part of the qualified name (`is_upper`). */
  readonly name: string;
  readonly qualified: string;
  readonly path: string;
  /** The chunk that holds the definition's first line. */
  readonly chunkId: string;
  readonly startLine: number;
  readonly endLine: number;
}

export class SymbolIndex {
  private readonly byName = new Map<string, SymbolDef[]>();
  private readonly byLower = new Map<string, SymbolDef[]>();
  /** Every indexed path (with or without definitions). */
  readonly files: readonly string[];
  private readonly fileSet: ReadonlySet<string>;
  /**
   * Words in the paths of most files (a package's own name, `src`, `py`): every chunk has them
   * (its path is part of what is searched), so they rank nothing, and on Milvus Lite a query term
   * costs a walk over every chunk that has it.
   */
  readonly commonPathWords: ReadonlySet<string>;

  constructor(rows: readonly OutlineRow[]) {
    const files = new Set<string>();
    for (const row of rows) {
      files.add(row.path);
      if (!definesNames(row)) {
        continue;
      }
      for (const qualified of row.section.split(' ')) {
        if (!qualified || qualified.startsWith('(')) {
          continue;
        }
        const name = qualified.slice(qualified.lastIndexOf('.') + 1);
        const def: SymbolDef = { name, qualified, path: row.path, chunkId: row.id, startLine: row.startLine, endLine: row.endLine };
        push(this.byName, name, def);
        push(this.byLower, name.toLowerCase(), def);
      }
    }
    this.files = [...files].sort();
    this.fileSet = files;
    this.commonPathWords = commonWords(this.files);
  }

  hasFile(path: string): boolean {
    return this.fileSet.has(path);
  }

  /** Definitions named exactly `name` (the last part of their qualified name). */
  definitions(name: string): readonly SymbolDef[] {
    return this.byName.get(name) ?? [];
  }

  /**
   * Definitions matching what a user or model typed: a name (`is_upper`), or a qualified tail
   * (`Matrix.is_upper`, `printing.latex.LatexPrinter`; the module part matches the path). Exact
   * case first; a name in another case only when nothing matches exactly.
   */
  find(query: string): SymbolDef[] {
    const parts = query.trim().replace(/::|#|->/g, '.').split('.').filter(Boolean);
    const last = parts[parts.length - 1];
    if (!last) {
      return [];
    }
    const exact = this.byName.get(last) ?? [];
    const pool = exact.length > 0 ? exact : (this.byLower.get(last.toLowerCase()) ?? []);
    if (parts.length === 1) {
      return [...pool];
    }
    return pool.filter((d) => qualifiedTailMatches(d, parts));
  }
}

/**
 * Whether a row's section lists definitions. Only code chunks' sections do; a Markdown chunk's is
 * its heading path, and a document's (PDF, Office, EPUB) its page, slide or sheet (`Page 12 ›
 * Scope`), which must never read as names defined there.
 */
function definesNames(row: OutlineRow): boolean {
  return row.section !== '' && !row.section.startsWith('(in ') && !isDocumentPath(row.path) && familyOf(row.path) !== 'prose';
}

/** Path words shared by at least half of ten or more files. */
function commonWords(files: readonly string[]): Set<string> {
  const counts = new Map<string, number>();
  for (const f of files) {
    for (const w of new Set(f.toLowerCase().split(/[^\p{L}\p{N}_]+/u))) {
      if (w) {
        counts.set(w, (counts.get(w) ?? 0) + 1);
      }
    }
  }
  const out = new Set<string>();
  if (files.length >= 10) {
    for (const [w, n] of counts) {
      if (n * 2 >= files.length) {
        out.add(w);
      }
    }
  }
  return out;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) {
    list.push(value);
  } else {
    map.set(key, [value]);
  }
}

/** `A.b` matches a definition `A.b`, `X.A.b`, or `b` in a file whose path ends in `…/A.py`-like stems. */
function qualifiedTailMatches(def: SymbolDef, parts: readonly string[]): boolean {
  const names = def.qualified.split('.');
  const stem = def.path.replace(/\.[^./]+$/, '').replace(/\/(__init__|index|mod)$/, '').split('/');
  const full = [...stem, ...names].map((s) => s.toLowerCase());
  const want = parts.map((s) => s.toLowerCase());
  for (let i = 0; i + want.length <= full.length; i++) {
    if (i + want.length === full.length && want.every((w, k) => full[i + k] === w)) {
      return true;
    }
  }
  return false;
}

interface Entry {
  /** The newest index read, and the generation it was read at (undefined once found stale). */
  ready?: SymbolIndex;
  readyKey?: string;
  /** A read in progress, and the key it reads. */
  pending?: Promise<SymbolIndex>;
  pendingKey?: string;
  /** When the last read started (Date.now()). */
  started?: number;
}

/**
 * A collection that changes keeps its index this long before it is read again: every saved file
 * changes the generation (live sync), and a read of a large collection costs the server seconds.
 */
const REFRESH_MS = 5 * 60_000;

/** One entry per store and collection, for as long as the store lives (no global state beyond it). */
const tables = new WeakMap<VectorStore, Map<string, Entry>>();

export interface SymbolIndexWait {
  /**
   * How long a search waits for an index it has never read (the first read of a large collection
   * on Milvus Lite takes seconds to minutes); meanwhile it searches without. Default: until read.
   */
  readonly waitMs?: number;
  /** An index is read again after a change at most this often (default REFRESH_MS). */
  readonly refreshMs?: number;
}

/**
 * The collection's symbol index. It is read once per generation, in the background:
 * a search after an index run gets the index it has (definitions seldom move) while the new one is
 * read, and a search that has none waits at most `waitMs` for it.
 */
export async function symbolIndexFor(store: VectorStore, info: CollectionHeader, options: SymbolIndexWait = {}, signal?: AbortSignal): Promise<SymbolIndex | undefined> {
  let byCollection = tables.get(store);
  if (!byCollection) {
    byCollection = new Map();
    tables.set(store, byCollection);
  }
  const entry = byCollection.get(info.name) ?? {};
  byCollection.set(info.name, entry);
  const key = info.generation ?? '';
  if (entry.ready && entry.readyKey === key) {
    return entry.ready;
  }
  const fresh = entry.ready !== undefined && entry.started !== undefined && Date.now() - entry.started < (options.refreshMs ?? REFRESH_MS);
  if (!fresh && (!entry.pending || entry.pendingKey !== key)) {
    entry.started = Date.now();
    // Not tied to the caller's signal: the read serves later searches too.
    const pending = store.outline(info.name).then((rows) => new SymbolIndex(rows));
    entry.pending = pending;
    entry.pendingKey = key;
    pending.then(
      (index) => {
        if (entry.pending === pending) {
          entry.ready = index;
          entry.readyKey = key;
          entry.pending = undefined;
        }
      },
      () => {
        if (entry.pending === pending) {
          entry.pending = undefined;
        }
      },
    );
  }
  if (entry.ready) {
    return entry.ready;
  }
  return waitFor(entry.pending, options.waitMs, signal);
}

/**
 * Search hits in files the index has never seen: rows were written since it was read (an index run
 * still going, which sets the generation only at its end), so the next search reads it again
 * (at most every REFRESH_MS, like a new generation).
 */
export function noteSearchedPaths(store: VectorStore, info: CollectionHeader, paths: Iterable<string>): void {
  const entry = tables.get(store)?.get(info.name);
  if (!entry?.ready || entry.readyKey === undefined) {
    return;
  }
  for (const p of paths) {
    if (!entry.ready.hasFile(p)) {
      entry.readyKey = undefined;
      return;
    }
  }
}

async function waitFor(pending: Promise<SymbolIndex> | undefined, waitMs: number | undefined, signal?: AbortSignal): Promise<SymbolIndex | undefined> {
  if (!pending) {
    return undefined;
  }
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const giveUp = new Promise<undefined>((resolve) => {
    if (waitMs !== undefined) {
      timer = setTimeout(() => resolve(undefined), Math.max(0, waitMs));
    }
    onAbort = (): void => resolve(undefined);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([pending.catch(() => undefined), giveUp]);
  } finally {
    clearTimeout(timer);
    if (onAbort) {
      signal?.removeEventListener('abort', onAbort);
    }
  }
}
