/**
 * The MCP client configurations that reach the extension's own index: the CLI shipped inside the
 * extension (`dist/cli.js`), run by the Node that runs the extension host, on the extension's
 * Milvus data dir, so an MCP client and VS Code share one Milvus Lite server and one collection
 * per folder. No secret is ever written into these texts: keys are asked for (VS Code inputs) or
 * left as placeholders the user fills in.
 */

export type McpTarget = 'vscode' | 'cursor' | 'claude' | 'kimi';

export const MCP_TARGETS: ReadonlyArray<{ readonly target: McpTarget; readonly label: string; readonly detail: string }> = [
  { target: 'vscode', label: 'VS Code (.vscode/mcp.json)', detail: 'Agent mode in VS Code; the workspace folders arrive as roots' },
  { target: 'cursor', label: 'Cursor (.cursor/mcp.json)', detail: 'Cursor, rooted at the project folder' },
  { target: 'claude', label: 'Claude Code (command line)', detail: 'claude mcp add …, run in the project folder' },
  { target: 'kimi', label: 'Kimi CLI (command line)', detail: 'kimi mcp add …, run in the project folder' },
];

export interface McpLaunch {
  /** The program that runs the CLI: a Node binary, or Electron run as Node. */
  readonly command: string;
  readonly cliPath: string;
  readonly dataDir: string;
  /** ELECTRON_RUN_AS_NODE when `command` is VS Code's Electron. */
  readonly runAsNode: boolean;
  readonly milvusUri?: string;
  /** Non-secret embedding settings, so the MCP server embeds queries like the extension's index. */
  readonly embedding?: { readonly baseUrl?: string; readonly model: string; readonly dimensions: number };
  /** A key or token is configured, so the client must supply it (never copied). */
  readonly needsEmbeddingKey: boolean;
  readonly needsMilvusToken: boolean;
}

function serverArgs(launch: McpLaunch, root?: string): string[] {
  const args = [launch.cliPath, 'mcp', '--data-dir', launch.dataDir];
  if (launch.milvusUri) {
    args.push('--milvus-uri', launch.milvusUri);
  }
  if (root) {
    args.push('--root', root);
  }
  return args;
}

/** Environment entries; secrets as `placeholder(name)`. */
function serverEnv(launch: McpLaunch, placeholder: (name: string) => string): Record<string, string> {
  const env: Record<string, string> = {};
  if (launch.runAsNode) {
    env.ELECTRON_RUN_AS_NODE = '1';
  }
  if (launch.embedding) {
    if (launch.embedding.baseUrl) {
      env.EMBEDDING_BASE_URL = launch.embedding.baseUrl;
    }
    env.EMBEDDING_MODEL = launch.embedding.model;
    env.EMBEDDING_DIMENSIONS = String(launch.embedding.dimensions);
  }
  if (launch.needsEmbeddingKey) {
    env.EMBEDDING_API_KEY = placeholder('EMBEDDING_API_KEY');
  }
  if (launch.needsMilvusToken) {
    env.MILVUS_TOKEN = placeholder('MILVUS_TOKEN');
  }
  return env;
}

/** POSIX-shell quoting, so paths with spaces (macOS "Visual Studio Code.app") survive. */
function sh(word: string): string {
  return /^[A-Za-z0-9_\-./:=@${}]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function mcpConfigText(target: McpTarget, launch: McpLaunch): string {
  switch (target) {
    case 'vscode': {
      const inputs: Array<Record<string, unknown>> = [];
      const env = serverEnv(launch, (name) => {
        const id = name === 'EMBEDDING_API_KEY' ? 'kimiMilvusEmbeddingKey' : 'kimiMilvusToken';
        inputs.push({ id, type: 'promptString', description: name === 'EMBEDDING_API_KEY' ? 'Embedding API key' : 'Milvus token', password: true });
        return `\${input:${id}}`;
      });
      const server: Record<string, unknown> = { type: 'stdio', command: launch.command, args: serverArgs(launch) };
      if (Object.keys(env).length > 0) {
        server.env = env;
      }
      return JSON.stringify({ servers: { 'kimi-milvus': server }, ...(inputs.length ? { inputs } : {}) }, null, 2);
    }
    case 'cursor': {
      const env = serverEnv(launch, (name) => `<your ${name}>`);
      const server: Record<string, unknown> = { command: launch.command, args: serverArgs(launch, '${workspaceFolder}') };
      if (Object.keys(env).length > 0) {
        server.env = env;
      }
      return JSON.stringify({ mcpServers: { 'kimi-milvus': server } }, null, 2);
    }
    case 'claude':
    case 'kimi': {
      const env = serverEnv(launch, (name) => `<your ${name}>`);
      const envFlags = Object.entries(env).flatMap(([k, v]) => ['-e', sh(`${k}=${v}`)]);
      const head = target === 'claude' ? ['claude', 'mcp', 'add', 'kimi-milvus'] : ['kimi', 'mcp', 'add', '--transport', 'stdio', 'kimi-milvus'];
      const root = target === 'kimi' ? '$PWD' : undefined;
      const args = serverArgs(launch).map(sh);
      if (root) {
        args.push('--root', '"$PWD"');
      }
      return [...head, ...envFlags, '--', sh(launch.command), ...args].join(' ');
    }
  }
}
