/**
 * The one place that picks how to reach Milvus: the embedded Milvus Lite server (no URI
 * configured) or a remote Milvus / Zilliz Cloud (URI + token).
 */
import * as path from 'node:path';
import type { MilvusConfig } from '../config';
import { ConfigError, errorMessage } from '../errors';
import { nullLogger, type Logger } from '../logger';
import { MilvusLiteServer } from '../milvus/liteServer';
import { EmbeddedConnection, RemoteConnection, connectClient } from './connection';
import { MilvusStore } from './milvusStore';
import type { Bm25Text } from './searchText';
import type { VectorStore } from './types';

export interface StoreHandle {
  readonly store: VectorStore;
  readonly mode: 'embedded' | 'remote';
  /** host:port of the embedded server, or the remote URI. */
  readonly address: string;
  /** Closes the client and gives up this process's lease on the embedded server (see liteServer.ts). */
  dispose(): Promise<void>;
}

export interface OpenStoreOptions {
  readonly logger?: Logger;
  readonly onProgress?: (message: string) => void;
  readonly signal?: AbortSignal;
  /** What BM25 indexes; 'raw' (the old behaviour) exists only for the retrieval benchmark's baseline. */
  readonly bm25Text?: Bm25Text;
}

/** Where the embedded server's venv lives: KIMI_MILVUS_VENV, else `<dataDir>/venv`. */
export function embeddedVenvDir(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.KIMI_MILVUS_VENV?.trim();
  return fromEnv ? path.resolve(fromEnv) : path.join(path.resolve(dataDir), 'venv');
}

/** The embedded server manager for a config (also used by `kimi-milvus server …`). */
export function embeddedServer(config: MilvusConfig, options: OpenStoreOptions = {}): MilvusLiteServer {
  return new MilvusLiteServer({
    dataDir: config.dataDir,
    venvDir: embeddedVenvDir(config.dataDir),
    pythonPath: config.pythonPath,
    logger: options.logger,
    onProgress: options.onProgress,
  });
}

export async function openStore(config: MilvusConfig, options: OpenStoreOptions = {}): Promise<StoreHandle> {
  const logger = options.logger ?? nullLogger;
  const uri = config.uri?.trim();
  if (uri) {
    const target = parseMilvusUri(uri);
    const client = await connectClient({ address: target.address, token: config.token, ssl: target.ssl });
    const conn = new RemoteConnection(uri, client);
    const store = new MilvusStore(conn, logger, null, options.bm25Text);
    logger.info(`Connected to Milvus at ${uri}.`);
    return { store, mode: 'remote', address: uri, dispose: once(() => store.close()) };
  }
  const lease = await embeddedServer(config, options).acquire({}, options.signal);
  let conn: EmbeddedConnection;
  try {
    conn = await EmbeddedConnection.open(lease, logger).catch(async (err: unknown) => {
      // The server may have stopped between finding and connecting (its last user left): once more.
      logger.debug(`Reconnecting to Milvus Lite: ${errorMessage(err)}`);
      await lease.ensureRunning(options.signal);
      return EmbeddedConnection.open(lease, logger);
    });
  } catch (err) {
    await lease.release();
    throw err;
  }
  const store = new MilvusStore(conn, logger, undefined, options.bm25Text);
  return {
    store,
    mode: 'embedded',
    get address() {
      return conn.address;
    },
    dispose: once(async () => {
      try {
        await store.close();
      } finally {
        await lease.release();
      }
    }),
  };
}

/** `http(s)://host[:port]` or `host:port` → SDK address + TLS flag. */
export function parseMilvusUri(uri: string): { address: string; ssl: boolean } {
  const withScheme = /^[a-z]+:\/\//i.test(uri) ? uri : `http://${uri}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch (err) {
    throw new ConfigError(`Invalid Milvus URI "${uri}" (${errorMessage(err)}). Use e.g. http://localhost:19530 or https://<cluster>.zillizcloud.com.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`Invalid Milvus URI "${uri}": use http:// or https://.`);
  }
  const ssl = url.protocol === 'https:';
  const port = url.port || (ssl ? '443' : '19530');
  return { address: `${ssl ? 'https' : 'http'}://${url.hostname}:${port}`, ssl };
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}
