import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { IndexConfig } from '../config';
import { isSecretFile } from '../secrets';
import { judgeContent } from './discover';
import type { SkipReason } from './events';
import { type IgnoreLayer, isIgnored, loadIgnoreLayer } from './ignoreRules';
import { classifyDir, classifyPath } from './pathFilter';
import { secretInodes } from './secretInodes';

/**
 * The full verdict of discovery for one file, for a file watcher: null when `absPath` would be
 * indexed as part of `root`, otherwise why not. Reads the ignore files on the way down from the
 * root, so it agrees with `discoverFiles`.
 */
export async function shouldIndexFile(root: string, absPath: string, config: IndexConfig): Promise<SkipReason | null> {
  const rootAbs = path.resolve(root);
  const rel = path.relative(rootAbs, path.resolve(absPath)).split(path.sep).join('/');
  if (rel === '' || rel.startsWith('../') || rel === '..' || path.isAbsolute(rel)) {
    return 'outside-root';
  }
  const byName = classifyPath(rel, config);
  if (byName && byName !== 'minified') {
    return byName;
  }
  const segments = rel.split('/');
  const layers: IgnoreLayer[] = [];
  let relDir = '';
  for (let i = 0; i < segments.length; i++) {
    const layer = await loadIgnoreLayer(path.join(rootAbs, ...segments.slice(0, i)), relDir);
    if (layer) {
      layers.push(layer);
    }
    const isLast = i === segments.length - 1;
    const relHere = relDir === '' ? segments[i] : `${relDir}/${segments[i]}`;
    if (!isLast && classifyDir(relHere, config)) {
      return classifyDir(relHere, config);
    }
    if (isIgnored(layers, relHere, !isLast)) {
      return 'ignored';
    }
    relDir = relHere;
  }
  if (byName) {
    return byName;
  }
  try {
    const [rootReal, fileReal] = await Promise.all([fs.realpath(rootAbs), fs.realpath(absPath)]);
    if (!fileReal.startsWith(rootReal + path.sep)) {
      return 'outside-root';
    }
    // Reached through a symlink (the file or a folder above it): judged by its target, as the walk does.
    const realRel = path.relative(rootReal, fileReal).split(path.sep).join('/');
    if (realRel !== rel) {
      return isSecretFile(realRel) ? 'secret' : 'duplicate';
    }
  } catch {
    return 'unreadable';
  }
  const verdict = await judgeContent(absPath, rel, config);
  if (verdict.kind === 'skipped') {
    return verdict.reason;
  }
  // A second name (hard link) of a secret file is a secret, as in the walk.
  const stat = await fs.lstat(absPath).catch(() => undefined);
  if (stat && stat.nlink > 1 && (await secretInodes([await fs.realpath(rootAbs)])).has(`${stat.dev}:${stat.ino}`)) {
    return 'secret';
  }
  return null;
}
