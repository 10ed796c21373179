/**
 * Serves the MCP server on this process's stdin/stdout until the client closes stdin, the process
 * gets SIGTERM or `signal` aborts. stdout carries protocol messages only.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createMcpServer, type McpServerOptions } from './server';
import type { McpSession } from './session';
import { createMcpTools } from './tools';

/** Libraries that print with console.log would corrupt the protocol stream. */
function keepStdoutForProtocol(): () => void {
  const saved = { log: console.log, info: console.info, debug: console.debug };
  console.log = console.info = console.debug = (...args: unknown[]) => console.error(...args);
  return () => Object.assign(console, saved);
}

/** Runs until the session ends; the session is disposed (store closed, lease given up) before it returns. */
export async function serveOverStdio(session: McpSession, options: McpServerOptions, signal: AbortSignal): Promise<void> {
  const restoreConsole = keepStdoutForProtocol();
  const { server } = createMcpServer(session, createMcpTools(session), options);
  const transport = new StdioServerTransport();
  let stop: () => void = () => undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      stop = resolve;
      // The client ends the session by closing our stdin (MCP stdio transport); a signal also stops us.
      process.stdin.once('end', stop);
      process.stdin.once('close', stop);
      process.once('SIGTERM', stop);
      signal.addEventListener('abort', stop, { once: true });
      server.onclose = stop;
      server.connect(transport).then(() => session.logger.info('kimi-milvus MCP server ready on stdio.'), reject);
    });
  } finally {
    process.stdin.off('end', stop).off('close', stop);
    process.removeListener('SIGTERM', stop);
    await server.close().catch(() => undefined);
    await session.dispose();
    restoreConsole();
  }
}
