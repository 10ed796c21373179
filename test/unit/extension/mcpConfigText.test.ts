import { strict as assert } from 'node:assert';
import { MCP_TARGETS, mcpConfigText, type McpLaunch } from '../../../src/extension/lm/mcpConfigText';

const base: McpLaunch = {
  command: '/Applications/Visual Studio Code.app/Contents/MacOS/Electron',
  runAsNode: true,
  cliPath: '/ext/kimi-milvus/dist/cli.js',
  dataDir: "/Users/o'neil/Library/Application Support/Code/User/globalStorage/kimi-milvus.kimi-milvus-chat",
  embedding: { baseUrl: 'https://emb.example/v1', model: 'text-embedding-3-small', dimensions: 1536 },
  needsEmbeddingKey: true,
  needsMilvusToken: false,
};

/** A POSIX shell's word splitting of the generated command, for the quoting the tests rely on. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /'((?:[^']|'\\'')*)'|"([^"]*)"|(\S+)/g;
  let cur = '';
  let last = 0;
  for (const m of line.matchAll(re)) {
    const gap = line.slice(last, m.index);
    if (gap.trim() === '' && gap.length > 0 && cur) {
      words.push(cur);
      cur = '';
    }
    cur += m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : (m[2] ?? m[3] ?? '');
    last = (m.index ?? 0) + m[0].length;
  }
  if (cur) {
    words.push(cur);
  }
  return words;
}

describe('MCP configuration text', () => {
  it('VS Code: runs the shipped CLI on the extension data dir, asks for the key instead of copying it', () => {
    const json = JSON.parse(mcpConfigText('vscode', base)) as {
      servers: Record<string, { type: string; command: string; args: string[]; env: Record<string, string> }>;
      inputs: Array<{ id: string; password: boolean }>;
    };
    const server = json.servers['kimi-milvus'];
    assert.ok(server);
    assert.equal(server.type, 'stdio');
    assert.equal(server.command, base.command);
    assert.deepEqual(server.args, [base.cliPath, 'mcp', '--data-dir', base.dataDir]);
    assert.equal(server.env.ELECTRON_RUN_AS_NODE, '1');
    assert.equal(server.env.EMBEDDING_MODEL, 'text-embedding-3-small');
    assert.equal(server.env.EMBEDDING_API_KEY, '${input:kimiMilvusEmbeddingKey}');
    assert.deepEqual(json.inputs.map((i) => [i.id, i.password]), [['kimiMilvusEmbeddingKey', true]]);
  });

  it('Cursor: roots the server at the project folder; no env when nothing needs one', () => {
    const plain: McpLaunch = { ...base, runAsNode: false, embedding: undefined, needsEmbeddingKey: false, command: '/usr/bin/node' };
    const json = JSON.parse(mcpConfigText('cursor', plain)) as { mcpServers: Record<string, { command: string; args: string[]; env?: unknown }> };
    const server = json.mcpServers['kimi-milvus'];
    assert.deepEqual(server?.args, [base.cliPath, 'mcp', '--data-dir', base.dataDir, '--root', '${workspaceFolder}']);
    assert.equal(server?.env, undefined);
  });

  it('Claude Code and Kimi CLI: one shell line whose words survive spaces and quotes in paths', () => {
    for (const target of ['claude', 'kimi'] as const) {
      const line = mcpConfigText(target, { ...base, milvusUri: 'http://milvus:19530', needsMilvusToken: true });
      const words = shellWords(line);
      const dash = words.indexOf('--');
      assert.ok(dash > 0, line);
      assert.deepEqual(words.slice(dash + 1, dash + 6), [base.command, base.cliPath, 'mcp', '--data-dir', base.dataDir]);
      assert.ok(words.includes('--milvus-uri') && words.includes('http://milvus:19530'));
      const envs = words.filter((_, i) => words[i - 1] === '-e');
      assert.ok(envs.includes('ELECTRON_RUN_AS_NODE=1'));
      assert.ok(envs.includes('EMBEDDING_API_KEY=<your EMBEDDING_API_KEY>'));
      assert.ok(envs.includes('MILVUS_TOKEN=<your MILVUS_TOKEN>'));
      assert.equal(words[0], target);
    }
  });

  it('offers every target it can write', () => {
    for (const { target } of MCP_TARGETS) {
      assert.ok(mcpConfigText(target, base).length > 0);
    }
  });
});
