/**
 * Milvus Lite builds its HNSW indexes (and compacts) on a background thread after a flush: for a few
 * seconds per 10,000 rows it competes with searches and writes for the CPU. Benchmarks that want the
 * steady state wait for the server process to go quiet, read from /proc (Linux only; elsewhere they
 * say so and measure at once).
 */
import { procStatFields } from '../../src/core/milvus/processes';
import { readState, serverPaths } from '../../src/core/milvus/serverState';
import { sleep } from '../../src/core/sleep';
import type { StoreHandle } from '../../src/core/store/factory';

/** CPU seconds (user + system) the process has used, or undefined where /proc is not available. */
export function processCpuSeconds(pid: number): number | undefined {
  const fields = procStatFields(pid);
  // utime and stime, in clock ticks (100/s on Linux).
  return fields ? (Number(fields[11]) + Number(fields[12])) / 100 : undefined;
}

/** The pid of the embedded server a store handle uses, undefined for a remote Milvus. */
export function embeddedServerPid(handle: StoreHandle, dataDir: string): number | undefined {
  return handle.mode === 'embedded' ? readState(serverPaths(dataDir))?.pid : undefined;
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
    await sleep(500);
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
