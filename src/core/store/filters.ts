/**
 * Milvus boolean expressions built from user data. Values are always written as escaped
 * double-quoted literals: Milvus Lite does not support templated expressions (exprValues),
 * and its parser knows the escapes \\ \" \n \r \t but not \uXXXX, so other characters
 * (quotes, unicode) are passed through as they are.
 */

const ESCAPES: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A double-quoted Milvus string literal for `value`. */
export function quote(value: string): string {
  return `"${value.replace(/[\\"\n\r\t]/g, (c) => ESCAPES[c] ?? c)}"`;
}

/** Escapes LIKE wildcards so `value` matches literally inside a LIKE pattern. */
function likeLiteral(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export function pathEquals(path: string): string {
  return `path == ${quote(path)}`;
}

export function pathStartsWith(prefix: string): string {
  return `path like ${quote(`${likeLiteral(prefix)}%`)}`;
}

/** Files whose path ends with one of the extensions (given with or without the dot). */
export function pathHasExtension(extensions: readonly string[]): string | undefined {
  const clean = [...new Set(extensions.map((e) => e.trim().replace(/^\.+/, '')).filter((e) => e.length > 0))];
  if (clean.length === 0) {
    return undefined;
  }
  return `(${clean.map((e) => `path like ${quote(`%.${likeLiteral(e)}`)}`).join(' or ')})`;
}

export function idsIn(ids: readonly string[]): string {
  return `id in [${ids.map(quote).join(', ')}]`;
}

export function idsNotIn(ids: readonly string[]): string | undefined {
  return ids.length > 0 ? `id not in [${ids.map(quote).join(', ')}]` : undefined;
}

export function pathIn(paths: readonly string[]): string | undefined {
  return paths.length > 0 ? `path in [${paths.map(quote).join(', ')}]` : undefined;
}

/** ANDs the given clauses; undefined when there are none. */
export function allOf(...clauses: Array<string | undefined>): string | undefined {
  const present = clauses.filter((c): c is string => typeof c === 'string' && c.length > 0);
  if (present.length === 0) {
    return undefined;
  }
  return present.length === 1 ? present[0] : present.map((c) => `(${c})`).join(' and ');
}
