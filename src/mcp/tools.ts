/**
 * The MCP server's tools. search_workspace, find_symbol, read_file and list_collections are the agent's own
 * tools (src/core/agent/tools) run on the session's tool environment, so every rule and
 * hardening of the agent (path confinement, secret files, result caps) holds here too;
 * index_workspace, index_status and clear_index drive the same Indexer and store.
 */
import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { listFiles, readFile } from '../core/agent/tools/codebaseTools';
import { listAllCollections } from '../core/agent/tools/databaseTools';
import type { Tool, ToolOutcome } from '../core/agent/tools/registry';
import { readResultText, searchResultText } from '../core/agent/tools/resultText';
import { searchWorkspace } from '../core/agent/tools/searchTools';
import { findSymbol } from '../core/agent/tools/symbolTools';
import type { ToolEnv } from '../core/agent/tools/context';
import { indexStatusTool, indexWorkspaceTool, clearIndexTool } from './indexTools';
import type { McpSession } from './session';
import type { McpTool, McpToolResult } from './tool';

const READ_ONLY: ToolAnnotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

/** A finished agent tool outcome as an MCP result: a failure is a tool error the model can read, not a protocol error. */
export function fromOutcome(outcome: ToolOutcome, text?: (result: Record<string, unknown>) => string): McpToolResult {
  const result = { ...outcome.result };
  if (!result.success) {
    return { text: typeof result.message === 'string' ? result.message : 'The tool failed.', structured: result, isError: true };
  }
  return { text: text ? text(result) : JSON.stringify(result, null, 2), structured: result, isError: false };
}

/** Wraps an agent tool, rebuilt per call on the current roots (they can change while the server runs). */
function agentTool(
  session: McpSession,
  make: (env: ToolEnv) => Tool,
  meta: { name?: string; title: string; annotations: ToolAnnotations; text?: (result: Record<string, unknown>) => string },
): McpTool {
  const template = make(session.toolEnv());
  return {
    name: meta.name ?? template.name,
    title: meta.title,
    description: template.description,
    inputSchema: template.parameters,
    annotations: meta.annotations,
    async run(args, call) {
      return fromOutcome(await make(session.toolEnv()).run(args, call.signal), meta.text);
    },
  };
}

export function createMcpTools(session: McpSession): McpTool[] {
  return [
    agentTool(session, searchWorkspace, {
      title: 'Search the workspace index',
      annotations: READ_ONLY,
      text: searchResultText,
    }),
    agentTool(session, findSymbol, { title: 'Find a definition', annotations: READ_ONLY }),
    agentTool(session, readFile, { title: 'Read workspace file lines', annotations: READ_ONLY, text: readResultText }),
    agentTool(session, listFiles, { title: 'List workspace files', annotations: READ_ONLY }),
    indexWorkspaceTool(session),
    indexStatusTool(session),
    agentTool(session, listAllCollections, { name: 'list_collections', title: 'List Milvus collections', annotations: READ_ONLY }),
    clearIndexTool(session),
  ];
}
