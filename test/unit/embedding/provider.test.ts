import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EmbeddingConfig } from '../../../src/core/config';
import { createEmbedder, resolveProvider } from '../../../src/core/embedding/factory';
import { LocalEmbedder } from '../../../src/core/embedding/localEmbedder';
import { isModelPath, readModelFolder } from '../../../src/core/embedding/localModel';
import { NoneEmbedder } from '../../../src/core/embedding/noneEmbedder';
import { OpenAiEmbedder } from '../../../src/core/embedding/openaiEmbedder';
import { ConfigError } from '../../../src/core/errors';
import { failureMessage } from '../../../src/cli/command';

const base: EmbeddingConfig = { baseUrl: undefined, apiKey: undefined, model: 'text-embedding-3-small', dimensions: 1536 };
const local = { storageDir: os.tmpdir(), bundledDir: os.tmpdir() };

describe('Embedding provider choice', () => {
  it('auto: the endpoint when configured, else local once agreed, else none', () => {
    assert.equal(resolveProvider(base), 'none');
    assert.equal(resolveProvider({ ...base, localConsent: true }), 'local');
    assert.equal(resolveProvider({ ...base, baseUrl: 'http://h/v1', localConsent: true }), 'openai-compatible');
    assert.equal(resolveProvider({ ...base, apiKey: 'sk-x' }), 'openai-compatible');
    assert.equal(resolveProvider({ ...base, provider: 'none', apiKey: 'sk-x' }), 'none');
    assert.equal(resolveProvider({ ...base, provider: 'local', baseUrl: 'http://h/v1' }), 'local');
  });

  it('builds the matching embedder; nothing is downloaded or started until the first embed', () => {
    assert.ok(createEmbedder(base) instanceof NoneEmbedder);
    assert.ok(createEmbedder({ ...base, apiKey: 'sk-x' }) instanceof OpenAiEmbedder);
    const e = createEmbedder({ ...base, provider: 'local' }, { local });
    assert.ok(e instanceof LocalEmbedder);
    assert.deepEqual(e.spec, { model: 'local:all-MiniLM-L6-v2-int8', dimensions: 384 });
    assert.ok(e.downloadBytes > 20_000_000);
  });

  it('refuses what cannot work with a ConfigError that says what to do', () => {
    assert.throws(
      () => createEmbedder({ ...base, provider: 'openai-compatible' }),
      (err: unknown) => err instanceof ConfigError && err.code === 'embedding-endpoint-missing' && /EMBEDDING_BASE_URL/.test(failureMessage(err)),
    );
    assert.throws(() => createEmbedder({ ...base, provider: 'local' }), ConfigError);
    assert.throws(() => createEmbedder({ ...base, provider: 'local', model: 'bge-large' }, { local }), (err: unknown) => err instanceof ConfigError && /folder path/.test(err.message));
    assert.throws(() => createEmbedder({ ...base, provider: 'local', model: '/nonexistent/model' }, { local }), (err: unknown) => err instanceof ConfigError && /model\.onnx/.test(err.message));
  });

  it('tells a model folder from a model name', () => {
    for (const p of ['/opt/models/minilm', './minilm', '../m', '~/m', 'C:\\models\\m', '\\\\server\\m']) {
      assert.equal(isModelPath(p), true, p);
    }
    for (const p of ['text-embedding-3-small', 'all-MiniLM-L6-v2-int8', 'BAAI/bge-small-en-v1.5']) {
      assert.equal(isModelPath(p), false, p);
    }
  });

  it('reads a model folder: dimensions from model.json or config.json, else a clear error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kimi-model-'));
    try {
      fs.writeFileSync(path.join(dir, 'model.onnx'), '');
      fs.writeFileSync(path.join(dir, 'tokenizer.json'), '{}');
      assert.throws(() => readModelFolder(dir), (err: unknown) => err instanceof ConfigError && /hidden_size/.test(err.message));
      fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ hidden_size: 384, max_position_embeddings: 512 }));
      assert.deepEqual(readModelFolder(dir).meta, { name: path.basename(dir), dimensions: 384, maxTokens: 512, queryPrefix: '', passagePrefix: '' });
      fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ name: 'e5', dimensions: 384, maxTokens: 128, queryPrefix: 'query: ', passagePrefix: 'passage: ' }));
      assert.deepEqual(readModelFolder(dir).meta, { name: 'e5', dimensions: 384, maxTokens: 128, queryPrefix: 'query: ', passagePrefix: 'passage: ' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
