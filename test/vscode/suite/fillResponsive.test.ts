// Inside the real extension host: while the background fill embeds hundreds of chunks (a fake
// OpenAI-compatible endpoint whose time grows with the batch, real Milvus Lite), a @kimi answer
// streams from the fake Kimi without stalls. Everything here shares the host's one event loop, so
// a fill that blocked it (a synchronous model, a long parse) would hold the stream up for seconds.
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands } from '../../../src/extension/constants';
import type { IndexRunResult } from '../../../src/extension/indexing/indexRunner';
import type { KimiMilvusTestApi } from '../../../src/extension/testApi';
import { FakeEmbeddingServer } from '../../fakes/embeddingServer';
import { reply, startFakeKimi, type FakeKimi } from '../../fakes/kimiServer';
import { until } from '../../support/until';
import { testApi } from '../testApi';

const KIMI_KEY = 'kimi-fill-responsive-key-3kD9';
const DIMENSIONS = 384;
/** Generated files (four functions, about two chunks each): several hundred chunks to embed. */
const FILES = 160;
/** The stream's own pace; a gap 60 times longer means the host's event loop was held. */
const CHUNK_DELAY_MS = 30;
const MAX_GAP_MS = 2000;

describe('the extension host stays responsive while vectors fill (fake Kimi, fake embeddings, real Milvus Lite)', function () {
  this.timeout(300_000);
  let api: KimiMilvusTestApi;
  let kimi: FakeKimi;
  let embeddings: FakeEmbeddingServer;
  let generated: string;
  let collection: string;
  const config = () => vscode.workspace.getConfiguration('kimiMilvus');

  before(async () => {
    api = await testApi();
    const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(root, 'the harness opens the sample workspace');
    collection = api.collectionFor(root);
    // Live sync off: the generated files are indexed by the one Index Workspace below, not as they appear.
    await config().update('index.liveSync', false, vscode.ConfigurationTarget.Global);
    generated = path.join(root, 'fill-load');
    await fs.rm(generated, { recursive: true, force: true });
    await fs.mkdir(generated, { recursive: true });
    for (let i = 0; i < FILES; i++) {
      const fns = Array.from({ length: 4 }, (_, f) => `export function beacon${i}_${f}(level: number): number {\n${'  level = level * 3 + 1;\n'.repeat(12)}  return level;\n}\n`);
      await fs.writeFile(path.join(generated, `beacon${i}.ts`), fns.join('\n'));
    }
    // 20 ms per input: a request of 64 takes 1.3 s, so the fill runs for several seconds.
    embeddings = await new FakeEmbeddingServer({ dimensions: DIMENSIONS, latencyPerInputMs: 20 }).start();
    await config().update('embedding.baseUrl', embeddings.url, vscode.ConfigurationTarget.Global);
    await config().update('embedding.model', 'fake-embed', vscode.ConfigurationTarget.Global);
    await config().update('embedding.dimensions', DIMENSIONS, vscode.ConfigurationTarget.Global);
    assert.equal(await vscode.commands.executeCommand(Commands.setEmbeddingApiKey, 'embed-key-fill-responsive'), true);
    kimi = await startFakeKimi({ apiKey: KIMI_KEY });
    await config().update('kimi.baseUrl', kimi.baseUrl, vscode.ConfigurationTarget.Global);
    assert.equal(await vscode.commands.executeCommand(Commands.setKimiApiKey, KIMI_KEY), true);
  });

  after(async () => {
    // Let the fill finish before the collection goes, then leave the workspace as it was.
    await until('the fill to finish', async () => {
      const c = await api.vectorCounts(collection).catch(() => undefined);
      return !c || c.withVector === c.total ? true : undefined;
    }, 120_000).catch(() => undefined);
    await vscode.commands.executeCommand(Commands.clearIndex, true);
    await fs.rm(generated, { recursive: true, force: true });
    await vscode.commands.executeCommand(Commands.clearSecrets, true);
    for (const key of ['embedding.baseUrl', 'embedding.model', 'embedding.dimensions', 'kimi.baseUrl', 'index.liveSync']) {
      await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    }
    await kimi.close();
    await embeddings.close();
  });

  it('a chat answer streams without stalls while the fill embeds and writes vectors', async () => {
    const result = await vscode.commands.executeCommand<IndexRunResult>(Commands.indexWorkspace);
    assert.equal(result.status, 'done', JSON.stringify(result));
    const started = await until('the fill to write its first vectors', async () => {
      const c = await api.vectorCounts(collection);
      return c.withVector > 0 ? c : undefined;
    }, 120_000);
    assert.ok(started.total > FILES * 2, `${started.total} chunks to embed`);

    const answer = 'The beacon level triples and gains one on every step. '.repeat(4);
    kimi.script(reply.text(answer, { chunkChars: 2, chunkDelayMs: CHUNK_DELAY_MS }));
    const arrivals: number[] = [];
    const markdown: string[] = [];
    const stream = {
      markdown: (value: string | vscode.MarkdownString) => {
        arrivals.push(Date.now());
        markdown.push(typeof value === 'string' ? value : value.value);
      },
      anchor: () => undefined,
      button: () => undefined,
      filetree: () => undefined,
      progress: () => undefined,
      reference: () => undefined,
      push: () => undefined,
    } as unknown as vscode.ChatResponseStream;
    const request = { prompt: 'How does the beacon level change?', command: undefined, references: [], toolReferences: [], toolInvocationToken: undefined, model: undefined } as unknown as vscode.ChatRequest;
    const requestsBefore = embeddings.requests;
    const source = new vscode.CancellationTokenSource();
    const chat = await api.kimiChatHandler(request, { history: [] }, stream, source.token);
    source.dispose();
    const during = embeddings.requests - requestsBefore;
    const after = await api.vectorCounts(collection);

    assert.equal(chat?.errorDetails, undefined, JSON.stringify(chat?.errorDetails));
    assert.ok(markdown.join('').startsWith(answer.trim()), markdown.join(''));
    assert.ok(arrivals.length > 50, `streamed in ${arrivals.length} pieces`);
    assert.ok(during >= 2 && after.withVector > started.withVector, `the fill ran meanwhile: ${during} embedding requests, ${started.withVector} → ${after.withVector} vectors`);
    const gaps = arrivals.slice(1).map((t, i) => t - (arrivals[i] ?? t));
    assert.ok(Math.max(...gaps) < MAX_GAP_MS, `longest pause in the stream: ${Math.max(...gaps)} ms`);
  });
});
