// Runs inside the real extension host: the key commands store credentials in SecretStorage, check
// the Kimi key against a fake Kimi server's GET /models (real HTTP), and never write a key to
// settings or to the log.
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands, EXTENSION_ID } from '../../../src/extension/constants';
import type { KimiMilvusTestApi } from '../../../src/extension/testApi';
import { testApi } from '../testApi';
import { startFakeKimi, type FakeKimi } from '../../fakes/kimiServer';

// Deliberately not shaped like "sk-…": the logger's redaction would mask those, and this test
// must prove the keys are never logged at all, not that redaction caught them.
const KIMI_KEY = 'kimi-test-key-R7q2Zx9WpL';
const WRONG_KEY = 'kimi-wrong-key-B4n8Tt1Qa';
const EMBEDDING_KEY = 'embed-test-key-J5m3Vc8Yh';
const MILVUS_TOKEN = 'root:milvus-test-token-K2d6Gs';

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) {
    return [];
  }
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

describe('keys in SecretStorage (inside VS Code)', function () {
  this.timeout(60_000);
  let api: KimiMilvusTestApi;
  let kimi: FakeKimi;
  const config = () => vscode.workspace.getConfiguration('kimiMilvus');

  before(async () => {
    api = await testApi();
    kimi = await startFakeKimi({ apiKey: KIMI_KEY, models: ['kimi-k2.5', 'kimi-k2-turbo-preview'] });
    await config().update('kimi.baseUrl', kimi.baseUrl, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.commands.executeCommand(Commands.clearSecrets, true);
    await config().update('kimi.baseUrl', undefined, vscode.ConfigurationTarget.Global);
    await kimi.close();
  });

  it('Set Kimi API Key checks the key by listing models and stores it in SecretStorage', async () => {
    const saved = await vscode.commands.executeCommand<boolean>(Commands.setKimiApiKey, KIMI_KEY);
    assert.equal(saved, true);
    assert.equal(await api.readSecret('kimiApiKey'), KIMI_KEY);
    const models = kimi.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/models'));
    assert.ok(models.length >= 1, 'GET /models was not called');
    assert.equal(models[models.length - 1].headers.authorization, `Bearer ${KIMI_KEY}`);
  });

  it('a key Kimi rejects with 401 is not stored and the previous key stays', async () => {
    const saved = await vscode.commands.executeCommand<boolean>(Commands.setKimiApiKey, WRONG_KEY);
    assert.equal(saved, false);
    assert.equal(await api.readSecret('kimiApiKey'), KIMI_KEY);
  });

  it('Set Embedding API Key and Set Milvus Token store their values', async () => {
    assert.equal(await vscode.commands.executeCommand<boolean>(Commands.setEmbeddingApiKey, EMBEDDING_KEY), true);
    assert.equal(await vscode.commands.executeCommand<boolean>(Commands.setMilvusToken, MILVUS_TOKEN), true);
    assert.equal(await api.readSecret('embeddingApiKey'), EMBEDDING_KEY);
    assert.equal(await api.readSecret('milvusToken'), MILVUS_TOKEN);
  });

  it('no key appears in any kimiMilvus setting (default, user, workspace)', () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as {
      contributes: { configuration: { properties: Record<string, unknown> } };
    };
    const keys = Object.keys(manifest.contributes.configuration.properties);
    assert.ok(keys.length > 5);
    const everything = JSON.stringify(
      keys.map((k) => vscode.workspace.getConfiguration().inspect(k)),
    );
    for (const secret of [KIMI_KEY, WRONG_KEY, EMBEDDING_KEY, MILVUS_TOKEN]) {
      assert.ok(!everything.includes(secret), 'a key leaked into settings');
    }
  });

  it('no key appears in the log, neither the lines written nor the log files on disk', async () => {
    const lines = api.logLines().join('\n');
    assert.match(lines, /Kimi API Key stored in SecretStorage/, 'the log channel captured nothing');
    // The channel's file (<logUri>/Kimi Milvus.log) is written asynchronously; wait until it has the line.
    const readLogs = () => filesUnder(api.logUri.fsPath).map((f) => readFileSync(f, 'utf8')).join('\n');
    const deadline = Date.now() + 10_000;
    while (!/Kimi API Key stored in SecretStorage/.test(readLogs()) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    const onDisk = readLogs();
    assert.match(onDisk, /Kimi API Key stored in SecretStorage/, `no log file with our lines under ${api.logUri.fsPath}`);
    for (const secret of [KIMI_KEY, WRONG_KEY, EMBEDDING_KEY, MILVUS_TOKEN]) {
      assert.ok(!lines.includes(secret), 'a key was written to the log channel');
      assert.ok(!onDisk.includes(secret), 'a key was written to a log file');
    }
  });

  it('Clear Stored Keys deletes all three', async () => {
    assert.equal(await vscode.commands.executeCommand<boolean>(Commands.clearSecrets, true), true);
    assert.equal(await api.readSecret('kimiApiKey'), undefined);
    assert.equal(await api.readSecret('embeddingApiKey'), undefined);
    assert.equal(await api.readSecret('milvusToken'), undefined);
  });
});
