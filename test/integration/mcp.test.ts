/**
 * `kimi-milvus mcp` end to end: the built CLI is spawned and driven by the SDK's own Client over
 * stdio, against the real Milvus Lite of the test data dir (shared with this mocha process
 * through the lease) and the fake embedding server (hybrid search).
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ErrorCode, ListRootsRequestSchema, McpError, type CallToolResult, type Progress } from '@modelcontextprotocol/sdk/types.js';
import { collectionNameFor } from '../../src/core/indexing/collectionName';
import type { VectorStore } from '../../src/core/store/types';
import { FakeEmbeddingServer } from '../fakes/embeddingServer';
import { EXPECTED_INDEXED, FIXTURE_QUESTION, type FixtureWorkspace, createFixtureWorkspace } from '../unit/indexing/workspaceFixture';
import { mcpConfigText } from '../../src/extension/lm/mcpConfigText';
import { getTestStore, milvusCliEnv, testMilvusConfig } from './milvusEnv';

const repo = path.resolve(__dirname, '..', '..');
const cli = path.join(repo, 'dist', 'cli.js');

function text(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

async function rejectsWith(p: Promise<unknown>, code: number, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof McpError, `expected a JSON-RPC error, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.match(err.message, pattern);
    return true;
  });
}

describe('MCP server (kimi-milvus mcp over stdio)', function () {
  this.timeout(300_000);
  let ws: FixtureWorkspace;
  let embeddings: FakeEmbeddingServer;
  let store: VectorStore;
  let env: Record<string, string>;
  let client: Client;
  let transport: StdioClientTransport;
  const transportErrors: Error[] = [];
  let stderr = '';

  before(async () => {
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: repo, stdio: 'ignore' });
    store = await getTestStore();
    embeddings = await new FakeEmbeddingServer({ dimensions: 32 }).start();
    ws = createFixtureWorkspace();
    env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => typeof e[1] === 'string'));
    Object.assign(env, {
      ...milvusCliEnv(),
      ...embeddings.cliEnv('sk-mcp-test'),
      KIMI_MILVUS_LOG_LEVEL: 'debug',
    });
    // No --root: the workspace comes from the client's roots.
    transport = new StdioClientTransport({ command: process.execPath, args: [cli, 'mcp', '--max-file-size-kb', '64'], env, cwd: repo, stderr: 'pipe' });
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    client = new Client({ name: 'mcp-test', version: '1.0.0' }, { capabilities: { roots: {} } });
    client.setRequestHandler(ListRootsRequestSchema, () => ({ roots: [{ uri: pathToFileURL(ws.root).href, name: 'fixture' }] }));
    // A line on stdout that is not a protocol message surfaces here as a parse error.
    client.onerror = (err) => transportErrors.push(err);
    await client.connect(transport);
  });

  after(async () => {
    await client?.close();
    await store.dropCollection(collectionNameFor(ws.root)).catch(() => undefined);
    ws.cleanup();
    await embeddings.close();
  });

  it('lists its tools with schemas and annotations, and reports the server', async () => {
    assert.equal(client.getServerVersion()?.name, 'kimi-milvus');
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name).sort();
    assert.deepEqual(names, ['clear_index', 'find_symbol', 'index_status', 'index_workspace', 'list_collections', 'list_files', 'read_file', 'search_workspace']);
    const search = tools.find((t) => t.name === 'search_workspace');
    assert.deepEqual(Object.keys(search?.inputSchema.properties ?? {}).sort(), ['extensions', 'limit', 'path', 'query']);
    assert.deepEqual(search?.inputSchema.required, ['query']);
    const read = tools.find((t) => t.name === 'read_file');
    assert.deepEqual(Object.keys(read?.inputSchema.properties ?? {}).sort(), ['end_line', 'path', 'start_line']);
    assert.equal(tools.find((t) => t.name === 'clear_index')?.annotations?.destructiveHint, true);
    assert.equal(search?.annotations?.readOnlyHint, true);
  });

  it('before indexing, search explains what to do and index_status says not indexed', async () => {
    const status = (await client.callTool({ name: 'index_status', arguments: {} })) as CallToolResult;
    assert.equal(status.isError, false);
    assert.match(text(status), /not indexed/);
    const structured = status.structuredContent as { folders: Array<{ root: string; indexed: boolean }> };
    assert.equal(structured.folders[0].root, ws.root, 'the root came from roots/list');
    const search = (await client.callTool({ name: 'search_workspace', arguments: { query: 'retry' } })) as CallToolResult;
    assert.equal(search.isError, true);
    assert.match(text(search), /not been indexed.*call index_workspace/s);
  });

  it('index_workspace indexes the roots and sends increasing progress notifications', async () => {
    // A keyword-only index of the folder (as the CLI makes with no embedding set) gets vectors in place.
    const name = collectionNameFor(ws.root);
    await store.createCollection(name, { embedding: null, description: 'keyword only' });
    const progress: Progress[] = [];
    const result = (await client.callTool({ name: 'index_workspace', arguments: {} }, undefined, { onprogress: (p) => progress.push(p) })) as CallToolResult;
    assert.equal(result.isError, false, text(result));
    const folders = (result.structuredContent as { folders: Array<{ files_indexed: number; chunks_embedded: number }> }).folders;
    assert.equal(folders[0].files_indexed, EXPECTED_INDEXED.length);
    assert.ok(folders[0].chunks_embedded > 0);
    assert.ok(progress.length >= 2, `progress notifications: ${JSON.stringify(progress)}`);
    assert.ok(progress.every((p, i) => i === 0 || p.progress > progress[i - 1].progress), 'progress grows');
    assert.equal(progress.at(-1)?.progress, progress.at(-1)?.total);
    assert.match((await store.describeCollection(name)).embedding?.model ?? 'none', /fake/, 'the keyword-only index has vectors now');

    const again = (await client.callTool({ name: 'index_workspace', arguments: {} })) as CallToolResult;
    const second = (again.structuredContent as { folders: Array<{ files_indexed: number; files_unchanged: number }> }).folders[0];
    assert.equal(second.files_indexed, 0, 'incremental: nothing changed');
    assert.equal(second.files_unchanged, EXPECTED_INDEXED.length);
  });

  it('two index calls at once both succeed (the runs queue)', async () => {
    ws.write('docs/added.md', '# Added\n\nA lighthouse keeper logs the fog signals.\n');
    const [a, b] = (await Promise.all([
      client.callTool({ name: 'index_workspace', arguments: {} }),
      client.callTool({ name: 'index_workspace', arguments: {} }),
    ])) as CallToolResult[];
    assert.equal(a.isError, false, text(a));
    assert.equal(b.isError, false, text(b));
    const written = [a, b].map((r) => (r.structuredContent as { folders: Array<{ files_indexed: number }> }).folders[0].files_indexed);
    assert.deepEqual(written.sort(), [0, 1], 'the new file was written once');
  });

  it('search_workspace returns hits with path:start-end citations, in text and structured content', async () => {
    const result = (await client.callTool({ name: 'search_workspace', arguments: { query: FIXTURE_QUESTION.query, limit: 3 } })) as CallToolResult;
    assert.equal(result.isError, false, text(result));
    const hits = (result.structuredContent as { results: Array<{ citation: string; path: string; start_line: number; end_line: number; text: string }> }).results;
    assert.ok(hits.length > 0 && hits.length <= 3);
    assert.equal(hits[0].path, FIXTURE_QUESTION.path);
    assert.ok(hits[0].start_line <= FIXTURE_QUESTION.line && FIXTURE_QUESTION.line <= hits[0].end_line);
    assert.equal(hits[0].citation, `${hits[0].path}:${hits[0].start_line}-${hits[0].end_line}`);
    assert.match(text(result), new RegExp(`^1\\. ${hits[0].citation.replace(/[.]/g, '\\.')} \\(score`, 'm'));
    assert.ok(text(result).includes(FIXTURE_QUESTION.answer));

    const filtered = (await client.callTool({ name: 'search_workspace', arguments: { query: 'compute fibonacci', extensions: ['py'], path: 'src/' } })) as CallToolResult;
    const paths = (filtered.structuredContent as { results: Array<{ path: string }> }).results.map((h) => h.path);
    assert.deepEqual([...new Set(paths)], ['src/util/math.py']);
  });

  it('the configuration "Copy MCP Server Configuration" writes starts a server that sees the same index', async () => {
    // What the extension copies for VS Code, pointed at this data dir (the extension's own is its global storage).
    const config = JSON.parse(
      mcpConfigText('vscode', {
        command: process.execPath,
        runAsNode: false,
        cliPath: cli,
        dataDir: testMilvusConfig().dataDir,
        embedding: { baseUrl: embeddings.url, model: 'fake-embed', dimensions: 32 },
        needsEmbeddingKey: true,
        needsMilvusToken: false,
      }),
    ) as { servers: Record<string, { command: string; args: string[]; env: Record<string, string> }> };
    const server = config.servers['kimi-milvus'];
    assert.ok(server);
    // The client fills in the ${input:…} it asked the user for; nothing else is added.
    const { KIMI_MILVUS_DATA_DIR: _dataDirFromEnv, ...inherited } = env;
    const childEnv: Record<string, string> = { ...inherited, ...server.env, EMBEDDING_API_KEY: 'sk-mcp-test' };
    const second = new Client({ name: 'copied-config', version: '1.0.0' }, { capabilities: { roots: {} } });
    second.setRequestHandler(ListRootsRequestSchema, () => ({ roots: [{ uri: pathToFileURL(ws.root).href, name: 'fixture' }] }));
    await second.connect(new StdioClientTransport({ command: server.command, args: server.args, env: childEnv, cwd: repo, stderr: 'pipe' }));
    try {
      const result = (await second.callTool({ name: 'search_workspace', arguments: { query: FIXTURE_QUESTION.query, limit: 3 } })) as CallToolResult;
      assert.equal(result.isError, false, text(result));
      const hits = (result.structuredContent as { results: Array<{ path: string }> }).results;
      assert.equal(hits[0]?.path, FIXTURE_QUESTION.path, 'the copied configuration reaches the index built by the first client');
    } finally {
      await second.close();
    }
  });


  it('a key echoed by the embedding endpoint never reaches the MCP client or stderr', async () => {
    embeddings.failAll = { status: 401, error: { message: 'Incorrect API key provided: sk-mcp-test', type: 'invalid_request_error' } };
    try {
      const result = (await client.callTool({ name: 'search_workspace', arguments: { query: 'anything at all' } })) as CallToolResult;
      assert.equal(result.isError, true);
      assert.match(text(result), /rejected the API key/);
      assert.ok(!JSON.stringify(result).includes('sk-mcp-test'), JSON.stringify(result));
      assert.ok(!stderr.includes('sk-mcp-test'));
    } finally {
      embeddings.failAll = undefined;
    }
  });
  it('read_file returns the lines with their citation', async () => {
    const result = (await client.callTool({ name: 'read_file', arguments: { path: FIXTURE_QUESTION.path, start_line: 9, end_line: 9 } })) as CallToolResult;
    assert.equal(result.isError, false, text(result));
    assert.equal((result.structuredContent as { citation: string }).citation, `${FIXTURE_QUESTION.path}:9-9`);
    assert.match(text(result), new RegExp(`^${FIXTURE_QUESTION.path}:9-9 of \\d+ lines\\n${FIXTURE_QUESTION.answer}`));
  });

  it('read_file refuses ../ and secret files as tool errors', async () => {
    const outside = (await client.callTool({ name: 'read_file', arguments: { path: '../elsewhere/secret-plans.md' } })) as CallToolResult;
    assert.equal(outside.isError, true);
    assert.match(text(outside), /outside|workspace/i);
    assert.doesNotMatch(text(outside), /Not part of the workspace/);
    const secret = (await client.callTool({ name: 'read_file', arguments: { path: '.env' } })) as CallToolResult;
    assert.equal(secret.isError, true);
    assert.match(text(secret), /credentials/i);
    assert.doesNotMatch(text(secret), /sk-should-never/);
  });

  it('bad arguments and unknown tools are JSON-RPC errors, and the server stays up', async () => {
    await rejectsWith(client.callTool({ name: 'search_workspace', arguments: { limit: 'ten' } }), ErrorCode.InvalidParams, /query|limit/);
    await rejectsWith(client.callTool({ name: 'read_file', arguments: { path: 'README.md', start_line: 0 } }), ErrorCode.InvalidParams, /start_line/);
    await rejectsWith(client.callTool({ name: 'drop_database', arguments: {} }), ErrorCode.InvalidParams, /Unknown tool: drop_database/);
    const status = (await client.callTool({ name: 'index_status', arguments: {} })) as CallToolResult;
    assert.equal(status.isError, false);
    assert.match(text(status), /indexed, \d+ chunks, hybrid/);
  });

  it('list_collections includes the workspace collection; clear_index drops it', async () => {
    const name = collectionNameFor(ws.root);
    const list = (await client.callTool({ name: 'list_collections', arguments: {} })) as CallToolResult;
    assert.ok((list.structuredContent as { collections: Array<{ name: string }> }).collections.some((c) => c.name === name));
    const cleared = (await client.callTool({ name: 'clear_index', arguments: {} })) as CallToolResult;
    assert.equal(cleared.isError, false, text(cleared));
    assert.deepEqual((cleared.structuredContent as { cleared: string[] }).cleared, [name]);
    assert.equal(await store.hasCollection(name), false);
  });

  it('wrote only protocol messages to stdout and its logs to stderr', () => {
    assert.deepEqual(transportErrors.map((e) => e.message), []);
    assert.match(stderr, /MCP server ready on stdio/);
    assert.match(stderr, /Workspace roots: /);
  });

  it('stdout is line-delimited JSON-RPC only, also with --root (raw pipe)', async () => {
    const child = spawn(process.execPath, [cli, 'mcp', '--root', ws.root], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.resume();
    const lines = [
      { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'index_status', arguments: {} } },
    ];
    child.stdin.write(lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const code = await new Promise<number | null>((resolve) => {
      const poll = setInterval(() => {
        if (out.split('\n').filter(Boolean).length >= 2) {
          clearInterval(poll);
          child.stdin.end(); // closing stdin ends the session
        }
      }, 50);
      child.on('exit', (c) => {
        clearInterval(poll);
        resolve(c);
      });
    });
    assert.equal(code, 0);
    const messages = out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { jsonrpc: string; id: number; result?: { content?: Array<{ text: string }> } });
    assert.deepEqual(messages.map((m) => [m.jsonrpc, m.id]), [['2.0', 1], ['2.0', 2]]);
    assert.match(messages[1].result?.content?.[0].text ?? '', new RegExp(`${ws.root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} → `));
  });
});
