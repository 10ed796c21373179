import { strict as assert } from 'node:assert';
import { mcpCommand, TOOLS_HELP } from '../../src/cli/mcp/command';
import { McpSession } from '../../src/cli/mcp/session';
import { createMcpTools } from '../../src/cli/mcp/tools';
import { nullLogger } from '../../src/core/logger';

describe('kimi-milvus mcp --help', () => {
  it('documents every tool the server offers, with its argument names', () => {
    const session = new McpSession({
      milvus: { uri: undefined, token: undefined, dataDir: '/nonexistent', pythonPath: undefined },
      embedding: { baseUrl: undefined, apiKey: undefined, model: 'text-embedding-3-small', dimensions: 1536 },
      index: { include: [], exclude: [], maxFileSizeKb: 1024 },
      logger: nullLogger,
      onStoreProgress: () => undefined,
    });
    const tools = createMcpTools(session);
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
