/**
 * Runs embedded Milvus Lite: one server per data dir, shared by every process that opens
 * that dir (VS Code windows, the CLI, test runs).
 *
 * Lifetime rule: each process that uses the server holds a lease (a file in milvus-users/).
 * Releasing the last live lease stops the server, unless it was started by
 * `kimi-milvus server start` (keepAlive), which only `server stop` ends. A server whose users
 * all crashed stops itself after a minute (see launcher.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { StoreError, throwIfAborted } from '../errors';
import { nullLogger, type Logger } from '../logger';
import { acquireLock } from './fileLock';
import { LAUNCHER_PY } from './launcher';
import { sleep as delay } from '../sleep';
import { canConnect, isPidAliveRunning, stopPid } from './processes';
import {
  liveUsers,
  readState,
  registerUser,
  removeState,
  serverPaths,
  writeState,
  type ServerInfo,
  type ServerPaths,
} from './serverState';
import { logTail, readReady, startFailure } from './startup';
import { ensureVenv } from './venv';
import { childEnv } from '../redaction';

export type { ServerInfo } from './serverState';

export interface LiteServerOptions {
  /** Holds the lock/state files, the server log and `milvus/` (the data). */
  readonly dataDir: string;
  /** The private venv with Milvus Lite. */
  readonly venvDir: string;
  /** Python used to create the venv; undefined = search PATH. */
  readonly pythonPath: string | undefined;
  readonly logger?: Logger;
  readonly onProgress?: (message: string) => void;
}

export interface ServerLease {
  /** The server as last seen. */
  readonly info: ServerInfo;
  /** Returns the live server, restarting it if it died. */
  ensureRunning(signal?: AbortSignal): Promise<ServerInfo>;
  /** Gives up this lease; stops the server when it was the last one (see the lifetime rule). */
  release(): Promise<void>;
}

export interface ServerStatus {
  readonly running: boolean;
  readonly info: ServerInfo | undefined;
  readonly users: number;
  readonly dataDir: string;
}

/** How long a fresh server may take to answer (first start imports pyarrow/faiss/numpy). */
const START_TIMEOUT_MS = 90_000;
const START_LOCK_TIMEOUT_MS = START_TIMEOUT_MS + 30_000;
const STOP_GRACE_MS = 10_000;
/** Part of the server's command line; tells our server from a recycled pid. */
const SERVER_CMD_MARK = 'milvus_launcher.py';

export class MilvusLiteServer {
  private readonly paths: ServerPaths;
  private readonly logger: Logger;

  constructor(private readonly options: LiteServerOptions) {
    this.paths = serverPaths(options.dataDir);
    this.logger = options.logger ?? nullLogger;
  }

  get dataDir(): string {
    return this.paths.dataDir;
  }

  /** Finds the running server of this data dir or starts one, and takes a lease on it. */
  async acquire(opts: { keepAlive?: boolean } = {}, signal?: AbortSignal): Promise<ServerLease> {
    // Register first: a process releasing its lease right now then sees us and keeps the server.
    const userFile = registerUser(this.paths, randomBytes(4).toString('hex'));
    let info: ServerInfo | undefined;
    try {
      info = await this.liveServer();
      if (!info || (opts.keepAlive && !info.keepAlive)) {
        info = await this.startOrFind(opts.keepAlive === true, signal);
      }
    } catch (err) {
      fs.rmSync(userFile, { force: true });
      throw err;
    }
    let current = info;
    let released = false;
    return {
      get info() {
        return current;
      },
      ensureRunning: async (s?: AbortSignal) => {
        current = (await this.liveServer()) ?? (await this.startOrFind(false, s));
        // A restart by another process may have removed our lease file with the old server's users.
        fs.mkdirSync(this.paths.usersDir, { recursive: true });
        fs.writeFileSync(userFile, '');
        return current;
      },
      release: async () => {
        if (released) {
          return;
        }
        released = true;
        fs.rmSync(userFile, { force: true });
        await this.stopIfUnused();
      },
    };
  }

  async status(): Promise<ServerStatus> {
    const info = await this.liveServer();
    return { running: info !== undefined, info, users: info ? liveUsers(this.paths) : 0, dataDir: this.paths.dataDir };
  }

  /** Stops the server of this data dir whoever started it. Returns false when none was running. */
  async stop(): Promise<boolean> {
    const lock = await acquireLock(this.paths.startLock, { timeoutMs: START_LOCK_TIMEOUT_MS, purpose: 'the Milvus Lite server lock' });
    try {
      const info = await this.liveServer();
      if (!info) {
        return false;
      }
      await this.stopServer(info);
      return true;
    } finally {
      lock.release();
    }
  }

  /** The server from the state file if its process is alive and answering. */
  private async liveServer(): Promise<ServerInfo | undefined> {
    const info = readState(this.paths);
    if (!info || !isPidAliveRunning(info.pid, SERVER_CMD_MARK)) {
      return undefined;
    }
    return (await canConnect(info.host, info.port, 2000)) ? info : undefined;
  }

  private async startOrFind(keepAlive: boolean, signal?: AbortSignal): Promise<ServerInfo> {
    // Provision outside the start lock: pip has its own lock and may take minutes.
    const python = await ensureVenv({
      venvDir: this.options.venvDir,
      pythonPath: this.options.pythonPath,
      logger: this.logger,
      onProgress: this.options.onProgress,
      signal,
    });
    const lock = await acquireLock(this.paths.startLock, {
      timeoutMs: START_LOCK_TIMEOUT_MS,
      purpose: 'another process starting Milvus Lite',
      signal,
    });
    try {
      const running = await this.liveServer();
      if (running) {
        if (keepAlive && !running.keepAlive) {
          const kept = { ...running, keepAlive: true };
          writeState(this.paths, kept);
          return kept;
        }
        return running;
      }
      const stale = readState(this.paths);
      if (stale) {
        // Alive but not answering (hung), or its pid now belongs to another program: take over.
        if (isPidAliveRunning(stale.pid, SERVER_CMD_MARK)) {
          this.logger.warn(`Milvus Lite (pid ${stale.pid}) does not answer; stopping it.`);
          await stopPid(stale.pid, 3000);
        }
        fs.rmSync(this.paths.stateFile, { force: true });
      }
      return await this.spawnServer(python, keepAlive, signal);
    } finally {
      lock.release();
    }
  }

  private async spawnServer(python: string, keepAlive: boolean, signal?: AbortSignal): Promise<ServerInfo> {
    const launched = this.launch(python);
    try {
      return await this.waitUntilReady(launched, keepAlive, signal);
    } catch (err) {
      if (launched.child.pid !== undefined && launched.exitCode() === undefined) {
        await stopPid(launched.child.pid, 2000);
      }
      throw err;
    }
  }

  /** Starts the launcher script, detached, logging to the data dir; `exitCode` is undefined while it runs. */
  private launch(python: string): Launched {
    const p = this.paths;
    fs.mkdirSync(p.milvusDir, { recursive: true });
    fs.rmSync(p.readyFile, { force: true });
    this.options.onProgress?.('Starting Milvus Lite…');
    fs.writeFileSync(p.launcherFile, LAUNCHER_PY);
    const log = fs.openSync(p.logFile, 'a');
    const started = Date.now();
    const child = spawn(python, ['-u', p.launcherFile, p.milvusDir, p.readyFile, p.stateFile, p.usersDir], {
      // Detached with its own log: the server outlives the process that started it, so other
      // windows and later CLI commands can keep using it.
      detached: true,
      stdio: ['ignore', log, log],
      windowsHide: true,
      cwd: p.dataDir,
      env: childEnv(process.env, { PYTHONUNBUFFERED: '1' }),
    });
    fs.closeSync(log);
    let exited: number | null | undefined;
    child.once('exit', (code) => {
      exited = code;
    });
    child.once('error', () => {
      exited = -1;
    });
    child.unref();
    return { child, started, exitCode: () => exited };
  }

  /** Polls the ready file until the server accepts connections; records it in the state file. */
  private async waitUntilReady({ started, exitCode }: Launched, keepAlive: boolean, signal?: AbortSignal): Promise<ServerInfo> {
    const p = this.paths;
    for (;;) {
      throwIfAborted(signal);
      const ready = readReady(p.readyFile);
      if (ready && (await canConnect('127.0.0.1', ready.port, 2000))) {
        const info: ServerInfo = {
          pid: ready.pid,
          port: ready.port,
          host: '127.0.0.1',
          address: `127.0.0.1:${ready.port}`,
          version: ready.version,
          startedAt: new Date().toISOString(),
          keepAlive,
          milvusDir: p.milvusDir,
        };
        writeState(p, info);
        this.logger.info(`Milvus Lite ${info.version} started (pid ${info.pid}, port ${info.port}) in ${Date.now() - started} ms.`);
        return info;
      }
      const exited = exitCode();
      if (exited !== undefined) {
        throw new StoreError(startFailure(exited, logTail(p.logFile), p), 'unavailable');
      }
      if (Date.now() - started > START_TIMEOUT_MS) {
        throw new StoreError(
          `Milvus Lite did not start within ${START_TIMEOUT_MS / 1000} s. Log (${p.logFile}):\n${logTail(p.logFile)}`,
          'unavailable',
        );
      }
      await delay(150, signal);
    }
  }

  private async stopIfUnused(): Promise<void> {
    let lock;
    try {
      lock = await acquireLock(this.paths.startLock, { timeoutMs: 15_000, purpose: 'the Milvus Lite server lock' });
    } catch (err) {
      // Someone else is starting or stopping it; they decide its fate.
      this.logger.debug(`Not stopping Milvus Lite: ${String(err)}`);
      return;
    }
    try {
      const info = readState(this.paths);
      if (!info || info.keepAlive || liveUsers(this.paths) > 0) {
        return;
      }
      await this.stopServer(info);
    } finally {
      lock.release();
    }
  }

  private async stopServer(info: ServerInfo): Promise<void> {
    if (isPidAliveRunning(info.pid, SERVER_CMD_MARK)) {
      this.logger.info(`Stopping Milvus Lite (pid ${info.pid}).`);
      await stopPid(info.pid, STOP_GRACE_MS, 'SIGINT');
    }
    removeState(this.paths, info.pid);
  }
}

interface Launched {
  readonly child: ChildProcess;
  readonly started: number;
  readonly exitCode: () => number | null | undefined;
}
