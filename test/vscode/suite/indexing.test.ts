// Runs inside the real extension host against real Milvus Lite (KIMI_MILVUS_VENV points at a
// provisioned venv) and a fake OpenAI-compatible embeddings server (real HTTP): Index Workspace,
// Add File to Collection, live sync after edits, and the Restricted Mode guard.
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { IndexSummary } from '../../../src/core/indexing/events';
import { Commands } from '../../../src/extension/constants';
import type { AddFilesResult } from '../../../src/extension/indexing/addFiles';
import type { IndexRunResult } from '../../../src/extension/indexing/indexRunner';
import type { KimiMilvusTestApi } from '../../../src/extension/testApi';
import { testApi } from '../testApi';
import { FakeEmbeddingServer } from '../../fakes/embeddingServer';
import { until } from '../../support/until';
import { makeDocx, makePdf } from '../../support/documentFiles';
import { citationOf } from '../../../src/core/documents/citation';

const DIMENSIONS = 64;
const MANUAL_COLLECTION = 'manual_notes_vscode_test';

function summariesOf(result: IndexRunResult): readonly IndexSummary[] {
  assert.equal(result.status, 'done', JSON.stringify(result));
  return result.status === 'done' ? result.summaries : [];
}

describe('indexing (inside VS Code, real Milvus Lite)', function () {
  // The first use starts Milvus Lite (seconds; provisioning is skipped thanks to KIMI_MILVUS_VENV).
  this.timeout(240_000);
  let api: KimiMilvusTestApi;
  let embeddings: FakeEmbeddingServer;
  let root: string;
  let collection: string;
  const config = () => vscode.workspace.getConfiguration('kimiMilvus');
  const scratch: string[] = [];

  before(async () => {
    api = await testApi();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the harness opens the sample workspace');
    root = folder.uri.fsPath;
    collection = api.collectionFor(root);
    embeddings = await new FakeEmbeddingServer({ dimensions: DIMENSIONS }).start();
    await config().update('embedding.baseUrl', embeddings.url, vscode.ConfigurationTarget.Global);
    await config().update('embedding.model', 'fake-embed', vscode.ConfigurationTarget.Global);
    await config().update('embedding.dimensions', DIMENSIONS, vscode.ConfigurationTarget.Global);
    assert.equal(await vscode.commands.executeCommand(Commands.setEmbeddingApiKey, 'embed-key-for-indexing-test'), true);
  });

  after(async () => {
    for (const file of scratch) {
      await fs.rm(file, { force: true });
    }
    api.setTrustOverride(undefined);
    await vscode.commands.executeCommand(Commands.deleteCollection, { name: MANUAL_COLLECTION }, true);
    await vscode.commands.executeCommand(Commands.clearIndex, true);
    for (const key of ['embedding.baseUrl', 'embedding.model', 'embedding.dimensions']) {
      await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    }
    await embeddings.close();
  });

  it('Restricted Mode: Index Workspace and Add File to Collection refuse and write nothing', async () => {
    // A running window cannot be switched to Restricted Mode (trust is settled before the
    // extension host starts, and the harness disables the trust prompt), so the test API
    // overrides the trust state the extension reads; the guard code path is the real one.
    api.setTrustOverride(false);
    try {
      const result = await vscode.commands.executeCommand<IndexRunResult>(Commands.indexWorkspace);
      assert.deepEqual(result, { status: 'refused', reason: 'restricted' });
      const added = await vscode.commands.executeCommand<AddFilesResult | undefined>(
        Commands.addFileToCollection,
        vscode.Uri.file(path.join(root, 'README.md')),
        undefined,
        { collection: MANUAL_COLLECTION },
      );
      assert.equal(added, undefined);
    } finally {
      api.setTrustOverride(undefined);
    }
    const names = (await api.listCollections()).map((c) => c.name);
    assert.ok(!names.includes(collection), 'the workspace was indexed in Restricted Mode');
    assert.ok(!names.includes(MANUAL_COLLECTION), 'a file was added in Restricted Mode');
  });

  it('Index Workspace indexes the fixture workspace and a search finds its content', async () => {
    const [summary] = summariesOf(await vscode.commands.executeCommand<IndexRunResult>(Commands.indexWorkspace));
    assert.equal(summary.collection, collection);
    assert.ok(summary.filesIndexed >= 5, `indexed ${summary.filesIndexed} files`);
    assert.ok(summary.chunksWritten >= summary.filesIndexed);
    assert.equal(summary.chunksEmbedded, 0, 'indexing does not wait for vectors (progressive hybrid)');
    const hits = await api.search(collection, 'Old Marguerite fog horn');
    assert.ok(hits.length > 0, 'no hits');
    assert.ok(
      hits.slice(0, 3).some((h) => h.path === 'src/foghorn.js' || h.path === 'docs/maintenance.md'),
      `top hits: ${hits.map((h) => h.path).join(', ')}`,
    );
    // The background fill gives every chunk its vector with the fake embedder.
    const counts = await until('every chunk has its vector', async () => {
      const c = await api.vectorCounts(collection);
      return c.total > 0 && c.withVector === c.total ? c : undefined;
    }, 120_000);
    assert.equal(counts.total, summary.chunksWritten);
    // The Collections view lists it first (it mirrors the workspace folder) with its row count,
    // and without a "% semantic" figure now that every vector is in.
    const [row] = await api.collectionRows();
    assert.ok(row, 'the Collections view is empty');
    assert.equal(row.name, collection);
    assert.match(row.description, new RegExp(`^${counts.total.toLocaleString()} rows(?! · \\d+% semantic)`));
  });

  it('a second Index Workspace is incremental: nothing re-indexed', async () => {
    const [summary] = summariesOf(await vscode.commands.executeCommand<IndexRunResult>(Commands.indexWorkspace));
    assert.equal(summary.filesIndexed, 0);
    assert.ok(summary.filesUnchanged >= 5);
    assert.equal(summary.chunksWritten, 0);
  });

  it('Add File to Collection adds a file and a folder\'s files to the chosen collection', async () => {
    const result = await vscode.commands.executeCommand<AddFilesResult>(
      Commands.addFileToCollection,
      vscode.Uri.file(path.join(root, 'README.md')),
      [vscode.Uri.file(path.join(root, 'README.md')), vscode.Uri.file(path.join(root, 'scripts'))],
      { collection: MANUAL_COLLECTION },
    );
    assert.ok(result, 'the command returned nothing');
    assert.equal(result.collection, MANUAL_COLLECTION);
    assert.deepEqual(result.failed, []);
    assert.deepEqual(result.added.map((f) => path.relative(root, f)).sort(), ['README.md', path.join('scripts', 'inventory.txt')]);
    const info = (await api.listCollections()).find((c) => c.name === MANUAL_COLLECTION);
    assert.ok(info, 'collection not created');
    const hits = await api.search(MANUAL_COLLECTION, 'brass polish tins');
    assert.equal(hits[0]?.path, 'scripts/inventory.txt');
    const paths = new Set((await api.search(MANUAL_COLLECTION, 'lighthouse Quillon cabinet')).map((h) => h.path));
    assert.ok(!paths.has('src/foghorn.js'), 'a file that was not added is in the collection');
  });

  it('Add File to Collection takes a PDF and a DOCX (read on this computer by setting); search cites their pages', async () => {
    await config().update('documents.extractor', 'local', vscode.ConfigurationTarget.Global);
    const pdf = path.join(root, 'lighthouse-spec.pdf');
    const docx = path.join(root, 'keeper-handbook.docx');
    const locked = path.join(root, 'locked-notes.pdf');
    scratch.push(pdf, docx, locked);
    await fs.writeFile(pdf, makePdf([['Lighthouse specification'], ['Lamp: a first-order Fresnel lens.'], ['The wick of the reserve lamp is trimmed every ninth evening.']]));
    await fs.writeFile(docx, makeDocx(['Keeper handbook', { pageBreak: true }, 'Logbooks are sealed in the oilskin chest at dawn.']));
    await fs.writeFile(locked, makePdf([['secret']], { encrypted: true }));
    try {
      const result = await vscode.commands.executeCommand<AddFilesResult>(
        Commands.addFileToCollection,
        vscode.Uri.file(pdf),
        [vscode.Uri.file(pdf), vscode.Uri.file(docx), vscode.Uri.file(locked)],
        { collection: MANUAL_COLLECTION },
      );
      assert.deepEqual(result.added.map((f) => path.basename(f)).sort(), ['keeper-handbook.docx', 'lighthouse-spec.pdf']);
      assert.deepEqual(result.skipped.map((s) => [path.basename(s.path), s.reason]), [['locked-notes.pdf', 'encrypted']]);
      assert.match(result.skipped[0]?.detail ?? '', /password/);
      const [wick] = await api.search(MANUAL_COLLECTION, 'reserve lamp wick trimmed');
      assert.ok(wick, 'no hit in the PDF');
      assert.equal(citationOf(wick), 'lighthouse-spec.pdf p.3');
      const [logbook] = await api.search(MANUAL_COLLECTION, 'logbooks oilskin chest');
      assert.ok(logbook, 'no hit in the DOCX');
      assert.equal(citationOf(logbook), 'keeper-handbook.docx p.2');
    } finally {
      await config().update('documents.extractor', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('Search This Collection in Chat toggles an extra collection; the workspace\'s own is always searched', async () => {
    assert.equal(await vscode.commands.executeCommand<boolean>(Commands.toggleCollectionInChat, { name: MANUAL_COLLECTION }), true);
    assert.equal(await vscode.commands.executeCommand<boolean>(Commands.toggleCollectionInChat, { name: MANUAL_COLLECTION }), false);
    assert.equal(await vscode.commands.executeCommand<boolean>(Commands.toggleCollectionInChat, { name: collection }), true);
    assert.equal(await vscode.commands.executeCommand<boolean>(Commands.toggleCollectionInChat, { name: collection }), true);
  });

  it('Delete Collection drops it from Milvus', async () => {
    const extra = 'delete_me_vscode_test';
    const added = await vscode.commands.executeCommand<AddFilesResult>(
      Commands.addFileToCollection,
      vscode.Uri.file(path.join(root, 'README.md')),
      undefined,
      { collection: extra },
    );
    assert.equal(added.added.length, 1);
    assert.equal(await vscode.commands.executeCommand<boolean>(Commands.deleteCollection, { name: extra }, true), true);
    assert.ok(!(await api.listCollections()).some((c) => c.name === extra));
  });

  it('live sync: creating, editing and deleting a file updates the index', async () => {
    const file = path.join(root, 'docs', `live-sync-${Date.now()}.md`);
    const rel = path.relative(root, file).split(path.sep).join('/');
    scratch.push(file);
    const hasHit = async (query: string): Promise<boolean> => (await api.search(collection, query)).some((h) => h.path === rel);

    await fs.writeFile(file, '# Night watch\n\nThe zanzibarquokka lantern is lit at dusk.\n');
    await until('the new file in the index', async () => ((await hasHit('zanzibarquokka')) ? true : undefined));

    // Edit through VS Code, as a user would: open, change, save.
    const doc = await vscode.workspace.openTextDocument(file);
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((b) => b.replace(new vscode.Range(0, 0, doc.lineCount, 0), '# Night watch\n\nThe periwinklemarmot lantern is lit at dawn.\n'));
    assert.ok(await doc.save(), 'save failed');
    await until('the edit in the index', async () => ((await hasHit('periwinklemarmot')) ? true : undefined));
    // New rows are written before stale ones are deleted (an interrupted run never loses rows), so the
    // old chunk may outlive the new one by one write round; it must then go.
    await until('the old content gone from the index', async () => ((await hasHit('zanzibarquokka')) ? undefined : true));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

    await fs.rm(file);
    await until('the deleted file gone from the index', async () => ((await hasHit('periwinklemarmot')) ? undefined : true));
  });

  it('kimiMilvus.index.liveSync = false stops live sync, without a reload', async () => {
    await config().update('index.liveSync', false, vscode.ConfigurationTarget.Global);
    const file = path.join(root, 'docs', `no-sync-${Date.now()}.md`);
    scratch.push(file);
    try {
      await fs.writeFile(file, 'The quasarpelican buoy is off.\n');
      // Several debounce periods (LIVE_SYNC_DEBOUNCE_MS = 750) pass without the file being indexed.
      await new Promise((r) => setTimeout(r, 4000));
      const hits = await api.search(collection, 'quasarpelican');
      assert.equal(hits.length, 0, 'live sync ran although it is turned off');
    } finally {
      await fs.rm(file, { force: true });
      await config().update('index.liveSync', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
