// Runs inside a real VS Code extension host. Checks the contract between package.json and the
// code (IDs in src/extension/constants.ts), so it stays valid while the implementation changes.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CHAT_VIEW_ID,
  COLLECTIONS_VIEW_ID,
  Commands,
  EXTENSION_ID,
  OUTPUT_CHANNEL_NAME,
  VIEW_CONTAINER_ID,
} from '../../../src/extension/constants';
import { until } from '../../support/until';
import { testApi } from '../testApi';

interface ManifestCommand {
  command: string;
  title: string;
  category?: string;
}
interface ConfigProperty {
  default?: unknown;
  description?: string;
  markdownDescription?: string;
}
interface Manifest {
  engines: { vscode: string };
  activationEvents?: string[];
  capabilities?: { untrustedWorkspaces?: { supported: boolean | 'limited' } };
  contributes: {
    commands: ManifestCommand[];
    viewsContainers: { activitybar: { id: string; title: string }[] };
    views: Record<string, { id: string; name: string; type?: string }[]>;
    menus: Record<string, { command: string; when?: string }[]>;
    configuration: { properties: Record<string, ConfigProperty> };
  };
}

/** The settings the product promises (docs/usage.md, "Settings"), with the defaults users rely on. */
const REQUIRED_SETTINGS = [
  'kimiMilvus.kimi.baseUrl',
  'kimiMilvus.kimi.model',
  'kimiMilvus.milvus.uri',
  'kimiMilvus.embedding.baseUrl',
  'kimiMilvus.embedding.model',
  'kimiMilvus.embedding.dimensions',
  'kimiMilvus.index.include',
  'kimiMilvus.index.exclude',
  'kimiMilvus.index.maxFileSizeKb',
  'kimiMilvus.network.connectTimeoutSeconds',
  'kimiMilvus.network.idleTimeoutSeconds',
  'kimiMilvus.network.requestTimeoutSeconds',
];

/** The palette commands docs/usage.md names, with their titles. */
const REQUIRED_COMMANDS: Record<string, string> = {
  'kimiMilvus.indexWorkspace': 'Index Workspace',
  'kimiMilvus.addFileToCollection': 'Add File to Collection',
  'kimiMilvus.setKimiApiKey': 'Set Kimi API Key',
  'kimiMilvus.setEmbeddingApiKey': 'Set Embedding API Key',
  'kimiMilvus.setMilvusToken': 'Set Milvus Token',
  'kimiMilvus.clearIndex': 'Clear Index',
  'kimiMilvus.newChat': 'New Chat',
  'kimiMilvus.showLogs': 'Show Logs',
};

function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
  return ext;
}

function manifest(): Manifest {
  return extension().packageJSON as Manifest;
}

async function eventually(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) {
      assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('activation (inside VS Code)', () => {
  it('runs in a real extension host, on a copy of the sample workspace', () => {
    assert.match(vscode.version, /^1\.\d+\.\d+/);
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.deepEqual(folders.map((f) => f.name), ['sample-workspace']);
    // The suites create, edit and delete files there: never in the tracked fixture.
    const fixture = path.join('test', 'fixtures', 'sample-workspace');
    assert.ok(!folders[0]?.uri.fsPath.endsWith(fixture), `the suites run on the tracked fixture ${folders[0]?.uri.fsPath}`);
  });

  it('the extension activates', async () => {
    const ext = extension();
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('every command contributed in package.json is registered', async () => {
    await extension().activate();
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = manifest()
      .contributes.commands.map((c) => c.command)
      .filter((id) => !registered.has(id));
    assert.deepEqual(missing, []);
  });

  it('the command IDs in constants.ts are exactly the contributed commands', () => {
    const contributed = manifest().contributes.commands.map((c) => c.command).sort();
    assert.deepEqual([...Object.values(Commands)].sort(), contributed);
  });

  it('the views resolve: the chat webview runs its script and says ready, and the Collections tree is shown', async () => {
    // VS Code derives the views' focus commands from the manifest alone, so running them proves
    // nothing: what has to happen is our provider resolving each view in the workbench.
    const api = await testApi();
    await vscode.commands.executeCommand(`workbench.view.extension.${VIEW_CONTAINER_ID}`);
    await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
    await until('the chat webview to say ready', async () => (api.chatViewLoaded() ? true : undefined));
    await vscode.commands.executeCommand(`${COLLECTIONS_VIEW_ID}.focus`);
    await until('the Collections view to be shown', async () => (api.collectionsViewVisible() ? true : undefined));
  });

  it(`the "${OUTPUT_CHANNEL_NAME}" output channel exists and Show Logs reveals it`, async () => {
    await extension().activate();
    await vscode.commands.executeCommand(Commands.showLogs);
    // A shown output channel is a text document of scheme "output" whose name ends with the channel name.
    const isOurs = (d: vscode.TextDocument) =>
      d.uri.scheme === 'output' && decodeURIComponent(d.uri.toString()).includes(`${EXTENSION_ID}`) &&
      decodeURIComponent(d.uri.toString()).includes(OUTPUT_CHANNEL_NAME);
    await eventually(`an output document for "${OUTPUT_CHANNEL_NAME}"`, () => vscode.workspace.textDocuments.some(isOurs));
  });
});

describe('manifest (as loaded by VS Code)', () => {
  it('engines.vscode is no newer than 1.100 (so code-server 4.100.3 loads it)', () => {
    const m = /(\d+)\.(\d+)/.exec(manifest().engines.vscode);
    assert.ok(m, `unparsable engines.vscode ${manifest().engines.vscode}`);
    assert.equal(Number(m[1]), 1);
    assert.ok(Number(m[2]) <= 100, `engines.vscode ${manifest().engines.vscode} is newer than 1.100`);
  });

  it('activation is lazy: no "*" or startup activation event', () => {
    const events = manifest().activationEvents ?? [];
    assert.deepEqual(
      events.filter((e) => e === '*' || e === 'onStartupFinished'),
      [],
    );
  });

  it('contributes the issue\'s commands with their titles, all in category "Kimi Milvus"', () => {
    const commands = manifest().contributes.commands;
    for (const [id, title] of Object.entries(REQUIRED_COMMANDS)) {
      const c = commands.find((x) => x.command === id);
      assert.ok(c, `command ${id} not contributed`);
      assert.equal(c.title, title);
    }
    assert.deepEqual(
      commands.filter((c) => c.category !== 'Kimi Milvus').map((c) => c.command),
      [],
    );
  });

  it('contributes the view container and views under the IDs the code uses', () => {
    const { viewsContainers, views } = manifest().contributes;
    const container = viewsContainers.activitybar.find((c) => c.id === VIEW_CONTAINER_ID);
    assert.equal(container?.title, 'Kimi Milvus');
    const ours = views[VIEW_CONTAINER_ID] ?? [];
    assert.equal(ours.find((v) => v.id === CHAT_VIEW_ID)?.type, 'webview');
    assert.ok(ours.some((v) => v.id === COLLECTIONS_VIEW_ID), 'collections view missing');
  });

  it('offers Add File to Collection in the explorer context menu, and the selection commands in the editor menu', () => {
    const items = manifest().contributes.menus['explorer/context'] ?? [];
    const editorMenu = (manifest().contributes.menus['editor/context'] ?? []).map((m) => m.command);
    assert.ok(editorMenu.includes(Commands.askAboutSelection) && editorMenu.includes(Commands.addSelectionToChat), 'selection commands missing from the editor context menu');
    assert.ok(items.some((i) => i.command === Commands.addFileToCollection));
  });

  it('declares limited support for untrusted workspaces', () => {
    assert.equal(manifest().capabilities?.untrustedWorkspaces?.supported, 'limited');
  });

  it('has every required setting with a description and a default, readable through the API', () => {
    const props = manifest().contributes.configuration.properties;
    for (const key of REQUIRED_SETTINGS) {
      const p = props[key];
      assert.ok(p, `setting ${key} missing`);
      assert.ok((p.description ?? p.markdownDescription ?? '').length > 10, `setting ${key} has no description`);
      assert.ok('default' in p, `setting ${key} has no default`);
      const [section, ...rest] = key.split('.');
      const inspected = vscode.workspace.getConfiguration(section).inspect(rest.join('.'));
      assert.deepEqual(inspected?.defaultValue, p.default, `VS Code does not know the default of ${key}`);
    }
  });

  it('defaults to the global Kimi endpoint, suggests the China one, and accepts any http(s) URL', () => {
    const baseUrl = manifest().contributes.configuration.properties['kimiMilvus.kimi.baseUrl'] as ConfigProperty & {
      enum?: string[];
      examples?: string[];
      pattern?: string;
    };
    assert.equal(baseUrl.default, 'https://api.moonshot.ai/v1');
    assert.equal(baseUrl.enum, undefined, 'an enum flags proxies and local endpoints as "Value is not accepted"');
    assert.ok(baseUrl.examples?.includes('https://api.moonshot.cn/v1'));
    const pattern = new RegExp(baseUrl.pattern ?? '');
    for (const ok of ['https://api.moonshot.ai/v1', 'http://localhost:8000/v1', 'https://gw.example.com/kimi/v1']) {
      assert.ok(pattern.test(ok), ok);
    }
    for (const bad of ['api.moonshot.ai/v1', 'ftp://x/v1', 'https:// x']) {
      assert.ok(!pattern.test(bad), bad);
    }
    assert.equal(manifest().contributes.configuration.properties['kimiMilvus.milvus.uri'].default, '');
  });
});
