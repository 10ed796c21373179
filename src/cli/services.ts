/**
 * The core services (src/core/services.ts) of one CLI command: built from its flags and
 * environment, opened on first use, and closed when the command ends. An embedded server that is
 * already running (started by `kimi-milvus server start`, VS Code or another command) is reused;
 * one started here is stopped again on exit unless someone else still uses it.
 */
import { CoreServices, type ServiceInputs } from '../core/services';
import { openStore } from '../core/store/factory';
import type { CliIO, ParsedArgs } from './command';
import { cliEmbedder, embeddingConfigFrom, indexConfigFrom } from './config';
import { cliLogger, cliMilvusConfig } from './context';
import { cliDocumentExtractor } from './documents';

export interface CommandServicesOptions {
  /** The per-collection index cache (only `index` keeps one). */
  readonly cacheDir?: string;
  /** 'background': rows are written first and the command fills their vectors after (`index`). */
  readonly vectors?: 'inline' | 'background';
}

export async function withServices<T>(io: CliIO, args: ParsedArgs, fn: (services: CoreServices) => Promise<T>, options: CommandServicesOptions = {}): Promise<T> {
  const logger = cliLogger(io);
  const services = new CoreServices({
    inputs: () => commandInputs(io, args),
    openStore: (milvus) => openStore(milvus, { logger, onProgress: (message) => io.stderr(`${message}\n`), signal: io.signal }),
    createEmbedder: () => cliEmbedder(args, io),
    logger,
    indexer: {
      ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
      ...(options.vectors ? { vectors: options.vectors } : {}),
      documents: cliDocumentExtractor(args, io),
    },
  });
  try {
    return await fn(services);
  } finally {
    await services.dispose();
  }
}

/**
 * Each part is read when it is used: a command without embedding flags (collections) must not
 * fail on a bad EMBEDDING_DIMENSIONS it never needs.
 */
function commandInputs(io: CliIO, args: ParsedArgs): ServiceInputs {
  return {
    milvus: cliMilvusConfig(io, args),
    get embedding() {
      return embeddingConfigFrom(args, io.env);
    },
    get index() {
      return indexConfigFrom(args);
    },
  };
}
