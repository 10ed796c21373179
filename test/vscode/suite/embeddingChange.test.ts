// Inside the real extension host, real Milvus Lite, fake OpenAI-compatible embedding endpoints
// (real HTTP): changing the embedding setting after the workspace was indexed. Turning semantic
// search on over a keyword-only index migrates it in place; switching to another model's
// dimension asks first, changes nothing until the user agrees, then rebuilds the vectors.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { Commands } from '../../../src/extension/constants';
import type { IndexRunResult } from '../../../src/extension/indexing/indexRunner';
import type { KimiMilvusTestApi } from '../../../src/extension/testApi';
import { FakeEmbeddingServer } from '../../fakes/embeddingServer';
import { until } from '../../support/until';
import { testApi } from '../testApi';

describe('changing the embedding setting after indexing (inside VS Code, real Milvus Lite)', function () {
  this.timeout(300_000);
  let api: KimiMilvusTestApi;
  let collection: string;
  const servers = new Map<number, FakeEmbeddingServer>();
  const config = () => vscode.workspace.getConfiguration('kimiMilvus');
  const keys = ['embedding.provider', 'embedding.baseUrl', 'embedding.model', 'embedding.dimensions'];
  const useEndpoint = async (dimensions: number): Promise<void> => {
    await config().update('embedding.provider', 'openai-compatible', vscode.ConfigurationTarget.Global);
    await config().update('embedding.baseUrl', servers.get(dimensions)?.url, vscode.ConfigurationTarget.Global);
    await config().update('embedding.model', `fake-${dimensions}`, vscode.ConfigurationTarget.Global);
    await config().update('embedding.dimensions', dimensions, vscode.ConfigurationTarget.Global);
  };
  const info = async () => {
    const found = (await api.listCollections()).find((c) => c.name === collection);
    assert.ok(found, `${collection} is gone`);
    return found;
  };
  const allVectors = () =>
    until('every chunk with its vector', async () => {
      const c = await api.vectorCounts(collection);
      return c.total > 0 && c.withVector === c.total ? c : undefined;
    }, 120_000);

  before(async () => {
    api = await testApi();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    collection = api.collectionFor(folder.uri.fsPath);
    for (const dimensions of [48, 24]) {
      servers.set(dimensions, await new FakeEmbeddingServer({ dimensions }).start());
    }
    await vscode.commands.executeCommand(Commands.clearIndex, true);
    await config().update('embedding.provider', 'none', vscode.ConfigurationTarget.Global);
    const first = await vscode.commands.executeCommand<IndexRunResult>(Commands.indexWorkspace);
    assert.equal(first.status, 'done', JSON.stringify(first));
    assert.equal((await info()).embedding, null, 'a keyword-only index to start from');
  });

  after(async () => {
    await vscode.commands.executeCommand(Commands.clearIndex, true);
    for (const key of keys) {
      await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    }
    for (const server of servers.values()) {
      await server.close();
    }
  });

  it('turning semantic search on migrates the keyword index in place: no Clear Index, keyword search all along', async () => {
    const rows = (await info()).rowCount;
    await useEndpoint(48);
    const result = await vscode.commands.executeCommand<IndexRunResult>(Commands.indexWorkspace);
    assert.equal(result.status, 'done', JSON.stringify(result));
    assert.equal(result.status === 'done' ? result.summaries[0]?.chunksWritten : -1, 0, 'the rows were copied, not indexed again');
    const now = await info();
    assert.deepEqual(now.embedding?.dimensions, 48);
    assert.equal(now.rowCount, rows);
    assert.ok((await api.search(collection, 'Old Marguerite fog horn')).length > 0, 'keyword search right after the copy');
    await allVectors();
    assert.ok((servers.get(48)?.requests ?? 0) > 0);
  });

  it("another model's dimension asks first and changes nothing; yes (the button's rebuild) replaces the vectors", async () => {
    await useEndpoint(24);
    const asked = await vscode.commands.executeCommand<IndexRunResult>(Commands.indexWorkspace);
    assert.equal(asked.status, 'needs-rebuild', JSON.stringify(asked));
    assert.match(asked.status === 'needs-rebuild' ? asked.message : '', /48 dimensions.*24 dimensions/);
    assert.equal((await info()).embedding?.dimensions, 48, 'nothing changed before the user agreed');
    assert.ok((await api.search(collection, 'Old Marguerite fog horn')).length > 0, 'keyword search meanwhile');

    const rebuilt = await vscode.commands.executeCommand<IndexRunResult>(Commands.indexWorkspace, { rebuild: true });
    assert.equal(rebuilt.status, 'done', JSON.stringify(rebuilt));
    assert.equal((await info()).embedding?.dimensions, 24);
    await allVectors();
    assert.ok((servers.get(24)?.requests ?? 0) > 0);
  });
});
