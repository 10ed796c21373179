import {
  DEFAULT_EMBEDDING_DIMENSIONS,
  DEFAULT_EMBEDDING_MODEL,
  EMBEDDING_PROVIDERS,
  type EmbeddingConfig,
  type EmbeddingProvider,
  type IndexConfig,
} from '../core/config';
import type { Embedder } from '../core/embedding/embedder';
import { createEmbedder } from '../core/embedding/factory';
import { bundledModelsDir } from '../core/embedding/localModel';
import { ConfigError } from '../core/errors';
import { type CliIO, type ParsedArgs, stringFlag } from './command';
import { cliDataDir, cliLogger } from './context';
import type { Deadlines } from '../core/net/deadlines';

/** Flags shared by the commands that embed (index, add, search). The key is env-only: argv is visible in `ps`. */
export const embeddingOptions = {
  'embedding-provider': { type: 'string' },
  'embedding-base-url': { type: 'string' },
  'embedding-model': { type: 'string' },
  'embedding-dimensions': { type: 'string' },
  // Network deadlines apply to Kimi and the embedding endpoint alike; every command that embeds takes them.
  'connect-timeout': { type: 'string' },
  'idle-timeout': { type: 'string' },
  'request-timeout': { type: 'string' },
} as const;

/** Flags of the commands that pick files (index). */
export const indexOptions = {
  include: { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
  'max-file-size-kb': { type: 'string' },
} as const;

export const EMBEDDING_HELP = [
  'Embeddings (flags win over environment variables):',
  '  --embedding-provider P    EMBEDDING_PROVIDER   auto (default), local, openai-compatible or none',
  '                            auto: the endpoint when a base URL or key is set, else none (BM25 only)',
  '                            local: all-MiniLM-L6-v2 on this machine (pip installs it, 21 MB, once; pip\'s',
  '                            own index/proxy settings apply; needs Python 3.10+); --embedding-model may',
  '                            name a model folder. KIMI_EMBED_VENV a ready runtime venv;',
  '                            KIMI_EMBED_THREADS inference threads (default: every core, at low priority)',
  '  --embedding-base-url URL  EMBEDDING_BASE_URL   OpenAI-compatible endpoint, e.g. https://api.openai.com/v1',
  '  --embedding-model NAME    EMBEDDING_MODEL      default text-embedding-3-small',
  '  --embedding-dimensions N  EMBEDDING_DIMENSIONS default 1536; must match the model',
  '                            EMBEDDING_API_KEY    the key (environment only)',
  '  With neither a base URL nor a key, collections are BM25-only (full-text search, no vectors);',
  '  a key without a base URL means OpenAI.',
  'Network deadlines for Kimi and embedding requests (seconds, decimals allowed):',
  '  --connect-timeout S       KIMI_MILVUS_CONNECT_TIMEOUT  wait for response headers (default 30)',
  '  --idle-timeout S          KIMI_MILVUS_IDLE_TIMEOUT     silence allowed inside a response; pings do not count (default 60)',
  '  --request-timeout S       KIMI_MILVUS_REQUEST_TIMEOUT  one whole request (default 600)',
].join('\n');

export const INDEX_HELP = [
  'File selection (besides .gitignore, .kimiignore, node_modules, build output, binaries and secrets):',
  '  --include GLOB            extra files to index, e.g. "**/*.sql" (repeatable)',
  '  --exclude GLOB            files never to index, e.g. "docs/generated/**" (repeatable)',
  '  --max-file-size-kb N      skip larger files (default 1024)',
].join('\n');

export function embeddingConfigFrom(args: ParsedArgs, env: NodeJS.ProcessEnv): EmbeddingConfig {
  const dims = stringFlag(args, 'embedding-dimensions') ?? env.EMBEDDING_DIMENSIONS;
  return {
    provider: providerFrom(nonEmpty(stringFlag(args, 'embedding-provider') ?? env.EMBEDDING_PROVIDER)),
    // The CLI cannot ask; `auto` uses the local model only when asked for by name.
    localConsent: false,
    baseUrl: nonEmpty(stringFlag(args, 'embedding-base-url') ?? env.EMBEDDING_BASE_URL),
    apiKey: nonEmpty(env.EMBEDDING_API_KEY),
    model: nonEmpty(stringFlag(args, 'embedding-model') ?? env.EMBEDDING_MODEL) ?? DEFAULT_EMBEDDING_MODEL,
    dimensions: dims === undefined || dims.trim() === '' ? DEFAULT_EMBEDDING_DIMENSIONS : positiveInt(dims, 'embedding dimensions (EMBEDDING_DIMENSIONS)'),
    ...withDeadlines(deadlinesFromArgs(args, env)),
  };
}

function withDeadlines(deadlines: Partial<Deadlines>): { deadlines?: Partial<Deadlines> } {
  return Object.keys(deadlines).length > 0 ? { deadlines } : {};
}

/** --connect-timeout/--idle-timeout/--request-timeout, else their environment variables (seconds); unset: defaults. */
export function deadlinesFromArgs(args: ParsedArgs, env: NodeJS.ProcessEnv): Partial<Deadlines> {
  const seconds = (flag: string, variable: string): number | undefined => {
    const text = (stringFlag(args, flag) ?? env[variable])?.trim();
    if (!text) {
      return undefined;
    }
    const n = Number(text);
    if (!Number.isFinite(n) || n <= 0) {
      throw new ConfigError(`--${flag} (${variable}) must be a positive number of seconds (got "${text}").`);
    }
    return Math.round(n * 1000);
  };
  const entries = [
    ['headersMs', seconds('connect-timeout', 'KIMI_MILVUS_CONNECT_TIMEOUT')],
    ['idleMs', seconds('idle-timeout', 'KIMI_MILVUS_IDLE_TIMEOUT')],
    ['totalMs', seconds('request-timeout', 'KIMI_MILVUS_REQUEST_TIMEOUT')],
  ] as const;
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined));
}

function providerFrom(value: string | undefined): EmbeddingProvider {
  if (value === undefined) {
    return 'auto';
  }
  const found = EMBEDDING_PROVIDERS.find((p) => p === value);
  if (!found) {
    throw new ConfigError(`Unknown embedding provider "${value}" (EMBEDDING_PROVIDER or --embedding-provider): use ${EMBEDDING_PROVIDERS.join(', ')}.`);
  }
  return found;
}

/** The embedder for a CLI command; the local model and its runtime live in the data dir. */
export function cliEmbedder(args: ParsedArgs, io: CliIO): Embedder {
  return createEmbedder(embeddingConfigFrom(args, io.env), {
    logger: cliLogger(io),
    local: {
      storageDir: cliDataDir(io, args),
      bundledDir: bundledModelsDir(),
      pythonPath: io.env.KIMI_MILVUS_PYTHON?.trim() || undefined,
      venvDir: io.env.KIMI_EMBED_VENV?.trim() || undefined,
      onProgress: (message) => io.stderr(`${message}\n`),
    },
  });
}

export function indexConfigFrom(args: ParsedArgs): IndexConfig {
  const size = stringFlag(args, 'max-file-size-kb');
  return {
    include: stringList(args.values.include),
    exclude: stringList(args.values.exclude),
    maxFileSizeKb: size === undefined ? 1024 : positiveInt(size, '--max-file-size-kb'),
    ...(args.values.documents === true ? { documents: true } : {}),
  };
}

function stringList(value: ParsedArgs['values'][string]): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? [value] : [];
}

function nonEmpty(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}

function positiveInt(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    throw new ConfigError(`The ${what} must be a positive integer (got "${text}").`);
  }
  return n;
}
