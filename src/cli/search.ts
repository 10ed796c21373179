/** `kimi-milvus search`: the files (or chunks) of a collection that answer a query. */
import { citationOf, documentLocator } from '../core/documents/citation';
import { ConfigError, StoreError } from '../core/errors';
import type { Embedder } from '../core/embedding/embedder';
import { collectionNameFor } from '../core/indexing/collectionName';
import type { FileHit } from '../core/search/fileRanking';
import { SYMBOLS_WAIT_MS, prepareQuery, searchFiles } from '../core/search/searchFiles';
import type { CollectionHeader, SearchHit } from '../core/store/types';
import { boolFlag, collectionFlag, type CliCommand, type CliIO, type ParsedArgs, stringFlag } from './command';
import { EMBEDDING_HELP, embeddingOptions } from './config';
import { COMMON_HELP, commonOptions } from './context';
import { withServices } from './services';

/** A hit as printed by `search --json`: `text` is the chunk as in the file (path and lines are fields). */
function hitJson(hit: SearchHit): Record<string, unknown> {
  return {
    path: hit.path,
    startLine: hit.startLine,
    endLine: hit.endLine,
    score: hit.score,
    text: hit.text,
    ...(documentLocator(hit) ? { citation: citationOf(hit) } : {}),
    language: hit.language,
    chunkIndex: hit.chunkIndex,
    totalChunks: hit.totalChunks,
    id: hit.id,
  };
}

/** A ranked file as printed by `search --json`: its best chunk's lines and text, and why it was chosen. */
function fileJson(file: FileHit): Record<string, unknown> {
  const best = file.chunks[0];
  const def = file.defines[0];
  return {
    path: file.path,
    startLine: best?.startLine ?? def?.startLine ?? 1,
    endLine: best?.endLine ?? def?.endLine ?? 1,
    score: file.score,
    text: best?.text ?? '',
    ...(best && documentLocator(best) ? { citation: citationOf(best) } : {}),
    named: file.named,
    defines: file.defines.map((d) => d.qualified),
    chunks: file.chunks.map(hitJson),
  };
}

interface SearchRequest {
  readonly query: string;
  readonly collection: string;
  readonly limit: number;
  readonly pathPrefix?: string;
  readonly extensions?: string[];
  readonly chunks: boolean;
}

function searchRequest(args: ParsedArgs, io: CliIO, query: string): SearchRequest {
  const limitText = stringFlag(args, 'limit') ?? '10';
  const limit = Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new ConfigError(`--limit must be an integer from 1 to 1000 (got "${limitText}").`);
  }
  const ext = stringFlag(args, 'ext');
  return {
    query,
    collection: collectionFlag(args) ?? collectionNameFor(io.cwd),
    limit,
    pathPrefix: stringFlag(args, 'path-prefix'),
    extensions: ext ? ext.split(',').map((e) => e.trim().replace(/^\./, '')).filter(Boolean) : undefined,
    chunks: boolFlag(args, 'chunks'),
  };
}

/** The ranked files, or with --chunks the best chunks, as printed by --json. */
async function runSearch(args: ParsedArgs, io: CliIO, req: SearchRequest): Promise<Array<Record<string, unknown>>> {
  const { collection, limit, pathPrefix, extensions } = req;
  return withServices(io, args, async (services) => {
    const embedder = await services.embedder();
    const store = await services.store();
    if (!(await store.hasCollection(collection, io.signal))) {
      throw new StoreError(`There is no collection "${collection}". Index a folder first: kimi-milvus index <dir>`, 'not-found');
    }
    const info = await store.describeHeader(collection, io.signal);
    const embed = queryEmbedding(info, embedder, collection, io) ? async (text: string): Promise<number[] | undefined> => (await embedder.embed([text], io.signal))[0] : undefined;
    if (req.chunks) {
      const vector = embed ? await embed(req.query) : undefined;
      return (await store.search(collection, req.query, { limit, vector, pathPrefix, extensions }, io.signal)).map(hitJson);
    }
    const files = await searchFiles(store, info, prepareQuery(req.query), { limit, embed, pathPrefix, extensions, symbolsWaitMs: SYMBOLS_WAIT_MS }, io.signal);
    return files.map(fileJson);
  });
}

/** One printed result: `path:start-end` (or a document's page), why it matched, and the passage's first lines. */
function resultText(h: Record<string, unknown>, i: number): string {
  const body = String(h.text).split('\n').slice(0, 8).map((l) => `    ${l}`).join('\n');
  const defines = Array.isArray(h.defines) && h.defines.length ? `  defines ${h.defines.slice(0, 4).join(', ')}\n` : '';
  const named = h.named ? '  named in the query\n' : '';
  const citation = typeof h.citation === 'string' ? h.citation : `${String(h.path)}:${String(h.startLine)}-${String(h.endLine)}`;
  return `${i + 1}. ${citation}  score ${Number(h.score).toFixed(3)}\n${named}${defines}${body}\n\n`;
}

export const searchCommand: CliCommand = {
  name: 'search',
  summary: 'Search a collection for the files that answer a query (hybrid BM25 + dense when it has vectors, else BM25)',
  usage: [
    'Usage: kimi-milvus search "<query>" [--collection NAME] [--limit N] [--path-prefix P] [--ext ts,md] [--chunks] [--json]',
    '',
    'Prints the best files, best first: path:start-end of the best passage (a document: its page, slide',
    'or sheet), score, why it matched (definitions of names in the query, its path named in the query)',
    'and the passage. A whole bug report or traceback works as the query. With --json, an array of',
    '{ path, startLine, endLine, score, text, citation?, named, defines, chunks }. --chunks lists the',
    'best chunks instead, as { path, startLine, endLine, score, text, citation?, language, chunkIndex,',
    'totalChunks, id }. The query is embedded with the same embedding settings as the collection when',
    'it has vectors.',
    '',
    '  --collection NAME         default: the collection of the current folder',
    '  --limit N                 number of files (or chunks; default 10)',
    '  --path-prefix P           only paths starting with P (relative, forward slashes)',
    '  --ext LIST                only these extensions, comma-separated',
    '  --chunks                  list chunks, not files',
    '',
    EMBEDDING_HELP,
    '',
    COMMON_HELP,
  ].join('\n'),
  options: {
    ...commonOptions,
    ...embeddingOptions,
    collection: { type: 'string' },
    limit: { type: 'string' },
    'path-prefix': { type: 'string' },
    ext: { type: 'string' },
    chunks: { type: 'boolean' },
  },
  async run(args, io) {
    const query = args.positionals.join(' ').trim();
    if (!query) {
      io.stderr(`${this.usage}\n`);
      return 2;
    }
    const printed = await runSearch(args, io, searchRequest(args, io, query));
    if (boolFlag(args, 'json')) {
      io.stdout(`${JSON.stringify(printed, null, 2)}\n`);
    } else {
      io.stdout(printed.length === 0 ? 'No matches.\n' : printed.map(resultText).join(''));
    }
    return 0;
  },
};

/** Whether the query can be embedded for this collection: a note when it has vectors but no embedder, an error when the embedder differs. */
function queryEmbedding(info: CollectionHeader, embedder: Embedder, collection: string, io: CliIO): boolean {
  if (!info.embedding) {
    return false;
  }
  const spec = embedder.spec;
  if (!spec) {
    io.stderr(`Note: ${collection} has vectors (${info.embedding.model}) but no embedding endpoint is configured; searching with BM25 only.\n`);
    return false;
  }
  if (spec.model !== info.embedding.model || spec.dimensions !== info.embedding.dimensions) {
    throw new ConfigError(
      `${collection} was indexed with ${info.embedding.model} (${info.embedding.dimensions} dimensions), but the configured embedder is ` +
        `${spec.model} (${spec.dimensions}). Use the same EMBEDDING_* settings, or re-index.`,
    );
  }
  return true;
}
