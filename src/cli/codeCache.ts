/**
 * The V8 code cache of the CLI bundle (see src/cli.ts): where it lives and how its files
 * are named, read and written.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Where code caches live, or undefined when turned off or no folder is known. */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = os.homedir()): string | undefined {
  if (env.KIMI_MILVUS_CODE_CACHE === '0') {
    return undefined;
  }
  const base =
    platform === 'win32'
      ? env.LOCALAPPDATA
      : platform === 'darwin'
        ? home && path.join(home, 'Library', 'Caches')
        : env.XDG_CACHE_HOME || (home && path.join(home, '.cache'));
  return base ? path.join(base, 'kimi-milvus', 'code-cache') : undefined;
}

/** The functions a run compiles depend on the command, so each command keeps its own cache. */
export function cacheFileName(source: string, argv: readonly string[]): string {
  const key = crypto.createHash('sha256').update(source).update(`\0${process.version}\0${process.arch}`).digest('hex').slice(0, 20);
  const command = argv.find((a) => !a.startsWith('-'));
  return `cli-${key}-${command && /^[a-z]{1,20}$/.test(command) ? command : 'other'}.bin`;
}

export function readCache(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Written whole or not at all (a temp file renamed into place); older bundles' caches are removed. */
export function writeCache(dir: string, name: string, data: Buffer): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const key = name.split('-')[1];
    for (const old of fs.readdirSync(dir)) {
      if (old.startsWith('cli-') && old.split('-')[1] !== key) {
        fs.rmSync(path.join(dir, old), { force: true });
      }
    }
    const tmp = path.join(dir, `.${name}.${process.pid}.tmp`);
    fs.writeFileSync(tmp, data, { mode: 0o600 });
    fs.renameSync(tmp, path.join(dir, name));
  } catch {
    // A cache is an optimisation: a read-only or full disk only costs the next run its compile.
  }
}
