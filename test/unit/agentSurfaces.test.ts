// The other agents' entry points (MCP server, VS Code language-model tool) describe the agent's own
// tools; these checks keep their documentation and declarations from drifting from the tools.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { mcpCommand, TOOLS_HELP } from '../../src/cli/mcp';
import { McpSession } from '../../src/mcp/session';
import { createMcpTools } from '../../src/mcp/tools';
import { searchWorkspace } from '../../src/core/agent/tools/searchTools';
import { nullLogger } from '../../src/core/logger';

function offlineSession(): McpSession {
  // Nothing here opens the store: it opens on a tool's first call.
  return new McpSession({
    milvus: { uri: undefined, token: undefined, dataDir: '/nonexistent', pythonPath: undefined },
    embedding: { baseUrl: undefined, apiKey: undefined, model: 'text-embedding-3-small', dimensions: 1536 },
    index: { include: [], exclude: [], maxFileSizeKb: 1024 },
    logger: nullLogger,
    onStoreProgress: () => undefined,
  });
}

describe('kimi-milvus mcp --help', () => {
  it('documents every tool the server offers, with its argument names', () => {
    const tools = createMcpTools(offlineSession());
    assert.ok(tools.length >= 6);
    for (const tool of tools) {
      const line = TOOLS_HELP.split('\n').find((l) => l.startsWith(`  ${tool.name} {`));
      assert.ok(line, `${tool.name} is in the help`);
      const props = Object.keys((tool.inputSchema.properties as Record<string, unknown> | undefined) ?? {});
      for (const p of props) {
        assert.ok(line.includes(p), `${tool.name}'s argument ${p} is in the help`);
      }
    }
    assert.ok(mcpCommand.usage.includes(TOOLS_HELP));
  });
});

describe('the VS Code language-model tool', () => {
  it("declares the agent's search_workspace schema in package.json", () => {
    const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      contributes: { languageModelTools: Array<{ name: string; inputSchema: unknown }> };
    };
    const declared = manifest.contributes.languageModelTools.find((t) => t.name === 'kimi-milvus_searchWorkspace');
    assert.deepEqual(declared?.inputSchema, searchWorkspace(offlineSession().toolEnv()).parameters);
  });
});
