/**
 * What an MCP tool is to the server: a name, a JSON schema, annotations and a run that gets the
 * call's signal and progress channel. Its own file so the tool sets (tools.ts, indexTools.ts) and
 * the server depend on it and not on each other.
 */
import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { JsonSchema } from '../core/agent/tools/registry';

export interface ToolCall {
  readonly signal: AbortSignal;
  /** Present when the client asked for progress (sent a progressToken). */
  readonly progress?: (progress: number, total: number | undefined, message: string) => void;
}

export interface McpToolResult {
  readonly text: string;
  readonly structured: Record<string, unknown>;
  readonly isError: boolean;
}

export interface McpTool {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly inputSchema: JsonSchema;
  readonly annotations: ToolAnnotations;
  run(args: Record<string, unknown>, call: ToolCall): Promise<McpToolResult>;
}
