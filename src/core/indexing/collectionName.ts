import * as path from 'node:path';
import { sha256Hex } from './ids';

const VALID = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_LENGTH = 64;
const HASH_LENGTH = 8;

/** Milvus collection names: a letter or underscore first, then letters, digits, underscores; at most 64. */
export function isValidCollectionName(name: string): boolean {
  return name.length > 0 && name.length <= MAX_LENGTH && VALID.test(name);
}

/**
 * The collection of a workspace folder: its name (readable in the Collections view) plus a short
 * hash of its absolute path, so two folders called `app` never share a collection.
 */
export function collectionNameFor(rootFolder: string): string {
  const absolute = path.resolve(rootFolder);
  // Case-insensitive file systems would otherwise give one folder two collections.
  const identity = process.platform === 'win32' || process.platform === 'darwin' ? absolute.toLowerCase() : absolute;
  const hash = sha256Hex(identity).slice(0, HASH_LENGTH);
  const base = path.basename(absolute) || 'root';
  const cleaned = base
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '');
  // A leading digit is not allowed by Milvus.
  const named = /^[0-9]/.test(cleaned) ? `ws_${cleaned}` : cleaned || 'folder';
  const stem = named.slice(0, MAX_LENGTH - HASH_LENGTH - 1);
  return `${stem}_${hash}`;
}
