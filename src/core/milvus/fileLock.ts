/**
 * A cross-process lock: a file created with O_EXCL that holds the owner's pid. A lock whose
 * owner is dead is stale and taken over. Every wait is bounded.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StoreError } from '../errors';
import { sleep as delay } from '../sleep';
import { isPidAlive } from './processes';

export interface LockOptions {
  /** Give up after this long with StoreError('unavailable'). */
  readonly timeoutMs: number;
  /** Poll interval while another live process holds the lock. */
  readonly pollMs?: number;
  /** What the lock protects, for the error message. */
  readonly purpose: string;
  readonly signal?: AbortSignal;
}

export interface HeldLock {
  readonly path: string;
  release(): void;
}

interface LockContent {
  readonly pid: number;
  readonly at: number;
}

/** Reads the holder of a lock file; undefined when it is missing or unreadable. */
export function readLockOwner(lockPath: string): LockContent | undefined {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'pid' in parsed && typeof parsed.pid === 'number') {
      const at = 'at' in parsed && typeof parsed.at === 'number' ? parsed.at : 0;
      return { pid: parsed.pid, at };
    }
  } catch {
    // Missing, or half-written by a process that died mid-write: treated below.
  }
  return undefined;
}

function tryCreate(lockPath: string): boolean {
  try {
    const fd = fs.openSync(lockPath, 'wx');
    try {
      fs.writeSync(fd, JSON.stringify({ pid: process.pid, at: Date.now() }));
    } finally {
      fs.closeSync(fd);
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      return false;
    }
    throw err;
  }
}

/** A lock file is stale when its owner is dead, or it has been unreadable for more than 10 s. */
function isStale(lockPath: string): boolean {
  const owner = readLockOwner(lockPath);
  if (owner) {
    return !isPidAlive(owner.pid);
  }
  try {
    return Date.now() - fs.statSync(lockPath).mtimeMs > 10_000;
  } catch {
    return false;
  }
}

export async function acquireLock(lockPath: string, options: LockOptions): Promise<HeldLock> {
  fs.mkdirSync(path.dirname(lockPath), { recursive: true });
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (tryCreate(lockPath)) {
      let released = false;
      return {
        path: lockPath,
        release: () => {
          if (!released) {
            released = true;
            removeIfOurs(lockPath);
          }
        },
      };
    }
    if (isStale(lockPath)) {
      // Rename first so two processes taking over the same stale lock cannot both win.
      const grave = `${lockPath}.stale-${process.pid}-${Date.now()}`;
      try {
        fs.renameSync(lockPath, grave);
        fs.rmSync(grave, { force: true });
      } catch {
        // Someone else took it over first; loop and compete for the new file.
      }
      continue;
    }
    if (Date.now() >= deadline) {
      const owner = readLockOwner(lockPath);
      throw new StoreError(
        `Timed out after ${Math.round(options.timeoutMs / 1000)} s waiting for ${options.purpose}` +
          ` (lock ${lockPath} held by pid ${owner?.pid ?? 'unknown'}). If no other Kimi Milvus process is running, delete that file.`,
        'unavailable',
      );
    }
    await delay(options.pollMs ?? 150, options.signal);
  }
}

function removeIfOurs(lockPath: string): void {
  if (readLockOwner(lockPath)?.pid === process.pid) {
    fs.rmSync(lockPath, { force: true });
  }
}
