/**
 * Milvus Lite builds its HNSW indexes (and compacts) on a background thread after a flush: for a few
 * seconds per 10,000 rows it competes with searches and writes for the CPU. Benchmarks that want the
 * steady state wait for the server process to go quiet, read from /proc (Linux only; elsewhere they
 * say so and measure at once).
 */
import * as fs from 'node:fs';
import { readState, serverPaths } from '../../src/core/milvus/serverState';

/** CPU seconds (user + system) the process has used, or undefined where /proc is not available. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm) ": state is field 3, utime 14, stime 15 (1-based), in clock ticks (100/s on Linux).
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

export function embeddedServerPid(dataDir: string): number | undefined {
  return readState(serverPaths(dataDir))?.pid;
}

export interface IdleWait {
  /** Seconds until the last half-second in which the server used over 10 % of a core (then it stayed quiet for a second). */
  readonly seconds: number;
  /** False when the server's CPU time cannot be read (not Linux, or not the embedded server). */
  readonly measured: boolean;
}

export async function waitForServerIdle(pid: number | undefined, maxSeconds = 300): Promise<IdleWait> {
  const start = performance.now();
  let previous = pid === undefined ? undefined : processCpuSeconds(pid);
  if (pid === undefined || previous === undefined) {
    return { seconds: 0, measured: false };
  }
  let quiet = 0;
  let lastBusy = start;
  while ((performance.now() - start) / 1000 < maxSeconds && quiet < 2) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = processCpuSeconds(pid);
    if (now === undefined) {
      return { seconds: (performance.now() - start) / 1000, measured: false };
    }
    if (now - previous < 0.05) {
      quiet += 1;
    } else {
      quiet = 0;
      lastBusy = performance.now();
    }
    previous = now;
  }
  return { seconds: (lastBusy - start) / 1000, measured: true };
}
