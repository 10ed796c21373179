/**
 * Retrieval tools: the original design's search_documents (docs/reference/design.md) (one named collection) and search_workspace
 * (the workspace's own collections plus any the user added). Both are hybrid (BM25 + dense)
 * when the collection has vectors from the configured embedder, BM25 otherwise.
 */
import * as path from 'node:path';
import type { FileHit } from '../../search/fileRanking';
import { SYMBOLS_WAIT_MS, prepareQuery, searchFiles } from '../../search/searchFiles';
import type { Embedder } from '../../embedding/embedder';
import type { CollectionHeader, SearchHit } from '../../store/types';
import { citationOf, documentLocator } from '../../documents/citation';
import type { SourceRef } from '../events';
import type { ToolEnv } from './context';
import { int, str } from './context';
import { fail, ok, type Tool } from './registry';

const MAX_HIT_CHARS = 2_000;

/** Query vectors kept per embedder: a model asks again with the same words (another path, a retry). */
const QUERY_VECTORS = 32;
const vectorsByEmbedder = new WeakMap<Embedder, Map<string, number[]>>();

/** The query vector, when this collection's vectors come from the configured embedder. */
async function queryVector(env: ToolEnv, info: CollectionHeader, query: string, signal?: AbortSignal): Promise<number[] | undefined> {
  const spec = env.embedder.spec;
  if (!info.embedding || !spec || spec.model !== info.embedding.model || spec.dimensions !== info.embedding.dimensions) {
    return undefined;
  }
  let cache = vectorsByEmbedder.get(env.embedder);
  if (!cache) {
    cache = new Map();
    vectorsByEmbedder.set(env.embedder, cache);
  }
  // One embedder has one model (a settings change makes a new one), so the words are the key.
  let v = cache.get(query);
  if (v) {
    // Most recently used last: the first key is the one to drop.
    cache.delete(query);
  } else {
    [v] = await env.embedder.embed([query], signal);
  }
  if (v) {
    cache.set(query, v);
    if (cache.size > QUERY_VECTORS) {
      cache.delete(cache.keys().next().value ?? '');
    }
  }
  return v;
}

function cut(text: string): string {
  return text.length > MAX_HIT_CHARS ? `${text.slice(0, MAX_HIT_CHARS)}\n…[cut; use read_file for more]` : text;
}

function hitJson(hit: SearchHit, collection?: string): Record<string, unknown> {
  return {
    citation: citationOf(hit),
    path: hit.path,
    start_line: hit.startLine,
    end_line: hit.endLine,
    score: Math.round(hit.score * 1000) / 1000,
    ...(collection ? { collection } : {}),
    text: cut(hit.text),
  };
}

function source(hit: SearchHit, root?: string): SourceRef {
  const locator = documentLocator(hit);
  return { path: hit.path, startLine: hit.startLine, endLine: hit.endLine, ...(root ? { root } : {}), ...(locator ? { locator } : {}) };
}

export function searchDocuments(env: ToolEnv): Tool {
  return {
    name: 'search_documents',
    description: 'Search one collection for passages similar to the query (hybrid BM25 + semantic when embeddings exist).',
    parameters: {
      type: 'object',
      properties: {
        collection_name: { type: 'string', description: 'Collection name' },
        query: { type: 'string', description: 'Search content' },
        limit: { type: 'integer', minimum: 1, maximum: 50, default: 5, description: 'Number of results' },
      },
      required: ['collection_name', 'query'],
    },
    async run(args, signal) {
      const name = str(args.collection_name);
      const query = str(args.query);
      if (!(await env.store.hasCollection(name, signal))) {
        return fail(`Collection ${name} does not exist. Use list_all_collections to see the collections.`);
      }
      const info = await env.store.describeHeader(name, signal);
      const vector = await queryVector(env, info, query, signal);
      const hits = await env.store.search(name, query, { limit: int(args.limit, 5), vector }, signal);
      const root = info.metadata.root;
      return ok(
        { message: `Found ${hits.length} relevant documents`, query, results: hits.map((h) => hitJson(h)) },
        `${hits.length} hit(s) in ${name}`,
        hits.map((h) => source(h, root)),
      );
    },
  };
}

/** "./src/", "src\\core" or an absolute path inside a folder → "src/core" style prefix. */
function normalizePrefix(env: ToolEnv, input: string): string {
  let p = input.trim().replace(/\\/g, '/');
  if (path.isAbsolute(p)) {
    const folder = env.workspaceFolders.find((f) => !path.relative(f, p).startsWith('..'));
    p = folder ? path.relative(folder, p).split(path.sep).join('/') : p;
  }
  return p.replace(/^(\.\/)+/, '').replace(/^\/+/, '');
}

/** A ranked file as the model reads it: its best chunk to quote, its other chunks, and why it was chosen. */
function fileJson(file: FileHit, collection?: string): Record<string, unknown> {
  const best = file.chunks[0];
  const lines = fileLines(file);
  const why = [...(file.named ? ['named in the query'] : []), ...file.defines.slice(0, 4).map((d) => `defines ${d.qualified} (lines ${d.startLine}-${d.endLine})`)];
  return {
    citation: best ? citationOf(best) : `${file.path}:${lines.startLine}-${lines.endLine}`,
    path: file.path,
    start_line: lines.startLine,
    end_line: lines.endLine,
    score: Math.round(file.score * 1000) / 1000,
    ...(collection ? { collection } : {}),
    ...(why.length ? { why } : {}),
    ...(file.chunks.length > 1 ? { also: file.chunks.slice(1).map((c) => citationOf(c)) } : {}),
    text: best ? cut(best.text) : '',
  };
}

/** The lines a file is cited at: its best passage, else the first definition it holds. */
function fileLines(file: FileHit): { startLine: number; endLine: number } {
  const at = file.chunks[0] ?? file.defines[0];
  return at ? { startLine: at.startLine, endLine: at.endLine } : { startLine: 1, endLine: 1 };
}

/** Where the user is taken when they open a ranked file: a document's page, else its lines. */
function fileSource(file: FileHit, root?: string): SourceRef {
  const best = file.chunks[0];
  return best ? source(best, root) : { path: file.path, ...fileLines(file), ...(root ? { root } : {}) };
}

export function searchWorkspace(env: ToolEnv): Tool {
  return {
    name: 'search_workspace',
    description:
      'Search the indexed code and documents of this workspace (keyword + semantic) and get the most relevant FILES, best first, each with its best passage, other passages, and why it matched (the definitions of names in your query it holds, or its path named in the query). Citations read "path:start-end", or for a document its page, slide or sheet ("spec.pdf p.12"). Use it for any question about this project. Query with the identifiers, file paths, error messages and words of the question (a whole bug report works: its names and traceback count most); use English terms for English code. To go to a known definition use find_symbol.',
    parameters: {
      type: 'object',
      properties: {
        query: { type: 'string', minLength: 1, description: 'What to look for: identifiers, paths, error messages, or a description (a bug report as is works too)' },
        path: { type: 'string', description: 'Only files under this relative path prefix, e.g. "src/core/"' },
        extensions: { type: 'array', items: { type: 'string' }, maxItems: 50, description: 'Only files with these extensions, e.g. ["ts", "md"]' },
        limit: { type: 'integer', minimum: 1, maximum: 30, default: 8, description: 'Number of files' },
      },
      required: ['query'],
    },
    async run(args, signal) {
      const query = str(args.query);
      const prefixes = searchPrefixes(env, args);
      const prefix = prefixes.join(', ');
      const limit = int(args.limit, 8);
      const extensions = Array.isArray(args.extensions)
        ? args.extensions.map((e) => str(e).trim().replace(/^\./, '')).filter(Boolean)
        : [];
      const targets = searchTargets(env);
      const { found, searched } = await searchAll(env, targets, query, { limit, prefixes, extensions }, signal);
      if (searched === 0) {
        return fail(`This workspace has not been indexed yet, so there is nothing to search; list_files and read_file still work. ${env.howToIndex ?? 'Tell the user to index it.'}`);
      }
      found.sort((a, b) => b.file.score - a.file.score);
      const top = found.slice(0, limit);
      const multi = targets.size > 1;
      return ok(
        {
          message: `Found ${top.length} files${prefix ? ` under ${prefix}` : ''}`,
          query,
          results: top.map((f) => fileJson(f.file, multi ? f.collection : undefined)),
        },
        `${top.length} file(s)${prefix ? ` in ${prefix}` : ''}`,
        top.map((f) => fileSource(f.file, f.root)),
      );
    },
  };
}

/** Without a path from the model, the folders the user mentioned (if any) bound the search; '' is everything. */
function searchPrefixes(env: ToolEnv, args: Record<string, unknown>): string[] {
  const prefixes = args.path !== undefined ? [normalizePrefix(env, str(args.path))] : (env.searchScope ?? []).map((p) => normalizePrefix(env, p));
  if (prefixes.length === 0) {
    prefixes.push('');
  }
  return prefixes;
}

/** The workspace folders' collections, then the extra ones the user chose, each with its folder when known. */
export function searchTargets(env: ToolEnv): Map<string, string | undefined> {
  const targets = new Map<string, string | undefined>();
  for (const folder of env.workspaceFolders) {
    targets.set(env.collectionFor(folder), folder);
  }
  for (const extra of env.searchCollections?.() ?? []) {
    if (!targets.has(extra)) {
      targets.set(extra, undefined);
    }
  }
  return targets;
}

/** The targets whose collection exists, described (without counting rows), each with its root when known. */
export async function* existingTargets(
  env: ToolEnv,
  targets: ReadonlyMap<string, string | undefined>,
  signal?: AbortSignal,
): AsyncGenerator<{ readonly collection: string; readonly info: CollectionHeader; readonly root?: string }> {
  for (const [collection, folder] of targets) {
    if (await env.store.hasCollection(collection, signal)) {
      const info = await env.store.describeHeader(collection, signal);
      yield { collection, info, root: folder ?? info.metadata.root };
    }
  }
}

interface Found {
  readonly file: FileHit;
  readonly collection: string;
  readonly root?: string;
}

/** Every existing target searched under every prefix; `searched` counts the collections that exist. */
async function searchAll(
  env: ToolEnv,
  targets: ReadonlyMap<string, string | undefined>,
  query: string,
  options: { readonly limit: number; readonly prefixes: readonly string[]; readonly extensions: string[] },
  signal: AbortSignal | undefined,
): Promise<{ found: Found[]; searched: number }> {
  const { limit, prefixes, extensions } = options;
  const prepared = prepareQuery(query);
  const found: Found[] = [];
  let searched = 0;
  for await (const { collection, info, root } of existingTargets(env, targets, signal)) {
    searched++;
    const embed = (text: string): Promise<number[] | undefined> => queryVector(env, info, text, signal);
    for (const pathPrefix of prefixes) {
      const scope = { ...(pathPrefix ? { pathPrefix } : {}), ...(extensions.length ? { extensions } : {}) };
      const files = await searchFiles(env.store, info, prepared, { limit, embed, symbolsWaitMs: SYMBOLS_WAIT_MS, ...scope }, signal);
      found.push(...files.map((file) => ({ file, collection, root })));
    }
  }
  return { found, searched };
}
