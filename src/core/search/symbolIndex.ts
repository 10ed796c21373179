/**
 * The definitions index of a collection: every class, function and method the indexer found
 * (indexing/definitions.ts), by name, with the chunk that holds it. It is not stored apart: each
 * code chunk's section lists the qualified names defined in it, so the index is read back from the
 * collection's outline (one scan of ids, paths, lines and sections) and kept in memory until the
 * collection's generation or row count changes.
 */
import { familyOf } from '../indexing/language';
import type { CollectionInfo, OutlineRow, VectorStore } from '../store/types';

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

  constructor(rows: readonly OutlineRow[]) {
    const files = new Set<string>();
    for (const row of rows) {
      files.add(row.path);
      if (!row.section || row.section.startsWith('(in ') || familyOf(row.path) === 'prose') {
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

interface Cached {
  readonly key: string;
  readonly index: Promise<SymbolIndex>;
}

/** One table per store and collection, for as long as the store lives (no global state beyond it). */
const tables = new WeakMap<VectorStore, Map<string, Cached>>();

/** The collection's symbol index, read once per generation and row count and shared by every search of this store. */
export function symbolIndexFor(store: VectorStore, info: CollectionInfo, signal?: AbortSignal): Promise<SymbolIndex> {
  let byCollection = tables.get(store);
  if (!byCollection) {
    byCollection = new Map();
    tables.set(store, byCollection);
  }
  const key = `${info.generation ?? ''}:${info.rowCount}`;
  const cached = byCollection.get(info.name);
  if (cached && cached.key === key) {
    return cached.index;
  }
  const index = store.outline(info.name, signal).then((rows) => new SymbolIndex(rows));
  byCollection.set(info.name, { key, index });
  // A failed or cancelled read is not kept: the next search reads again.
  index.catch(() => {
    if (byCollection?.get(info.name)?.index === index) {
      byCollection.delete(info.name);
    }
  });
  return index;
}
