/** Small process and socket helpers for the embedded server manager. */
import * as fs from 'node:fs';
import * as net from 'node:net';
import { sleep } from '../sleep';

/** True when a process with this pid exists (EPERM means it exists but is not ours). */
export function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) {
    return false;
  }
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed child stays a zombie until its parent reaps it; kill(pid, 0) still succeeds then.
  return procState(pid) !== 'Z';
}

/**
 * The fields of /proc/<pid>/stat after the command name (Linux; undefined elsewhere): [0] is the
 * one-letter state (field 3 of proc(5)), [11] and [12] utime and stime in clock ticks.
 */
export function procStatFields(pid: number): string[] | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

function procState(pid: number): string | undefined {
  return procStatFields(pid)?.[0];
}

/**
 * True when `pid` is alive and, where the OS lets us look (Linux /proc), its command line
 * mentions `needle`: a recycled pid of some unrelated program does not count.
 */
export function isPidAliveRunning(pid: number, needle: string): boolean {
  if (!isPidAlive(pid)) {
    return false;
  }
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle);
  } catch {
    return true;
  }
}

/** Asks the OS for a free loopback port. The port is released before it is used, so a race is possible; callers retry. */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** True when something accepts TCP connections on host:port within `timeoutMs`. */
export function canConnect(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Stops a process: `signal` first, then SIGKILL after `graceMs`. Resolves true once it is
 * gone. Never waits longer than graceMs + 3 s.
 */
export async function stopPid(pid: number, graceMs: number, first: NodeJS.Signals = 'SIGINT'): Promise<boolean> {
  if (!isPidAlive(pid)) {
    return true;
  }
  try {
    process.kill(pid, first);
  } catch {
    return !isPidAlive(pid);
  }
  if (await waitForExit(pid, graceMs)) {
    return true;
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
  return waitForExit(pid, 3000);
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isPidAlive(pid)) {
      return true;
    }
    await sleep(100);
  }
  return !isPidAlive(pid);
}
