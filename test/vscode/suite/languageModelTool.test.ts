// The Milvus index as a VS Code language-model tool, inside the real extension host against real
// Milvus Lite and the fake embeddings server: the tool is registered with VS Code and
// `vscode.lm.invokeTool` (what agent mode and other participants call) returns cited hits.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { Commands } from '../../../src/extension/constants';
import type { IndexRunResult } from '../../../src/extension/indexing/indexRunner';
import { SEARCH_TOOL_NAME } from '../../../src/extension/lm/searchTool';
import { FakeEmbeddingServer } from '../../fakes/embeddingServer';
import { testApi } from '../testApi';

const DIMENSIONS = 64;

function textOf(result: vscode.LanguageModelToolResult): string {
  return result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
}

describe('language-model tool kimi-milvus_searchWorkspace (inside VS Code, real Milvus Lite)', function () {
  this.timeout(240_000);
  let embeddings: FakeEmbeddingServer;
  const config = () => vscode.workspace.getConfiguration('kimiMilvus');

  before(async () => {
    await testApi();
    embeddings = await new FakeEmbeddingServer({ dimensions: DIMENSIONS }).start();
    await config().update('embedding.baseUrl', embeddings.url, vscode.ConfigurationTarget.Global);
    await config().update('embedding.model', 'fake-embed', vscode.ConfigurationTarget.Global);
    await config().update('embedding.dimensions', DIMENSIONS, vscode.ConfigurationTarget.Global);
    assert.equal(await vscode.commands.executeCommand(Commands.setEmbeddingApiKey, 'embed-key-for-lm-tool-test'), true);
    const indexed = await vscode.commands.executeCommand<IndexRunResult>(Commands.indexWorkspace);
    assert.equal(indexed.status, 'done', JSON.stringify(indexed));
  });

  after(async () => {
    await vscode.commands.executeCommand(Commands.clearIndex, true);
    await vscode.commands.executeCommand(Commands.clearSecrets, true);
    for (const key of ['embedding.baseUrl', 'embedding.model', 'embedding.dimensions']) {
      await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    }
    await embeddings.close();
  });

  it('is listed in vscode.lm.tools with the schema from package.json', () => {
    const tool = vscode.lm.tools.find((t) => t.name === SEARCH_TOOL_NAME);
    assert.ok(tool, `registered tools: ${vscode.lm.tools.map((t) => t.name).join(', ')}`);
    const schema = tool.inputSchema as { required?: string[]; properties?: Record<string, unknown> };
    assert.deepEqual(schema.required, ['query']);
    assert.deepEqual(Object.keys(schema.properties ?? {}).sort(), ['extensions', 'limit', 'path', 'query']);
    assert.ok(tool.tags.includes('kimi-milvus'));
  });

  it('vscode.lm.invokeTool returns hits with path:start-end citations from the indexed workspace', async () => {
    const source = new vscode.CancellationTokenSource();
    try {
      const result = await vscode.lm.invokeTool(SEARCH_TOOL_NAME, { input: { query: 'brass lens polished first Tuesday', limit: 3 }, toolInvocationToken: undefined }, source.token);
      const text = textOf(result);
      assert.match(text, /^1\. docs\/maintenance\.md:\d+-\d+ \(score /m, text);
      assert.match(text, /brass lens of the Quillon Point lighthouse/);
    } finally {
      source.dispose();
    }
  });

  it('filters by extension, and a failure reaches the caller as an error with the reason', async () => {
    const result = await vscode.lm.invokeTool(SEARCH_TOOL_NAME, { input: { query: 'fog horn', extensions: ['js'] }, toolInvocationToken: undefined }, new vscode.CancellationTokenSource().token);
    const cited = [...textOf(result).matchAll(/^\d+\. (\S+):\d+-\d+ /gm)].map((m) => m[1]);
    assert.ok(cited.length > 0, textOf(result));
    assert.ok(cited.every((p) => p.endsWith('.js')), cited.join(', '));

    await vscode.commands.executeCommand(Commands.clearIndex, true);
    await assert.rejects(
      Promise.resolve(vscode.lm.invokeTool(SEARCH_TOOL_NAME, { input: { query: 'fog horn' }, toolInvocationToken: undefined }, new vscode.CancellationTokenSource().token)),
      /not been indexed/,
    );
  });

  it('Copy MCP Server Configuration copies a VS Code config for the shipped CLI on this extension\'s data dir, without the key', async () => {
    const text = await vscode.commands.executeCommand<string>(Commands.copyMcpConfig, 'vscode');
    assert.equal(await vscode.env.clipboard.readText(), text);
    const server = (JSON.parse(text) as { servers: Record<string, { command: string; args: string[]; env: Record<string, string> }> }).servers['kimi-milvus'];
    assert.ok(server);
    const [cliPath, sub, flag, dataDir] = server.args;
    assert.equal(sub, 'mcp');
    assert.equal(flag, '--data-dir');
    const ext = vscode.extensions.getExtension('kimi-milvus.kimi-milvus-chat');
    assert.ok(ext && cliPath === vscode.Uri.joinPath(ext.extensionUri, 'dist', 'cli.js').fsPath);
    await vscode.workspace.fs.stat(vscode.Uri.file(cliPath));
    assert.match(dataDir ?? '', /globalStorage/);
    assert.equal(server.env.EMBEDDING_MODEL, 'fake-embed');
    assert.equal(server.env.EMBEDDING_API_KEY, '${input:kimiMilvusEmbeddingKey}');
    assert.ok(!text.includes('embed-key-for-lm-tool-test'), 'the key is never copied');
  });
});
