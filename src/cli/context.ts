/**
 * What every CLI command that touches Milvus shares: the --data-dir/--milvus-uri/--json
 * flags, the data dir default, the Milvus settings and the logger (src/cli/services.ts opens
 * the store from them).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import type { MilvusConfig } from '../core/config';
import { createStreamLogger, type Logger } from '../core/logger';
import { stringFlag, type CliIO, type ParsedArgs } from './command';

export const commonOptions = {
  'data-dir': { type: 'string' },
  'milvus-uri': { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const COMMON_HELP = [
  'Milvus (flags win over environment variables):',
  '  --milvus-uri URI    MILVUS_URI            Milvus/Zilliz Cloud, e.g. http://localhost:19530; empty: embedded Milvus Lite',
  '                      MILVUS_TOKEN          token or user:password (environment only)',
  '  --data-dir DIR      KIMI_MILVUS_DATA_DIR  where embedded Milvus Lite keeps its data, venv and lock files',
  '                      KIMI_MILVUS_PYTHON    Python 3.10+ used to create the venv (default: python3 on PATH)',
  '                      KIMI_MILVUS_VENV      use this venv instead of <data dir>/venv',
  '  --json              machine-readable output on stdout',
].join('\n');

/** The default data dir, following each OS's convention for per-user application data. */
export function defaultDataDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string {
  const home = env.HOME || env.USERPROFILE || os.homedir();
  if (platform === 'win32') {
    return path.join(env.LOCALAPPDATA || path.join(home, 'AppData', 'Local'), 'kimi-milvus');
  }
  if (platform === 'darwin') {
    return path.join(home, 'Library', 'Application Support', 'kimi-milvus');
  }
  return path.join(env.XDG_DATA_HOME || path.join(home, '.local', 'share'), 'kimi-milvus');
}

/** --data-dir, else KIMI_MILVUS_DATA_DIR, else the OS default; resolved against the CLI's cwd. */
export function cliDataDir(io: CliIO, args: ParsedArgs): string {
  const chosen = stringFlag(args, 'data-dir')?.trim() || io.env.KIMI_MILVUS_DATA_DIR?.trim();
  return chosen ? path.resolve(io.cwd, chosen) : defaultDataDir(io.env);
}

export function cliMilvusConfig(io: CliIO, args: ParsedArgs): MilvusConfig {
  return {
    uri: stringFlag(args, 'milvus-uri')?.trim() || io.env.MILVUS_URI?.trim() || undefined,
    token: io.env.MILVUS_TOKEN?.trim() || undefined,
    dataDir: cliDataDir(io, args),
    pythonPath: io.env.KIMI_MILVUS_PYTHON?.trim() || undefined,
  };
}

/** Diagnostics go to stderr so stdout stays clean for answers and --json. */
export function cliLogger(io: CliIO): Logger {
  const level = io.env.KIMI_MILVUS_LOG_LEVEL;
  const valid = level === 'trace' || level === 'debug' || level === 'info' || level === 'warn' || level === 'error';
  return createStreamLogger((line) => io.stderr(`${line}\n`), valid ? level : 'warn');
}
