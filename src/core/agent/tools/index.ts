/** Builds the registry of every tool the agent offers, from one ToolContext. */
import { toolEnv, type ToolContext } from './context';
import { addDocuments, connectDatabase, createCollection, listAllCollections } from './databaseTools';
import { readAndChunkFile, uploadFileToCollection } from './fileTools';
import { listFiles, readFile } from './codebaseTools';
import { searchDocuments, searchWorkspace } from './searchTools';
import { findSymbol } from './symbolTools';
import { ToolRegistry, type BuiltinTool, type Tool } from './registry';

export type { ToolContext } from './context';
export { ToolRegistry } from './registry';
export type { Tool, ToolOutcome, ToolExecution, ToolResult, BuiltinTool } from './registry';

/** Kimi's built-in web search (docs/reference/kimi-api.md#built-in-web-search); billed per search, so off unless asked for. */
export const WEB_SEARCH_TOOL: BuiltinTool = { name: '$web_search', builtin: true };

export function createToolRegistry(ctx: ToolContext, options: { webSearch?: boolean } = {}): ToolRegistry {
  const env = toolEnv(ctx);
  const tools: Array<Tool | BuiltinTool> = [
    searchWorkspace(env),
    findSymbol(env),
    readFile(env),
    listFiles(env),
    connectDatabase(env),
    createCollection(env),
    addDocuments(env),
    searchDocuments(env),
    listAllCollections(env),
    readAndChunkFile(env),
    uploadFileToCollection(env),
  ];
  if (options.webSearch) {
    tools.push(WEB_SEARCH_TOOL);
  }
  return new ToolRegistry(tools, ctx.logger, ctx.redactor);
}
