/**
 * Checks for values that cross the webview boundary (links, mentions), shared by both directions
 * of the protocol. Browser-safe.
 */
import { LOCATOR, type Mention, type SourceLink } from './chatModel';

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isString(v: unknown, max: number): v is string {
  return typeof v === 'string' && v.length <= max;
}

function isLine(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 10_000_000;
}

/** Validates a SourceLink: a relative path without `..` segments and a sane line range. */
export function parseSourceLink(v: unknown): SourceLink | undefined {
  if (!isObj(v) || !isString(v.path, 4096) || !isLine(v.startLine) || !isLine(v.endLine)) {
    return undefined;
  }
  if (v.path.length === 0 || v.endLine < v.startLine) {
    return undefined;
  }
  if (v.root !== undefined && !isString(v.root, 4096)) {
    return undefined;
  }
  if (v.locator !== undefined && !(typeof v.locator === 'string' && LOCATOR.test(v.locator))) {
    return undefined;
  }
  const link: SourceLink = { path: v.path, startLine: v.startLine, endLine: v.endLine };
  return { ...link, ...(typeof v.root === 'string' ? { root: v.root } : {}), ...(typeof v.locator === 'string' ? { locator: v.locator } : {}) };
}

/** Most mentions one question may carry. */
export const MAX_MENTIONS = 20;

/** Validates a Mention: a relative path without `..` segments or a drive, of a known kind. */
export function parseMention(v: unknown): Mention | undefined {
  if (!isObj(v) || (v.kind !== 'file' && v.kind !== 'folder') || !isString(v.path, 4096) || v.path.length === 0) {
    return undefined;
  }
  if (/^([A-Za-z]:|[\\/])/.test(v.path) || v.path.split(/[\\/]/).includes('..')) {
    return undefined;
  }
  if (v.root !== undefined && !isString(v.root, 4096)) {
    return undefined;
  }
  const mention: Mention = { kind: v.kind, path: v.path };
  return typeof v.root === 'string' ? { ...mention, root: v.root } : mention;
}
