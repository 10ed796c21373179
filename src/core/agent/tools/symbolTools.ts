/**
 * find_symbol: where a class, function or method is defined, from the definitions index the
 * indexer keeps with the code chunks (search/symbolIndex.ts). Faster and surer than a text search
 * when the question names the code (`Matrix.is_upper`, `LatexPrinter`, `parse_args`).
 */
import { symbolIndexFor, type SymbolDef } from '../../search/symbolIndex';
import type { SourceRef } from '../events';
import type { ToolEnv } from './context';
import { int, str } from './context';
import { fail, ok, type Tool } from './registry';
import { existingTargets, searchTargets } from './searchTools';

const ESCAPE = /[.*+?^${}()|[\]\\]/g;

/** The definition's own line inside its chunk (best effort: the first line naming it after a keyword or before `(`/`:`/`=`). */
async function definitionLine(env: ToolEnv, collection: string, def: SymbolDef, signal?: AbortSignal): Promise<number> {
  const rows = await env.store.queryByPath(collection, def.path, signal);
  const chunk = rows.find((r) => r.id === def.chunkId);
  if (!chunk) {
    return def.startLine;
  }
  const name = new RegExp(`(?:^|[^\\w$])${def.name.replace(ESCAPE, '\\$&')}\\s*(?:[(:=<{]|$)`);
  const at = chunk.text.split('\n').findIndex((l) => name.test(l) && !/^\s*(?:#|\/\/|\*|@)/.test(l));
  return at >= 0 ? chunk.startLine + at : chunk.startLine;
}

export function findSymbol(env: ToolEnv): Tool {
  return {
    name: 'find_symbol',
    description:
      'Find where a class, function, method or type is defined in the indexed workspace: give its name as written in code ("is_upper", "Matrix.is_upper", "LatexPrinter._print_Mul", "module.function"). Returns each definition with its qualified name and a citation "path:start-end" of the code around it; read it with read_file.',
    parameters: {
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1, description: 'The name, optionally qualified by its class or module' },
        limit: { type: 'integer', minimum: 1, maximum: 50, default: 10, description: 'Most definitions to return' },
      },
      required: ['name'],
    },
    async run(args, signal) {
      const name = str(args.name).trim();
      const limit = int(args.limit, 10);
      if (!name) {
        return fail('Give the name of a class, function or method.');
      }
      const targets = searchTargets(env);
      const lookup = await findDefinitions(env, targets, name, signal);
      if (lookup === 'unreadable') {
        return fail('The definitions index could not be read from Milvus (cancelled or failed). Try again, or use search_workspace with the name.');
      }
      if (lookup === 'not-indexed') {
        return fail(`This workspace has not been indexed yet, so there is no definitions index; list_files and read_file still work. ${env.howToIndex ?? 'Tell the user to index it.'}`);
      }
      const top = lookup.slice(0, limit);
      const results = [];
      const sources: SourceRef[] = [];
      for (const { def, collection, root } of top) {
        const line = await definitionLine(env, collection, def, signal);
        const end = Math.max(line, def.endLine);
        results.push({ name: def.qualified, path: def.path, line, citation: `${def.path}:${line}-${end}`, ...(targets.size > 1 ? { collection } : {}) });
        sources.push({ path: def.path, startLine: line, endLine: end, ...(root ? { root } : {}) });
      }
      const more = lookup.length > top.length ? ` (${lookup.length - top.length} more; give a qualified name to narrow)` : '';
      return ok(
        {
          message: lookup.length ? `${lookup.length} definition(s) of ${name}${more}` : `No definition of ${name} in the index. Try search_workspace with the name, or a shorter or differently qualified name.`,
          name,
          results,
        },
        `${lookup.length} definition(s)`,
        sources,
      );
    },
  };
}

interface Found {
  readonly def: SymbolDef;
  readonly collection: string;
  readonly root?: string;
}

/** Every definition matching `name` in the collections that exist, top-level ones first; or why there are none to look in. */
async function findDefinitions(
  env: ToolEnv,
  targets: ReadonlyMap<string, string | undefined>,
  name: string,
  signal?: AbortSignal,
): Promise<Found[] | 'not-indexed' | 'unreadable'> {
  const found: Found[] = [];
  let searched = 0;
  for await (const { collection, info, root } of existingTargets(env, targets, signal)) {
    searched++;
    const index = await symbolIndexFor(env.store, info, {}, signal);
    if (!index) {
      return 'unreadable';
    }
    found.push(...index.find(name).map((def) => ({ def, collection, root })));
  }
  if (searched === 0) {
    return 'not-indexed';
  }
  // Shorter qualified names first (a top-level definition before a nested one of the same name).
  return found.sort((a, b) => a.def.qualified.split('.').length - b.def.qualified.split('.').length || a.def.path.localeCompare(b.def.path));
}
