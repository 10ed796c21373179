import * as path from 'node:path';
import picomatch from 'picomatch';
import type { IndexConfig } from '../config';
import { DEFAULT_DOCUMENT_MAX_MB, isDocumentPath } from '../documents/formats';
import { isSecretFile } from '../secrets';
import { ALWAYS_SKIPPED_DIRS, DEFAULT_INCLUDE_BASENAMES, DEFAULT_INCLUDE_EXTENSIONS } from './constants';
import type { SkipReason } from './events';
import { extensionOf } from './language';

interface CompiledFilters {
  readonly excluded: (relPath: string) => boolean;
  readonly extraIncluded: (relPath: string) => boolean;
}

const compiled = new WeakMap<IndexConfig, CompiledFilters>();

function filtersOf(config: IndexConfig): CompiledFilters {
  let f = compiled.get(config);
  if (!f) {
    // `basename`: a slash-less pattern such as `*.log` matches at any depth, as in files.exclude.
    const opts = { dot: true, basename: true };
    const none = (): boolean => false;
    f = {
      excluded: config.exclude.length ? picomatch([...config.exclude], opts) : none,
      extraIncluded: config.include.length ? picomatch([...config.include], opts) : none,
    };
    compiled.set(config, f);
  }
  return f;
}

/** Why a directory is never descended into (null: walk it). Name-based only. */
export function classifyDir(relDir: string, config: IndexConfig): SkipReason | null {
  const name = path.posix.basename(relDir);
  if (ALWAYS_SKIPPED_DIRS.has(name)) {
    return 'excluded';
  }
  const { excluded } = filtersOf(config);
  return excluded(relDir) || excluded(`${relDir}/`) ? 'excluded' : null;
}

/**
 * Why a file would not be indexed, judging by its path alone (null: it would be, subject to the
 * ignore files and its content). Usable by a file watcher for a single path.
 */
export function classifyPath(relPath: string, config: IndexConfig): SkipReason | null {
  const rel = relPath.replace(/\\/g, '/');
  const segments = rel.split('/');
  if (segments.slice(0, -1).some((s) => ALWAYS_SKIPPED_DIRS.has(s))) {
    return 'excluded';
  }
  const filters = filtersOf(config);
  if (filters.excluded(rel)) {
    return 'excluded';
  }
  if (isSecretFile(rel)) {
    return 'secret';
  }
  const base = segments[segments.length - 1];
  const included =
    DEFAULT_INCLUDE_EXTENSIONS.has(extensionOf(rel)) ||
    DEFAULT_INCLUDE_BASENAMES.has(base) ||
    filters.extraIncluded(rel) ||
    (config.documents === true && isDocumentPath(rel));
  if (!included) {
    return 'not-included';
  }
  if (/\.min\.(js|mjs|cjs|css)$/i.test(base)) {
    return 'minified';
  }
  return null;
}

/** The size cap of a file: documents have their own (they are larger than source files). */
export function maxBytesFor(relPath: string, config: IndexConfig): number {
  return isDocumentPath(relPath) ? (config.maxDocumentSizeMb ?? DEFAULT_DOCUMENT_MAX_MB) * 1024 * 1024 : config.maxFileSizeKb * 1024;
}
