/**
 * The inodes of the secret files of a workspace, so that a hard link to `.env` under a harmless
 * name (same inode, different name) is refused by the tools as the secret itself is. Only looked
 * for when a file to be read has more than one link, which is rare, so the walk costs nothing in
 * the common case; it is bounded and skips dependency and build folders.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ALWAYS_SKIPPED_DIRS } from './constants';
import { isSecretFile } from '../secrets';

const MAX_ENTRIES = 100_000;

/** dev:ino of every secret-named regular file under `roots` (bounded walk). */
export async function secretInodes(roots: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  let seen = 0;
  const walk = async (root: string, dir: string): Promise<void> => {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (++seen > MAX_ENTRIES) {
        return;
      }
      const abs = path.join(dir, e.name);
      if (e.isDirectory() && !ALWAYS_SKIPPED_DIRS.has(e.name)) {
        await walk(root, abs);
      } else if (e.isFile() && isSecretFile(path.relative(root, abs))) {
        const st = await fs.lstat(abs).catch(() => undefined);
        if (st) {
          found.add(`${st.dev}:${st.ino}`);
        }
      }
    }
  };
  for (const root of roots) {
    await walk(root, root);
  }
  return found;
}
