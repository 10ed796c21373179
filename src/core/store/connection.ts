/**
 * Where MilvusStore gets its client: a remote Milvus / Zilliz Cloud address, or the embedded
 * Milvus Lite server, which can be restarted when it dies (the client is then rebuilt for
 * the new port).
 */
import { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { StoreError, errorMessage } from '../errors';
import { nullLogger, type Logger } from '../logger';
import type { ServerLease } from '../milvus/liteServer';

export interface MilvusConnection {
  readonly mode: 'embedded' | 'remote';
  /** host:port or URI, for display. */
  readonly address: string;
  /** Bumped whenever the client is replaced (caches tied to a server reset then). */
  readonly generation: number;
  client(): MilvusClient;
  /**
   * After a failed call: true when the connection was repaired (e.g. the embedded server
   * was restarted) and the call is worth retrying once.
   */
  recover(cause: unknown, signal?: AbortSignal): Promise<boolean>;
  close(): Promise<void>;
}

const RPC_TIMEOUT_MS = 30_000;
/**
 * Milvus Lite builds a segment's indexes on the first search after a flush, inside that
 * RPC: measured > 30 s for 100k 768-dim rows on 2 busy cores. Still bounded.
 */
const LITE_RPC_TIMEOUT_MS = 180_000;
const CONNECT_TIMEOUT_MS = 20_000;
const CLOSE_TIMEOUT_MS = 5_000;

export interface ClientTarget {
  readonly address: string;
  readonly token?: string;
  readonly ssl?: boolean;
  readonly timeoutMs?: number;
}

/** host:port (or a URI) on this machine: 127.0.0.0/8, localhost or ::1 (the embedded server is on 127.0.0.1). */
export function isLoopbackAddress(address: string): boolean {
  const rest = address.trim().replace(/^[a-z]+:\/\//i, '');
  const host = rest.startsWith('[') ? rest.slice(1, rest.indexOf(']')) : rest.split(/[:/]/)[0];
  return /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1)$/i.test(host);
}

/**
 * The SDK pings every 10 s, even with no call open. Milvus Lite's gRPC server keeps grpc's
 * defaults (a ping at most every 5 minutes while it sends nothing, none without a call, two
 * strikes), so an idle client was sent away after ~40 s ("rejected by server because of excess
 * pings"), and a call that waits longer than ~30 s for its answer (an index build inside a
 * search, a large write on a loaded machine) lost its connection mid-call. On loopback a dead
 * server resets the connection at once, so keepalive has nothing to find: ping only as often as
 * the server allows, and never without a call. Decided by the address, so it also holds for a
 * Milvus Lite started by hand and given as a URI (and harms no local Docker standalone).
 */
const LITE_CHANNEL_OPTIONS = {
  'grpc.keepalive_time_ms': 10 * 60_000,
  'grpc.keepalive_permit_without_calls': 0,
};

/** Builds a client and waits (bounded) for its Connect handshake. */
export async function connectClient(target: ClientTarget): Promise<MilvusClient> {
  const client = new MilvusClient({
    address: target.address,
    token: target.token || undefined,
    ssl: target.ssl,
    timeout: target.timeoutMs ?? RPC_TIMEOUT_MS,
    logLevel: 'error',
    // The SDK's telemetry heartbeats to the server; Milvus Lite does not implement it, and
    // users did not ask for it.
    telemetry: { enabled: false },
    ...(isLoopbackAddress(target.address) ? { channelOptions: LITE_CHANNEL_OPTIONS } : {}),
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connectPromise,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS);
      }),
    ]);
  } catch (err) {
    // The SDK rejects connectPromise on failure; make sure it is always observed.
    client.connectPromise.catch(() => undefined);
    await closeQuietly(client);
    throw new StoreError(`Cannot connect to Milvus at ${target.address}: ${errorMessage(err)}`, 'unavailable', { cause: err });
  } finally {
    clearTimeout(timer);
  }
  return client;
}

export async function closeQuietly(client: MilvusClient): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    client.closeConnection().catch(() => undefined),
    new Promise((resolve) => {
      timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
    }),
  ]);
  clearTimeout(timer);
}

export class RemoteConnection implements MilvusConnection {
  readonly mode = 'remote';
  readonly generation = 0;
  constructor(
    readonly address: string,
    private readonly current: MilvusClient,
  ) {}

  client(): MilvusClient {
    return this.current;
  }

  async recover(): Promise<boolean> {
    // The SDK already retries transient failures; a remote server is not ours to restart.
    return false;
  }

  async close(): Promise<void> {
    await closeQuietly(this.current);
  }
}

export class EmbeddedConnection implements MilvusConnection {
  readonly mode = 'embedded';
  private current: MilvusClient;
  private gen = 0;
  private recovering: Promise<boolean> | undefined;

  private constructor(
    private readonly lease: ServerLease,
    client: MilvusClient,
    private readonly logger: Logger,
  ) {
    this.current = client;
  }

  static async open(lease: ServerLease, logger: Logger = nullLogger): Promise<EmbeddedConnection> {
    return new EmbeddedConnection(lease, await connectClient({ address: lease.info.address, timeoutMs: LITE_RPC_TIMEOUT_MS }), logger);
  }

  get address(): string {
    return this.lease.info.address;
  }

  get generation(): number {
    return this.gen;
  }

  /** The server's pid, for diagnostics and tests. */
  get serverPid(): number {
    return this.lease.info.pid;
  }

  client(): MilvusClient {
    return this.current;
  }

  recover(cause: unknown, signal?: AbortSignal): Promise<boolean> {
    // Concurrent failing calls share one restart.
    this.recovering ??= this.doRecover(cause, signal).finally(() => {
      this.recovering = undefined;
    });
    return this.recovering;
  }

  private async doRecover(cause: unknown, signal?: AbortSignal): Promise<boolean> {
    const before = this.lease.info;
    const after = await this.lease.ensureRunning(signal);
    if (after.pid === before.pid && after.port === before.port) {
      return false;
    }
    this.logger.warn(
      `Milvus Lite (pid ${before.pid}) was gone (${errorMessage(cause)}); now using pid ${after.pid} on port ${after.port}.`,
    );
    const old = this.current;
    this.current = await connectClient({ address: after.address, timeoutMs: LITE_RPC_TIMEOUT_MS });
    this.gen++;
    void closeQuietly(old);
    return true;
  }

  async close(): Promise<void> {
    await closeQuietly(this.current);
  }
}
