/**
 * The files through which processes share one embedded server per data dir:
 * - `milvus-server.json`: pid/port/version of the running server (written atomically);
 * - `milvus-users/<pid>-<lease>`: one empty file per process lease using it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isPidAlive } from './processes';

export interface ServerInfo {
  readonly pid: number;
  readonly port: number;
  readonly host: string;
  /** host:port, as the Node SDK wants it. */
  readonly address: string;
  readonly version: string;
  readonly startedAt: string;
  /** Started by `kimi-milvus server start`: only `server stop` ends it. */
  readonly keepAlive: boolean;
  /** Where Milvus Lite keeps its data. */
  readonly milvusDir: string;
}

export interface ServerPaths {
  readonly dataDir: string;
  readonly stateFile: string;
  readonly startLock: string;
  readonly usersDir: string;
  readonly readyFile: string;
  readonly logFile: string;
  readonly milvusDir: string;
  readonly launcherFile: string;
}

export function serverPaths(dataDir: string): ServerPaths {
  const dir = path.resolve(dataDir);
  return {
    dataDir: dir,
    stateFile: path.join(dir, 'milvus-server.json'),
    startLock: path.join(dir, 'milvus-server.lock'),
    usersDir: path.join(dir, 'milvus-users'),
    readyFile: path.join(dir, 'milvus-server.ready'),
    logFile: path.join(dir, 'milvus-lite.log'),
    milvusDir: path.join(dir, 'milvus'),
    launcherFile: path.join(dir, 'milvus_launcher.py'),
  };
}

function isServerInfo(value: unknown): value is ServerInfo {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const v = value as Record<string, unknown>;
  return typeof v.pid === 'number' && typeof v.port === 'number' && typeof v.host === 'string';
}

export function readState(paths: ServerPaths): ServerInfo | undefined {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(paths.stateFile, 'utf8'));
    if (isServerInfo(parsed)) {
      return {
        ...parsed,
        address: `${parsed.host}:${parsed.port}`,
        version: typeof parsed.version === 'string' ? parsed.version : 'unknown',
        keepAlive: parsed.keepAlive === true,
      };
    }
  } catch {
    // Missing or torn: no server known.
  }
  return undefined;
}

export function writeState(paths: ServerPaths, info: ServerInfo): void {
  const tmp = `${paths.stateFile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(info, null, 2));
  fs.renameSync(tmp, paths.stateFile);
}

export function removeState(paths: ServerPaths, pid: number): void {
  if (readState(paths)?.pid === pid) {
    fs.rmSync(paths.stateFile, { force: true });
  }
}

export function registerUser(paths: ServerPaths, leaseId: string): string {
  fs.mkdirSync(paths.usersDir, { recursive: true });
  const file = path.join(paths.usersDir, `${process.pid}-${leaseId}`);
  fs.writeFileSync(file, '');
  return file;
}

/** Removes entries of dead processes and returns the number of live leases. */
export function liveUsers(paths: ServerPaths): number {
  let names: string[];
  try {
    names = fs.readdirSync(paths.usersDir);
  } catch {
    return 0;
  }
  let live = 0;
  for (const name of names) {
    const pid = Number(name.split('-')[0]);
    if (isPidAlive(pid)) {
      live++;
    } else {
      fs.rmSync(path.join(paths.usersDir, name), { force: true });
    }
  }
  return live;
}
