/**
 * The path guard for every tool that touches the file system. A path from the model is
 * resolved against the first workspace folder, then through realpath (so symlinks are
 * followed), and must land inside a workspace folder and not be a secret file. Anything else
 * is an error returned to the model, never a read.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FileError } from '../errors';
import { isSecretFile } from '../secrets';
import { secretInodes } from '../indexing/secretInodes';

export interface ResolvedPath {
  /** Real absolute path (symlinks resolved). */
  readonly absPath: string;
  /** The workspace folder it lies in, as configured. */
  readonly folder: string;
  /** That folder's real path (what absPath is relative to). */
  readonly realFolder: string;
  /** Relative to the folder, forward slashes; "" for the folder itself. */
  readonly relPath: string;
}

function inside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

export class WorkspacePaths {
  private realFolders: Promise<Array<{ folder: string; real: string }>> | undefined;

  constructor(readonly folders: readonly string[]) {}

  private roots(): Promise<Array<{ folder: string; real: string }>> {
    this.realFolders ??= Promise.all(
      this.folders.map(async (folder) => ({ folder, real: await fs.realpath(folder).catch(() => path.resolve(folder)) })),
    );
    return this.realFolders;
  }

  /** Resolves `input` (relative to the first folder, or absolute) and checks it may be touched. */
  async resolve(input: string): Promise<ResolvedPath> {
    if (this.folders.length === 0) {
      throw new FileError('No workspace folder is open, so there are no files to read.');
    }
    if (typeof input !== 'string' || input.trim() === '' || input.includes('\0')) {
      throw new FileError('Give a file path relative to the workspace, e.g. "src/index.ts".');
    }
    const first = this.folders[0];
    const lexical = path.resolve(first, input.trim());
    const roots = await this.roots();
    const outside = (): FileError =>
      new FileError(`"${input}" is outside the workspace. Only files under ${this.folders.join(', ')} can be used.`);
    if (!roots.some((r) => inside(path.resolve(r.folder), lexical) || inside(r.real, lexical))) {
      throw outside();
    }
    let real: string;
    try {
      real = await fs.realpath(lexical);
    } catch {
      throw new FileError(`File not found: ${input}. Use list_files to see which files exist.`);
    }
    const root = roots.find((r) => inside(r.real, real));
    if (!root) {
      // A symlink inside the workspace that points elsewhere.
      throw outside();
    }
    const relPath = toPosix(path.relative(root.real, real));
    const lexicalRoot = roots.find((r) => inside(path.resolve(r.folder), lexical));
    const lexicalRel = lexicalRoot ? toPosix(path.relative(path.resolve(lexicalRoot.folder), lexical)) : relPath;
    if (isSecretFile(relPath) || isSecretFile(lexicalRel)) {
      throw new FileError(`"${input}" looks like a file with credentials; it is never read or indexed.`);
    }
    return { absPath: real, folder: root.folder, realFolder: root.real, relPath };
  }

  /**
   * Throws when a file with several hard links shares its inode with a secret file of the
   * workspace (a hard link to .env under a harmless name). Cheap for the usual single link.
   */
  async assertNotSecretInode(identity: { readonly dev: number; readonly ino: number; readonly nlink: number }, shown: string): Promise<void> {
    if (identity.nlink <= 1) {
      return;
    }
    const secrets = await secretInodes((await this.roots()).map((r) => r.real));
    if (secrets.has(`${identity.dev}:${identity.ino}`)) {
      throw new FileError(`"${shown}" is another name (a hard link) of a file with credentials; it is never read or indexed.`);
    }
  }

  /** The workspace folder (and its real path) whose real path contains `absPath`, if any. */
  async folderOf(absPath: string): Promise<{ folder: string; real: string } | undefined> {
    return (await this.roots()).find((r) => inside(r.real, absPath) || inside(path.resolve(r.folder), absPath));
  }
}
