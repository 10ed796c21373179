import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { IGNORE_FILES } from './constants';

/** The rules of one directory's `.gitignore` and `.kimiignore`, which apply below that directory. */
export interface IgnoreLayer {
  /** Directory relative to the root, forward slashes, '' for the root. */
  readonly dir: string;
  readonly rules: Ignore;
}

/** Reads a directory's ignore files; undefined when it has none. */
export async function loadIgnoreLayer(absDir: string, relDir: string): Promise<IgnoreLayer | undefined> {
  let rules: Ignore | undefined;
  for (const name of IGNORE_FILES) {
    let text: string;
    try {
      text = await fs.readFile(path.join(absDir, name), 'utf8');
    } catch {
      continue;
    }
    rules = (rules ?? ignore()).add(text);
  }
  return rules ? { dir: relDir, rules } : undefined;
}

/**
 * Git's semantics across nested ignore files: deeper files are consulted later and win, and a
 * negation (`!keep.md`) in any of them re-includes what a shallower one excluded.
 */
export function isIgnored(layers: readonly IgnoreLayer[], relPath: string, isDir: boolean): boolean {
  let ignored = false;
  for (const layer of layers) {
    if (layer.dir !== '' && !relPath.startsWith(`${layer.dir}/`)) {
      continue;
    }
    const rel = layer.dir === '' ? relPath : relPath.slice(layer.dir.length + 1);
    if (rel === '') {
      continue;
    }
    const result = layer.rules.test(isDir ? `${rel}/` : rel);
    if (result.ignored) {
      ignored = true;
    } else if (result.unignored) {
      ignored = false;
    }
  }
  return ignored;
}
