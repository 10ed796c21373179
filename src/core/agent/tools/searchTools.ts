/**
 * Retrieval tools: the seed's search_documents (one named collection) and search_workspace
 * (the workspace's own collections plus any the user added). Both are hybrid (BM25 + dense)
 * when the collection has vectors from the configured embedder, BM25 otherwise.
 */
import * as path from 'node:path';
import type { FileHit } from '../../search/fileRanking';
import { SYMBOLS_WAIT_MS, prepareQuery, searchFiles } from '../../search/searchFiles';
import type { CollectionInfo, SearchHit } from '../../store/types';
import type { SourceRef } from '../events';
import type { ToolEnv } from './context';
import { int, str } from './context';
import { fail, ok, type Tool } from './registry';

const MAX_HIT_CHARS = 2_000;

/** The query vector, when this collection's vectors come from the configured embedder. */
async function queryVector(env: ToolEnv, info: CollectionInfo, query: string, cache: Map<string, number[]>, signal?: AbortSignal): Promise<number[] | undefined> {
  const spec = env.embedder.spec;
  if (!info.embedding || !spec || spec.model !== info.embedding.model || spec.dimensions !== info.embedding.dimensions) {
    return undefined;
  }
  let v = cache.get(query);
  if (!v) {
    [v] = await env.embedder.embed([query], signal);
    if (v) {
      cache.set(query, v);
    }
  }
  return v;
}

function hitJson(hit: SearchHit, collection?: string): Record<string, unknown> {
  const text = hit.text.length > MAX_HIT_CHARS ? `${hit.text.slice(0, MAX_HIT_CHARS)}\n…[cut; use read_file for more]` : hit.text;
  return {
    citation: `${hit.path}:${hit.startLine}-${hit.endLine}`,
    path: hit.path,
    start_line: hit.startLine,
    end_line: hit.endLine,
    score: Math.round(hit.score * 1000) / 1000,
    ...(collection ? { collection } : {}),
    text,
  };
}

function source(hit: SearchHit, root?: string): SourceRef {
  return { path: hit.path, startLine: hit.startLine, endLine: hit.endLine, ...(root ? { root } : {}) };
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
      const info = await env.store.describeCollection(name, signal);
      const vector = await queryVector(env, info, query, new Map(), signal);
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
  const def = file.defines[0];
  const lines = best ? { start_line: best.startLine, end_line: best.endLine } : def ? { start_line: def.startLine, end_line: def.endLine } : { start_line: 1, end_line: 1 };
  const why = [...(file.named ? ['named in the query'] : []), ...file.defines.slice(0, 4).map((d) => `defines ${d.qualified} (lines ${d.startLine}-${d.endLine})`)];
  return {
    citation: `${file.path}:${lines.start_line}-${lines.end_line}`,
    path: file.path,
    ...lines,
    score: Math.round(file.score * 1000) / 1000,
    ...(collection ? { collection } : {}),
    ...(why.length ? { why } : {}),
    ...(file.chunks.length > 1 ? { also: file.chunks.slice(1).map((c) => `${c.path}:${c.startLine}-${c.endLine}`) } : {}),
    text: best ? cut(best.text) : '',
  };
}

function cut(text: string): string {
  return text.length > MAX_HIT_CHARS ? `${text.slice(0, MAX_HIT_CHARS)}\n…[cut; use read_file for more]` : text;
}

export function searchWorkspace(env: ToolEnv): Tool {
  return {
    name: 'search_workspace',
    description:
      'Search the indexed code and documents of this workspace (keyword + semantic) and get the most relevant FILES, best first, each with its best passage (citation "path:start-end"), other passages, and why it matched (the definitions of names in your query it holds, or its path named in the query). Use it for any question about this project. Query with the identifiers, file paths, error messages and words of the question (a whole bug report works: its names and traceback count most); use English terms for English code. To go to a known definition use find_symbol.',
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
      // Without a path from the model, the folders the user mentioned (if any) bound the search.
      const prefixes = args.path !== undefined ? [normalizePrefix(env, str(args.path))] : (env.searchScope ?? []).map((p) => normalizePrefix(env, p));
      if (prefixes.length === 0) {
        prefixes.push('');
      }
      const prefix = prefixes.join(', ');
      const limit = int(args.limit, 8);
      const extensions = Array.isArray(args.extensions)
        ? args.extensions.map((e) => str(e).trim().replace(/^\./, '')).filter(Boolean)
        : [];
      const targets = new Map<string, string | undefined>();
      for (const folder of env.workspaceFolders) {
        targets.set(env.collectionFor(folder), folder);
      }
      for (const extra of env.searchCollections?.() ?? []) {
        if (!targets.has(extra)) {
          targets.set(extra, undefined);
        }
      }
      const cache = new Map<string, number[]>();
      const prepared = prepareQuery(query);
      const found: Array<{ file: FileHit; collection: string; root?: string }> = [];
      let searched = 0;
      for (const [collection, folder] of targets) {
        if (!(await env.store.hasCollection(collection, signal))) {
          continue;
        }
        searched++;
        const info = await env.store.describeCollection(collection, signal);
        const embed = (text: string): Promise<number[] | undefined> => queryVector(env, info, text, cache, signal);
        const root = folder ?? info.metadata.root;
        for (const pathPrefix of prefixes) {
          const files = await searchFiles(env.store, info, prepared, { limit, embed, symbolsWaitMs: SYMBOLS_WAIT_MS, ...(pathPrefix ? { pathPrefix } : {}), ...(extensions.length ? { extensions } : {}) }, signal);
          found.push(...files.map((file) => ({ file, collection, root })));
        }
      }
      if (searched === 0) {
        return fail(
          'This workspace has not been indexed yet, so there is nothing to search. Tell the user to run "Kimi Milvus: Index Workspace" (or `kimi-milvus index`); meanwhile list_files and read_file still work.',
        );
      }
      found.sort((a, b) => b.file.score - a.file.score);
      const top = found.slice(0, limit);
      const multi = targets.size > 1;
      const results = top.map((f) => fileJson(f.file, multi ? f.collection : undefined));
      return ok(
        {
          message: `Found ${top.length} files${prefix ? ` under ${prefix}` : ''}`,
          query,
          results,
        },
        `${top.length} file(s)${prefix ? ` in ${prefix}` : ''}`,
        top.map((f, i) => ({ path: f.file.path, startLine: Number(results[i].start_line), endLine: Number(results[i].end_line), ...(f.root ? { root: f.root } : {}) })),
      );
    },
  };
}
