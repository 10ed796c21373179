/**
 * The Model Context Protocol server over the session's tools. It uses the SDK's low-level
 * `Server` rather than `McpServer`: our tools already have JSON schemas (the agent's), and
 * McpServer turns an unknown tool or bad arguments into a tool result, where we want the
 * JSON-RPC error (-32602) the protocol defines for them, so a client can tell a misuse from
 * a failed search.
 */
import { fileURLToPath } from 'node:url';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  RootsListChangedNotificationSchema,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import Ajv, { type ValidateFunction } from 'ajv';
import { version as PRODUCT_VERSION } from '../../package.json';
import { errorMessage, isAbortError } from '../core/errors';
import { sleep } from '../core/sleep';
import type { McpSession } from './session';
import type { McpTool, ToolCall } from './tool';

/** How long the result of a call trails its last progress notification (see the call handler). */
const PROGRESS_GAP_MS = 100;

const INSTRUCTIONS =
  'Search this workspace with search_workspace (hybrid keyword + semantic over a Milvus index) and read around a hit with read_file; ' +
  'cite what you use as path:start-end. If search says the workspace is not indexed, call index_workspace.';

export interface McpServerOptions {
  /** A --root was given: the client's roots are not asked for. */
  readonly fixedRoots: boolean;
  /** Used when neither --root nor client roots are known (e.g. the client has no roots capability). */
  readonly fallbackRoot: string;
}

export function createMcpServer(session: McpSession, tools: readonly McpTool[], options: McpServerOptions): { server: Server; rootsReady: () => Promise<void> } {
  const server = new Server({ name: 'kimi-milvus', version: PRODUCT_VERSION }, { capabilities: { tools: {} }, instructions: INSTRUCTIONS });
  const ajv = new Ajv({ useDefaults: true, allErrors: true, strict: false });
  const byName = new Map<string, { tool: McpTool; validate: ValidateFunction }>(tools.map((t) => [t.name, { tool: t, validate: ajv.compile(t.inputSchema) }]));

  // Tool calls wait for the first roots answer, so a search never runs against the wrong folder.
  let markRootsKnown: () => void = () => undefined;
  let roots: Promise<void> = options.fixedRoots ? Promise.resolve() : new Promise<void>((resolve) => (markRootsKnown = resolve));

  const refreshRoots = async (): Promise<void> => {
    if (options.fixedRoots) {
      return;
    }
    if (!server.getClientCapabilities()?.roots) {
      session.setRoots([options.fallbackRoot]);
      return;
    }
    try {
      const listed = await server.listRoots();
      const folders = listed.roots.filter((r) => r.uri.startsWith('file:')).map((r) => fileURLToPath(r.uri));
      session.setRoots(folders.length ? folders : [options.fallbackRoot]);
    } catch (err) {
      session.logger.warn(`The client did not list its roots (${errorMessage(err)}); using ${options.fallbackRoot}.`);
      session.setRoots([options.fallbackRoot]);
    }
  };

  server.oninitialized = () => {
    void refreshRoots().finally(() => markRootsKnown());
  };
  server.setNotificationHandler(RootsListChangedNotificationSchema, async () => {
    roots = refreshRoots();
    await roots;
  });

  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: tools.map((t) => ({ name: t.name, title: t.title, description: t.description, inputSchema: t.inputSchema as { type: 'object' }, annotations: t.annotations })),
  }));

  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const { name } = request.params;
    const entry = byName.get(name);
    if (!entry) {
      throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}. Tools: ${[...byName.keys()].join(', ')}.`);
    }
    const args: Record<string, unknown> = { ...(request.params.arguments ?? {}) };
    if (!entry.validate(args)) {
      throw new McpError(ErrorCode.InvalidParams, `Invalid arguments for ${name}: ${ajv.errorsText(entry.validate.errors, { dataVar: 'arguments' })}.`);
    }
    const token = request.params._meta?.progressToken;
    // Notifications go out in order and all before the result: a client drops progress for a
    // request it has already seen answered ("unknown token"). The SDK's client even handles a
    // notification one microtask late, so a result read in the same chunk as the last progress
    // still overtakes it: the result waits until the last notice is PROGRESS_GAP_MS old.
    let notified: Promise<void> = Promise.resolve();
    let lastNotice: number | undefined;
    const call: ToolCall = {
      signal: extra.signal,
      ...(token !== undefined
        ? {
            progress: (progress, total, message) => {
              lastNotice = Date.now();
              notified = notified
                .then(() => extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress, ...(total !== undefined ? { total } : {}), message } }))
                .catch((err: unknown) => session.logger.debug(`Progress notification not sent: ${errorMessage(err)}`));
            },
          }
        : {}),
    };
    await roots;
    try {
      const result = await entry.tool.run(args, call);
      await notified;
      if (lastNotice !== undefined) {
        await sleep(Math.max(0, lastNotice + PROGRESS_GAP_MS - Date.now()));
      }
      // stdout is the protocol, not the CLI's redacted io: keys are removed here, at this edge.
      return {
        content: [{ type: 'text', text: session.redactor.redact(result.text) }],
        structuredContent: session.redactor.redactDeep(result.structured),
        isError: result.isError,
      };
    } catch (err) {
      if (isAbortError(err) || extra.signal.aborted) {
        throw new McpError(ErrorCode.RequestTimeout, 'Cancelled.');
      }
      // A failure of the tool (Milvus down, a file vanished) is a result the model can read and act on.
      session.logger.warn(`Tool ${name} failed: ${errorMessage(err)}`);
      return { content: [{ type: 'text', text: session.redactor.redact(`${name} failed: ${errorMessage(err)}`) }], isError: true };
    }
  });

  return { server, rootsReady: () => roots };
}
