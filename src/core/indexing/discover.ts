import { type Dirent, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { IndexConfig } from '../config';
import { FileError, throwIfAborted } from '../errors';
import { SILENT_DIRS } from './constants';
import type { SkipReason } from './events';
import { type IgnoreLayer, isIgnored, loadIgnoreLayer } from './ignoreRules';
import { classifyDir, classifyPath } from './pathFilter';
import { classifyContent, readHead } from './sniff';

/** Files of one directory judged concurrently. */
const JUDGE_AHEAD = 16;

export type DiscoveredEntry =
  | { readonly kind: 'file'; readonly absPath: string; readonly relPath: string; readonly size: number }
  | { readonly kind: 'skipped'; readonly relPath: string; readonly reason: SkipReason };

interface DirFrame {
  readonly abs: string;
  readonly rel: string;
  readonly layers: readonly IgnoreLayer[];
}

interface WalkState {
  readonly rootReal: string;
  readonly config: IndexConfig;
  readonly signal: AbortSignal | undefined;
  /** Real paths of directories already walked: a symlink back to one of them is a loop. */
  readonly visited: Set<string>;
}

/**
 * Walks a folder and yields what should be indexed and what is skipped (with why), one directory
 * listing at a time, so memory does not grow with the size of the tree. Skipped directories are
 * reported once, as `dir/`, and not descended into. Order is deterministic (sorted names).
 */
export async function* discoverFiles(root: string, config: IndexConfig, signal?: AbortSignal): AsyncGenerator<DiscoveredEntry> {
  const abs = path.resolve(root);
  let rootReal: string;
  try {
    rootReal = await fs.realpath(abs);
  } catch {
    throw new FileError(`The folder ${abs} does not exist or cannot be read.`);
  }
  const state: WalkState = { rootReal, config, signal, visited: new Set([rootReal]) };
  const layer = await loadIgnoreLayer(abs, '');
  yield* walk(state, { abs, rel: '', layers: layer ? [layer] : [] });
}

async function* walk(state: WalkState, dir: DirFrame): AsyncGenerator<DiscoveredEntry> {
  throwIfAborted(state.signal);
  let entries: Dirent[];
  try {
    entries = await fs.readdir(dir.abs, { withFileTypes: true });
  } catch {
    if (dir.rel !== '') {
      yield { kind: 'skipped', relPath: `${dir.rel}/`, reason: 'unreadable' };
      return;
    }
    throw new FileError(`The folder ${dir.abs} cannot be read.`);
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const relOf = (name: string): string => (dir.rel === '' ? name : `${dir.rel}/${name}`);
  // Files are judged (stat + head read) a few at a time ahead of the cursor; results keep their order.
  const ahead = new Map<number, Promise<DiscoveredEntry | undefined>>();
  for (let i = 0; i < entries.length; i++) {
    for (let k = i; k < Math.min(entries.length, i + JUDGE_AHEAD); k++) {
      const e = entries[k];
      if (e.isFile() && !ahead.has(k)) {
        ahead.set(k, judgeFile(state, dir, path.join(dir.abs, e.name), relOf(e.name)));
      }
    }
    const entry = entries[i];
    throwIfAborted(state.signal);
    const abs = path.join(dir.abs, entry.name);
    const rel = relOf(entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    let real: string | undefined;
    if (entry.isSymbolicLink()) {
      const target = await resolveLink(abs);
      if (target === 'loop' || target === 'dangling') {
        yield { kind: 'skipped', relPath: rel, reason: target === 'loop' ? 'symlink-loop' : 'unreadable' };
        continue;
      }
      if (target.real !== state.rootReal && !target.real.startsWith(state.rootReal + path.sep)) {
        yield { kind: 'skipped', relPath: target.isDir ? `${rel}/` : rel, reason: 'outside-root' };
        continue;
      }
      ({ isDir, isFile, real } = target);
    }
    if (isDir) {
      yield* enterDir(state, dir, abs, rel, entry.name, real);
    } else if (isFile) {
      const found = await (ahead.get(i) ?? judgeFile(state, dir, abs, rel));
      ahead.delete(i);
      if (found) {
        yield found;
      }
    }
  }
}

async function* enterDir(state: WalkState, parent: DirFrame, abs: string, rel: string, name: string, linkReal?: string): AsyncGenerator<DiscoveredEntry> {
  const byName = classifyDir(rel, state.config);
  if (byName) {
    if (!SILENT_DIRS.has(name)) {
      yield { kind: 'skipped', relPath: `${rel}/`, reason: byName };
    }
    return;
  }
  if (isIgnored(parent.layers, rel, true)) {
    yield { kind: 'skipped', relPath: `${rel}/`, reason: 'ignored' };
    return;
  }
  let real = linkReal;
  if (real === undefined) {
    try {
      real = await fs.realpath(abs);
    } catch {
      yield { kind: 'skipped', relPath: `${rel}/`, reason: 'unreadable' };
      return;
    }
  }
  if (state.visited.has(real)) {
    yield { kind: 'skipped', relPath: `${rel}/`, reason: 'symlink-loop' };
    return;
  }
  state.visited.add(real);
  const layer = await loadIgnoreLayer(abs, rel);
  yield* walk(state, { abs, rel, layers: layer ? [...parent.layers, layer] : parent.layers });
}

async function judgeFile(state: WalkState, dir: DirFrame, abs: string, rel: string): Promise<DiscoveredEntry | undefined> {
  const byName = classifyPath(rel, state.config);
  if (byName && byName !== 'minified') {
    return { kind: 'skipped', relPath: rel, reason: byName };
  }
  if (isIgnored(dir.layers, rel, false)) {
    return { kind: 'skipped', relPath: rel, reason: 'ignored' };
  }
  if (byName) {
    return { kind: 'skipped', relPath: rel, reason: byName };
  }
  return judgeContent(abs, rel, state.config);
}

/** Size and content checks shared by the walk and single-file checks. */
export async function judgeContent(abs: string, rel: string, config: IndexConfig): Promise<DiscoveredEntry> {
  let size: number;
  let head: Uint8Array;
  try {
    size = (await fs.stat(abs)).size;
    if (size > config.maxFileSizeKb * 1024) {
      return { kind: 'skipped', relPath: rel, reason: 'too-large' };
    }
    head = await readHead(abs);
  } catch {
    return { kind: 'skipped', relPath: rel, reason: 'unreadable' };
  }
  const byContent = classifyContent(rel, head);
  return byContent ? { kind: 'skipped', relPath: rel, reason: byContent } : { kind: 'file', absPath: abs, relPath: rel, size };
}

async function resolveLink(abs: string): Promise<{ real: string; isDir: boolean; isFile: boolean } | 'loop' | 'dangling'> {
  try {
    const real = await fs.realpath(abs);
    const stat = await fs.stat(real);
    return { real, isDir: stat.isDirectory(), isFile: stat.isFile() };
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ELOOP' ? 'loop' : 'dangling';
  }
}
