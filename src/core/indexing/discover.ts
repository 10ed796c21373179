import { type Dirent, promises as fs, type Stats } from 'node:fs';
import * as path from 'node:path';
import type { IndexConfig } from '../config';
import { FileError, throwIfAborted } from '../errors';
import { isSecretFile } from '../secrets';
import { SILENT_DIRS } from './constants';
import type { SkipReason } from './events';
import { type IgnoreLayer, isIgnored, loadIgnoreLayer } from './ignoreRules';
import { classifyDir, classifyPath, maxBytesFor } from './pathFilter';
import { classifyContent, readHead, skipReasonOf } from './sniff';

/** Files of one directory judged concurrently. */
const JUDGE_AHEAD = 16;

export type DiscoveredEntry =
  | { readonly kind: 'file'; readonly absPath: string; readonly relPath: string; readonly size: number; readonly mtimeMs: number }
  | { readonly kind: 'skipped'; readonly relPath: string; readonly reason: SkipReason };

export interface DiscoverOptions {
  /**
   * True when a file with this size and mtime is known, from a validated index cache, to be the
   * version already indexed: its head is not read (its content passed the sniff when it was
   * indexed). Every check by name, link, type and hard link still applies.
   */
  readonly known?: (relPath: string, stat: { readonly size: number; readonly mtimeMs: number }) => boolean;
}

interface DirFrame {
  readonly abs: string;
  readonly rel: string;
  readonly layers: readonly IgnoreLayer[];
}

/** A file judged indexable whose inode has other names: decided once every secret is known. */
interface Deferred {
  readonly entry: DiscoveredEntry;
  readonly key: string;
}

interface WalkState {
  readonly rootReal: string;
  readonly config: IndexConfig;
  readonly signal: AbortSignal | undefined;
  /** dev:ino of folders already walked: another name for one (bind mount, hard-linked dir) is a duplicate. */
  readonly dirs: Set<string>;
  /** dev:ino of files skipped as secrets, so a hard link to one under a harmless name is skipped too. */
  readonly secrets: Set<string>;
  readonly deferred: Deferred[];
  readonly known: DiscoverOptions['known'];
}

interface Judged {
  readonly entry: DiscoveredEntry;
  /** dev:ino when the file has other hard links: decided after the walk. */
  readonly defer?: string;
}

/**
 * Walks a folder and yields what should be indexed and what is skipped (with why), one directory
 * listing at a time, so memory does not grow with the size of the tree. Skipped directories are
 * reported once, as `dir/`, and not descended into. Order is deterministic (sorted names), except
 * that files with several hard links come last: they are judged once every secret's inode is known.
 *
 * A file or folder is judged by its real target, not by the name that leads to it: a symlink whose
 * target is inside the root is never followed (the target is walked under its own, real name; a
 * link into a secret is reported as a secret), and one whose target is outside is reported as such.
 */
export async function* discoverFiles(
  root: string,
  config: IndexConfig,
  signal?: AbortSignal,
  options: DiscoverOptions = {},
): AsyncGenerator<DiscoveredEntry> {
  const abs = path.resolve(root);
  let rootReal: string;
  let rootStat: Stats;
  try {
    rootReal = await fs.realpath(abs);
    rootStat = await fs.stat(rootReal);
  } catch {
    throw new FileError(`The folder ${abs} does not exist or cannot be read.`);
  }
  const state: WalkState = { rootReal, config, signal, dirs: new Set([idOf(rootStat)]), secrets: new Set(), deferred: [], known: options.known };
  const layer = await loadIgnoreLayer(abs, '');
  yield* walk(state, { abs, rel: '', layers: layer ? [layer] : [] });
  const seen = new Set<string>();
  for (const { entry, key } of state.deferred) {
    if (state.secrets.has(key)) {
      yield { kind: 'skipped', relPath: entry.relPath, reason: 'secret' };
    } else if (seen.has(key)) {
      yield { kind: 'skipped', relPath: entry.relPath, reason: 'duplicate' };
    } else {
      seen.add(key);
      yield entry;
    }
  }
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
  const ahead = new Map<number, Promise<Judged>>();
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
    if (entry.isSymbolicLink()) {
      yield await judgeLink(state, dir, abs, rel);
    } else if (entry.isDirectory()) {
      yield* enterDir(state, dir, abs, rel, entry.name);
    } else if (entry.isFile()) {
      const judged = await (ahead.get(i) ?? judgeFile(state, dir, abs, rel));
      ahead.delete(i);
      yield* settle(state, judged);
    } else if (entry.isFIFO() || entry.isSocket() || entry.isCharacterDevice() || entry.isBlockDevice()) {
      // Never opened: opening a FIFO blocks until a writer comes.
      yield { kind: 'skipped', relPath: rel, reason: 'special-file' };
    } else {
      // The file system did not report a type (DT_UNKNOWN): ask lstat, then judge as above.
      const stat = await fs.lstat(abs).catch(() => undefined);
      if (stat?.isSymbolicLink()) {
        yield await judgeLink(state, dir, abs, rel);
      } else if (stat?.isDirectory()) {
        yield* enterDir(state, dir, abs, rel, entry.name);
      } else if (stat?.isFile()) {
        yield* settle(state, await judgeFile(state, dir, abs, rel));
      } else {
        yield { kind: 'skipped', relPath: rel, reason: stat ? 'special-file' : 'unreadable' };
      }
    }
  }
}

/** Yields a judged file now, or keeps it for the end of the walk when it has other hard links. */
function* settle(state: WalkState, judged: Judged): Generator<DiscoveredEntry> {
  if (judged.defer !== undefined) {
    state.deferred.push({ entry: judged.entry, key: judged.defer });
  } else {
    yield judged.entry;
  }
}

/**
 * A symlink inside the root: its target is judged by the target's own path too (a link named
 * notes.txt pointing at .env is a secret), and is never walked twice under two names.
 */
async function judgeLink(state: WalkState, dir: DirFrame, abs: string, rel: string): Promise<DiscoveredEntry> {
  let real: string;
  let stat: Stats;
  try {
    real = await fs.realpath(abs);
    stat = await fs.stat(real);
  } catch (err) {
    return { kind: 'skipped', relPath: rel, reason: (err as NodeJS.ErrnoException).code === 'ELOOP' ? 'symlink-loop' : 'unreadable' };
  }
  const shown = stat.isDirectory() ? `${rel}/` : rel;
  if (real !== state.rootReal && !real.startsWith(state.rootReal + path.sep)) {
    return { kind: 'skipped', relPath: shown, reason: 'outside-root' };
  }
  const realRel = path.relative(state.rootReal, real).split(path.sep).join('/');
  if (isSecretFile(rel) || (realRel !== '' && isSecretFile(realRel))) {
    if (stat.isFile()) {
      state.secrets.add(idOf(stat));
    }
    return { kind: 'skipped', relPath: shown, reason: 'secret' };
  }
  if (stat.isDirectory()) {
    // A link to the folder it sits in (or one above) would walk forever; any other is a second name.
    const dirReal = await fs.realpath(dir.abs).catch(() => dir.abs);
    const ancestor = real === dirReal || dirReal.startsWith(real + path.sep);
    return { kind: 'skipped', relPath: shown, reason: ancestor ? 'symlink-loop' : 'duplicate' };
  }
  return { kind: 'skipped', relPath: shown, reason: stat.isFile() ? 'duplicate' : 'special-file' };
}

async function* enterDir(state: WalkState, parent: DirFrame, abs: string, rel: string, name: string): AsyncGenerator<DiscoveredEntry> {
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
  let id: string;
  try {
    id = idOf(await fs.lstat(abs));
  } catch {
    yield { kind: 'skipped', relPath: `${rel}/`, reason: 'unreadable' };
    return;
  }
  if (state.dirs.has(id)) {
    yield { kind: 'skipped', relPath: `${rel}/`, reason: 'duplicate' };
    return;
  }
  state.dirs.add(id);
  const layer = await loadIgnoreLayer(abs, rel);
  yield* walk(state, { abs, rel, layers: layer ? [...parent.layers, layer] : parent.layers });
}

async function judgeFile(state: WalkState, dir: DirFrame, abs: string, rel: string): Promise<Judged> {
  const byName = classifyPath(rel, state.config);
  if (byName === 'secret') {
    await fs.lstat(abs).then(
      (s) => state.secrets.add(idOf(s)),
      () => undefined,
    );
  }
  if (byName && byName !== 'minified') {
    return { entry: { kind: 'skipped', relPath: rel, reason: byName } };
  }
  if (isIgnored(dir.layers, rel, false)) {
    return { entry: { kind: 'skipped', relPath: rel, reason: 'ignored' } };
  }
  if (byName) {
    return { entry: { kind: 'skipped', relPath: rel, reason: byName } };
  }
  return (await judgeKnown(state, abs, rel)) ?? judgeContentWithId(abs, rel, state.config);
}

/**
 * A file the index cache vouches for, judged by one lstat instead of a head read. Only a regular
 * file with a single name qualifies (a hard-linked one takes the full path, so it is still judged
 * after every secret's inode is known); anything else returns undefined and is read as usual.
 */
async function judgeKnown(state: WalkState, abs: string, rel: string): Promise<Judged | undefined> {
  if (!state.known) {
    return undefined;
  }
  const stat = await fs.lstat(abs).catch(() => undefined);
  if (!stat?.isFile() || stat.nlink > 1 || stat.size > maxBytesFor(rel, state.config) || !state.known(rel, stat)) {
    return undefined;
  }
  return { entry: { kind: 'file', absPath: abs, relPath: rel, size: stat.size, mtimeMs: stat.mtimeMs } };
}

/** Size and content checks shared by the walk and single-file checks. */
export async function judgeContent(abs: string, rel: string, config: IndexConfig): Promise<DiscoveredEntry> {
  return (await judgeContentWithId(abs, rel, config)).entry;
}

async function judgeContentWithId(abs: string, rel: string, config: IndexConfig): Promise<{ entry: DiscoveredEntry; defer?: string }> {
  let head: Awaited<ReturnType<typeof readHead>>;
  try {
    head = await readHead(abs);
  } catch (err) {
    return { entry: { kind: 'skipped', relPath: rel, reason: skipReasonOf(err) } };
  }
  if (head.size > maxBytesFor(rel, config)) {
    return { entry: { kind: 'skipped', relPath: rel, reason: 'too-large' } };
  }
  const byContent = classifyContent(rel, head.bytes);
  const entry: DiscoveredEntry = byContent ? { kind: 'skipped', relPath: rel, reason: byContent } : { kind: 'file', absPath: abs, relPath: rel, size: head.size, mtimeMs: head.mtimeMs };
  return entry.kind === 'file' && head.nlink > 1 ? { entry, defer: `${head.dev}:${head.ino}` } : { entry };
}

function idOf(stat: Stats): string {
  return `${stat.dev}:${stat.ino}`;
}
