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
  type ServerNotification,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import Ajv, { type ValidateFunction } from 'ajv';
import { version as PRODUCT_VERSION } from '../../package.json';
import { errorMessage, isAbortError } from '../core/errors';
import { sleep } from '../core/sleep';
import { COMMAND_LINE_WORDS } from '../text/commandLineWords';
import { errorText } from '../text/errorText';
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
  const roots = new ClientRoots(server, session, options);
  server.oninitialized = () => roots.learn();
  server.setNotificationHandler(RootsListChangedNotificationSchema, () => roots.refresh());
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: tools.map((t) => ({ name: t.name, title: t.title, description: t.description, inputSchema: t.inputSchema as { type: 'object' }, annotations: t.annotations })),
  }));
  const call = toolCaller(session, tools);
  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const run = call(request.params);
    // Tool calls wait for the first roots answer, so a search never runs against the wrong folder.
    await roots.ready;
    return run(extra);
  });
  return { server, rootsReady: () => roots.ready };
}

/** The workspace roots: --root, else the client's (asked after initialize and on every change), else the fallback folder. */
class ClientRoots {
  ready: Promise<void>;
  private markKnown: () => void = () => undefined;

  constructor(
    private readonly server: Server,
    private readonly session: McpSession,
    private readonly options: McpServerOptions,
  ) {
    this.ready = options.fixedRoots ? Promise.resolve() : new Promise<void>((resolve) => (this.markKnown = resolve));
  }

  learn(): void {
    void this.list().finally(() => this.markKnown());
  }

  async refresh(): Promise<void> {
    this.ready = this.list();
    await this.ready;
  }

  private async list(): Promise<void> {
    const { options, session } = this;
    if (options.fixedRoots) {
      return;
    }
    if (!this.server.getClientCapabilities()?.roots) {
      session.setRoots([options.fallbackRoot]);
      return;
    }
    try {
      const listed = await this.server.listRoots();
      const folders = listed.roots.filter((r) => r.uri.startsWith('file:')).map((r) => fileURLToPath(r.uri));
      session.setRoots(folders.length ? folders : [options.fallbackRoot]);
    } catch (err) {
      session.logger.warn(`The client did not list its roots (${errorMessage(err)}); using ${options.fallbackRoot}.`);
      session.setRoots([options.fallbackRoot]);
    }
  }
}

type CallParams = { readonly name: string; readonly arguments?: Record<string, unknown>; readonly _meta?: { readonly progressToken?: string | number } };
type CallExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * Checks a call's tool and arguments at once (an unknown tool or bad arguments is a JSON-RPC
 * error, -32602) and returns what runs it: the tool's result, or its failure as a result the
 * model can read.
 */
function toolCaller(session: McpSession, tools: readonly McpTool[]): (params: CallParams) => (extra: CallExtra) => Promise<CallToolResult> {
  const ajv = new Ajv({ useDefaults: true, allErrors: true, strict: false });
  const byName = new Map<string, { tool: McpTool; validate: ValidateFunction }>(tools.map((t) => [t.name, { tool: t, validate: ajv.compile(t.inputSchema) }]));
  return (params) => {
    const { name } = params;
    const entry = byName.get(name);
    if (!entry) {
      throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}. Tools: ${[...byName.keys()].join(', ')}.`);
    }
    const args: Record<string, unknown> = { ...(params.arguments ?? {}) };
    if (!entry.validate(args)) {
      throw new McpError(ErrorCode.InvalidParams, `Invalid arguments for ${name}: ${ajv.errorsText(entry.validate.errors, { dataVar: 'arguments' })}.`);
    }
    return (extra) => runTool(session, entry.tool, args, params._meta?.progressToken, extra);
  };
}

async function runTool(session: McpSession, tool: McpTool, args: Record<string, unknown>, token: string | number | undefined, extra: CallExtra): Promise<CallToolResult> {
  const progress = progressChannel(session, token, extra);
  try {
    const result = await tool.run(args, { signal: extra.signal, ...(progress.send ? { progress: progress.send } : {}) });
    await progress.flushed();
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
    session.logger.warn(`Tool ${tool.name} failed: ${errorMessage(err)}`);
    const text = `${tool.name} failed: ${errorText(err, COMMAND_LINE_WORDS)}`;
    return { content: [{ type: 'text', text: session.redactor.redact(text) }], isError: true };
  }
}

/**
 * Progress notifications, when the client sent a progressToken. They go out in order and all
 * before the result: a client drops progress for a request it has already seen answered
 * ("unknown token"). The SDK's client even handles a notification one microtask late, so a result
 * read in the same chunk as the last progress still overtakes it: `flushed` also waits until the
 * last notice is PROGRESS_GAP_MS old.
 */
function progressChannel(session: McpSession, token: string | number | undefined, extra: CallExtra): { send?: ToolCall['progress']; flushed(): Promise<void> } {
  let notified: Promise<void> = Promise.resolve();
  let lastNotice: number | undefined;
  const send: ToolCall['progress'] = (progress, total, message) => {
    lastNotice = Date.now();
    notified = notified
      .then(() => extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token ?? '', progress, ...(total !== undefined ? { total } : {}), message } }))
      .catch((err: unknown) => session.logger.debug(`Progress notification not sent: ${errorMessage(err)}`));
  };
  return {
    ...(token !== undefined ? { send } : {}),
    async flushed() {
      await notified;
      if (lastNotice !== undefined) {
        await sleep(Math.max(0, lastNotice + PROGRESS_GAP_MS - Date.now()));
      }
    },
  };
}
