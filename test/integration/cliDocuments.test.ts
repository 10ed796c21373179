/**
 * Documents and images from the command line: `add` reads a PDF locally (the default) or with
 * `--extractor kimi`, `search` cites the page, `ask --image` sends a screenshot to a vision model and
 * refuses a text-only one at once. Real CLI code, real Milvus Lite, the fake Kimi over HTTP.
 */
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import type { VectorStore } from '../../src/core/store/types';
import { reply, startFakeKimi, type FakeKimi } from '../fakes/kimiServer';
import { makeDocx, makePdf, makePng } from '../support/documentFiles';
import type { Run } from '../support/runNode';
import { getTestStore, testMilvusConfig, uniqueCollectionName } from './milvusEnv';

describe('CLI: documents and images', function () {
  this.timeout(300_000);
  let kimi: FakeKimi;
  let store: VectorStore;
  let ws: string;
  let env: NodeJS.ProcessEnv;
  const created: string[] = [];

  before(async () => {
    store = await getTestStore();
    kimi = await startFakeKimi({ apiKey: 'sk-cli-docs' });
    ws = await fs.mkdtemp(path.join(os.tmpdir(), 'kmc-cli-docs-'));
    await fs.writeFile(path.join(ws, 'spec.pdf'), makePdf([['Widget spec'], ['Transport: frames'], ['The retry budget of the uploader is seven attempts.']]));
    await fs.writeFile(path.join(ws, 'handbook.docx'), makeDocx(['The pager moves every Tuesday at noon.']));
    await fs.writeFile(path.join(ws, 'shot.png'), makePng(20, 10));
    const milvus = testMilvusConfig();
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      KIMI_API_KEY: 'sk-cli-docs',
      KIMI_BASE_URL: kimi.baseUrl,
      KIMI_MILVUS_DATA_DIR: milvus.dataDir,
      KIMI_MILVUS_VENV: process.env.KIMI_MILVUS_VENV,
      ...(milvus.uri ? { MILVUS_URI: milvus.uri } : {}),
    };
  });
  after(async () => {
    for (const name of created) {
      await store.dropCollection(name).catch(() => undefined);
    }
    await kimi.close();
    await fs.rm(ws, { recursive: true, force: true });
  });

  async function cli(argv: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: { ...env, ...extraEnv }, cwd: ws });
    return { code, stdout, stderr };
  }

  it('add reads a PDF on this machine by default; search cites its page', async () => {
    const name = uniqueCollectionName('cli_docs');
    created.push(name);
    const added = await cli(['add', 'spec.pdf', '--collection', name]);
    assert.equal(added.code, 0, added.stderr);
    assert.equal(kimi.files.uploads.length, 0, 'nothing uploaded by default');
    const found = await cli(['search', 'retry budget uploader', '--collection', name, '--limit', '1']);
    assert.equal(found.code, 0, found.stderr);
    assert.match(found.stdout, /^1\. spec\.pdf p\.3 /m);
  });

  it('add --extractor kimi uploads the document, reads it, and deletes the upload', async () => {
    const name = uniqueCollectionName('cli_kimi');
    created.push(name);
    const added = await cli(['add', 'handbook.docx', '--collection', name, '--extractor', 'kimi']);
    assert.equal(added.code, 0, added.stderr);
    assert.deepEqual(kimi.files.uploads.map((u) => u.filename), ['handbook.docx']);
    assert.equal(kimi.files.stored.size, 0);
    const found = await cli(['search', 'pager Tuesday', '--collection', name, '--json']);
    assert.match(found.stdout, /handbook\.docx/);
    const bad = await cli(['add', 'handbook.docx', '--collection', name, '--extractor', 'cloud']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--extractor must be "local" or "kimi"/);
  });

  it('ask --image refuses a text-only model before starting anything, and sends the image to a vision model', async () => {
    const blind = await cli(['ask', 'What does this show?', '--image', 'shot.png'], { KIMI_MODEL: 'kimi-k2-turbo-preview' });
    assert.equal(blind.code, 2, blind.stderr);
    assert.match(blind.stderr, /kimi-k2-turbo-preview cannot see images\. Use a model with vision, e\.g\. KIMI_MODEL=kimi-k2\.5/);
    assert.equal(kimi.chatBodies().length, 0);

    const notImage = await cli(['ask', 'What is this?', '--image', 'spec.pdf'], { KIMI_MODEL: 'kimi-k2.5' });
    assert.equal(notImage.code, 2);
    assert.match(notImage.stderr, /spec\.pdf is not a PNG, JPEG, WebP or GIF image/);

    kimi.script(reply.text('A red rectangle.'));
    const seen = await cli(['ask', 'What does this show?', '--image', 'shot.png'], { KIMI_MODEL: 'kimi-k2.5' });
    assert.equal(seen.code, 0, seen.stderr);
    assert.match(seen.stdout, /A red rectangle\./);
    const content = kimi.chatBodies()[0]?.messages.at(-1)?.content;
    assert.ok(Array.isArray(content));
    assert.deepEqual(content[0], { type: 'image_url', image_url: { url: `data:image/png;base64,${makePng(20, 10).toString('base64')}` } });
  });
});
