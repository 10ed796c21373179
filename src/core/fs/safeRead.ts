/**
 * Check-then-use safe reads. A path that was checked (resolved with realpath, found inside the
 * workspace, not a secret) can be swapped for a symlink to another file before it is opened by
 * name again. So the file is opened once, without following a link in its last component and
 * without blocking (a FIFO would block a plain open forever), and the opened descriptor itself
 * is verified: a regular file, the same inode as the checked path, and (on Linux, through
 * /proc/self/fd) still at the checked path. Every byte then comes from that descriptor.
 */
import { constants, promises as fs, type Stats } from 'node:fs';
import * as path from 'node:path';
import { FileError, throwIfAborted } from '../errors';

export type UnsafeReadReason = 'not-found' | 'not-regular' | 'too-large' | 'changed' | 'unreadable';

/** Why a checked path could not be read safely; `reason` lets callers map it to a skip reason. */
export class UnsafeReadError extends FileError {
  constructor(
    message: string,
    readonly reason: UnsafeReadReason,
    readonly size?: number,
  ) {
    super(message);
  }
}

export interface SafeReadOptions {
  /** Larger files are refused with reason 'too-large' (nothing is read). */
  readonly maxBytes: number;
  /** Only the first bytes are wanted (e.g. a sniff): read at most this many, never refuse as too large. */
  readonly headBytes?: number;
  readonly signal?: AbortSignal;
}

export interface SafeReadResult {
  readonly bytes: Buffer;
  /** The file's size when it was opened (bytes may be shorter for a head read). */
  readonly size: number;
  readonly dev: number;
  readonly ino: number;
  /** Hard links to the file: more than 1 means it has other names, maybe secret ones. */
  readonly nlink: number;
  /** Modification time of the opened file, taken before any byte was read. */
  readonly mtimeMs: number;
}

// O_NOFOLLOW and O_NONBLOCK are 0 where the platform lacks them (Windows); the identity checks still apply.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * Reads the regular file at `realPath`, which must be the exact real path that was checked
 * (no symlink in it). Throws UnsafeReadError when it is not a regular file, was replaced
 * between the check and the open, or is larger than `maxBytes`.
 */
export async function readCheckedFile(realPath: string, options: SafeReadOptions): Promise<SafeReadResult> {
  throwIfAborted(options.signal);
  const shown = path.basename(realPath);
  let before: Stats;
  try {
    before = await fs.lstat(realPath);
  } catch {
    throw new UnsafeReadError(`${shown} does not exist or cannot be read.`, 'not-found');
  }
  if (before.isSymbolicLink()) {
    throw new UnsafeReadError(`${shown} was replaced by a link after it was checked; it was not read.`, 'changed');
  }
  if (!before.isFile()) {
    throw new UnsafeReadError(`${shown} is not a regular file (${kindOf(before)}); it is never read.`, 'not-regular');
  }
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(realPath, OPEN_FLAGS);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // ELOOP: O_NOFOLLOW met a symlink swapped in after the lstat.
    throw code === 'ELOOP' || code === 'EMLINK'
      ? new UnsafeReadError(`${shown} was replaced by a link after it was checked; it was not read.`, 'changed')
      : new UnsafeReadError(`${shown} cannot be opened (${code ?? 'error'}).`, 'unreadable');
  }
  try {
    const opened = await handle.stat();
    if (!opened.isFile()) {
      throw new UnsafeReadError(`${shown} is not a regular file (${kindOf(opened)}); it is never read.`, 'not-regular');
    }
    if (opened.dev !== before.dev || opened.ino !== before.ino || !(await stillAt(handle.fd, realPath))) {
      throw new UnsafeReadError(`${shown} changed between the check and the read; it was not read.`, 'changed');
    }
    const wanted = options.headBytes ?? opened.size;
    if (options.headBytes === undefined && opened.size > options.maxBytes) {
      throw new UnsafeReadError(`${shown} is ${Math.ceil(opened.size / 1024)} KB, over the ${Math.floor(options.maxBytes / 1024)} KB limit.`, 'too-large', opened.size);
    }
    const bytes = await readUpTo(handle, Math.min(wanted, options.maxBytes), options.signal);
    return { bytes, size: opened.size, dev: opened.dev, ino: opened.ino, nlink: opened.nlink, mtimeMs: opened.mtimeMs };
  } finally {
    await handle.close();
  }
}

/** The real path of `p` when its last component must not be followed: its folder's real path plus its name. */
export async function realPathNoFollow(p: string): Promise<string> {
  const abs = path.resolve(p);
  return path.join(await fs.realpath(path.dirname(abs)), path.basename(abs));
}

/**
 * Where the kernel says the descriptor is. On Linux this closes the remaining window (a folder
 * of the path swapped for a link between the lstat and the open); elsewhere the inode check
 * above is what remains.
 */
async function stillAt(fd: number, realPath: string): Promise<boolean> {
  if (process.platform !== 'linux') {
    return true;
  }
  try {
    return (await fs.readlink(`/proc/self/fd/${fd}`)) === realPath;
  } catch {
    return true;
  }
}

async function readUpTo(handle: fs.FileHandle, limit: number, signal: AbortSignal | undefined): Promise<Buffer> {
  const buffer = Buffer.alloc(limit);
  let filled = 0;
  while (filled < limit) {
    throwIfAborted(signal);
    const { bytesRead } = await handle.read(buffer, filled, limit - filled, filled);
    if (bytesRead === 0) {
      break;
    }
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

function kindOf(stat: Stats): string {
  if (stat.isDirectory()) {
    return 'a folder';
  }
  if (stat.isFIFO()) {
    return 'a named pipe';
  }
  if (stat.isSocket()) {
    return 'a socket';
  }
  if (stat.isCharacterDevice() || stat.isBlockDevice()) {
    return 'a device';
  }
  return 'not a file';
}
