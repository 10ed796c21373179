/**
 * `kimi-milvus mcp`: serves the workspace index to any MCP client (VS Code, Claude Code,
 * Cursor, Kimi CLI…) over stdio. This command only reads the CLI's flags and environment; the
 * server itself is src/mcp. stdout carries protocol messages only; everything else, logs
 * included, goes to stderr.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../core/errors';
import { createStreamLogger } from '../core/logger';
import type { CliCommand } from './command';
import { EMBEDDING_HELP, INDEX_HELP, cliEmbedder, embeddingConfigFrom, embeddingOptions, indexConfigFrom, indexOptions } from './config';
import { cliMilvusConfig } from './context';
import { McpSession } from '../mcp/session';
import { serveOverStdio } from '../mcp/stdio';
import { Redactor, secretsFromEnv } from '../core/redaction';

export const TOOLS_HELP = [
  'Tools:',
  '  search_workspace {query, path?, extensions?, limit?}  the files that answer a query (BM25 + dense + definitions),',
  '                                                     best passage of each cited path:start-end',
  '  find_symbol {name, limit?}                           where a class, function or method is defined',
  '  read_file {path, start_line?, end_line?}             lines of a workspace file (no ../, no secret files)',
  '  list_files {pattern?, path?, limit?}                 workspace files matching a glob',
  '  index_workspace {}                                   incremental index of the workspace folders, with',
  '                                                     progress notifications; runs on a folder queue',
  '  index_status {}                                      indexed or not, chunks, search mode, run in progress',
  '  list_collections {}                                  every collection on the Milvus server',
  '  clear_index {}                                       delete the workspace collections (destructive)',
].join('\n');

const MILVUS_HELP = [
  'Milvus (flags win over environment variables):',
  '  --milvus-uri URI    MILVUS_URI            remote Milvus/Zilliz Cloud; empty: embedded Milvus Lite,',
  '                                            shared with VS Code and other commands on the same data dir',
  '                      MILVUS_TOKEN          token or user:password (environment only)',
  '  --data-dir DIR      KIMI_MILVUS_DATA_DIR  where embedded Milvus Lite keeps its data, venv and lock files',
].join('\n');

const options = {
  root: { type: 'string', multiple: true },
  'data-dir': { type: 'string' },
  'milvus-uri': { type: 'string' },
  ...embeddingOptions,
  ...indexOptions,
} as const;

export const mcpCommand: CliCommand = {
  name: 'mcp',
  summary: 'Serve the workspace index to MCP clients (VS Code, Claude Code, Cursor, Kimi CLI) over stdio',
  usage: [
    'Usage: kimi-milvus mcp [--root DIR]... [options]',
    '',
    'A Model Context Protocol server on stdin/stdout. The workspace is --root (repeatable), else the',
    "client's roots (roots/list), else the current folder. Each folder is indexed into its own",
    'collection, the same one `kimi-milvus index` and the VS Code extension use. Logs go to stderr',
    '(KIMI_MILVUS_LOG_LEVEL, default info).',
    '',
    TOOLS_HELP,
    '',
    '  --root DIR                workspace folder (repeatable); wins over the client\'s roots',
    '',
    INDEX_HELP,
    '',
    EMBEDDING_HELP,
    '',
    MILVUS_HELP,
  ].join('\n'),
  options,
  async run(args, io) {
    const rootFlags = Array.isArray(args.values.root) ? args.values.root.filter((r): r is string => typeof r === 'string') : [];
    const roots = rootFlags.map((r) => path.resolve(io.cwd, r));
    for (const root of roots) {
      const stat = await fs.stat(root).catch(() => undefined);
      if (!stat?.isDirectory()) {
        throw new ConfigError(`--root ${root} is not a folder.`);
      }
    }
    const level = io.env.KIMI_MILVUS_LOG_LEVEL;
    const logger = createStreamLogger(
      (line) => io.stderr(`${line}\n`),
      level === 'trace' || level === 'debug' || level === 'info' || level === 'warn' || level === 'error' ? level : 'info',
    );
    const session = new McpSession({
      milvus: cliMilvusConfig(io, args),
      embedding: embeddingConfigFrom(args, io.env),
      embedder: cliEmbedder(args, io),
      index: indexConfigFrom(args),
      logger,
      onStoreProgress: (message) => io.stderr(`${message}\n`),
      redactor: new Redactor(secretsFromEnv(io.env)),
    });
    if (roots.length) {
      session.setRoots(roots);
    }
    await serveOverStdio(session, { fixedRoots: roots.length > 0, fallbackRoot: io.cwd }, io.signal);
    return 0;
  },
};
