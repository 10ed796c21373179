import { strict as assert } from 'node:assert';
import { deadlinesFromArgs, embeddingConfigFrom, indexConfigFrom } from '../../../src/cli/config';
import { ConfigError } from '../../../src/core/errors';
import { looksMinified } from '../../../src/core/indexing/sniff';

describe('CLI configuration', () => {
  it('reads the network deadlines from flags, else KIMI_MILVUS_*_TIMEOUT, in seconds', () => {
    const env = { KIMI_MILVUS_CONNECT_TIMEOUT: '0.5', KIMI_MILVUS_IDLE_TIMEOUT: '2' };
    assert.deepEqual(deadlinesFromArgs({ values: { 'idle-timeout': '7' }, positionals: [] }, env), { headersMs: 500, idleMs: 7000 });
    assert.deepEqual(embeddingConfigFrom({ values: { 'request-timeout': '90' }, positionals: [] }, {}).deadlines, { totalMs: 90_000 });
    assert.throws(() => deadlinesFromArgs({ values: {}, positionals: [] }, { KIMI_MILVUS_IDLE_TIMEOUT: 'soon' }), ConfigError);
  });

  it('reads EMBEDDING_* from the environment, flags first, key only from the environment', () => {
    const env = { EMBEDDING_BASE_URL: 'http://env/v1', EMBEDDING_API_KEY: 'sk-env', EMBEDDING_MODEL: 'env-model', EMBEDDING_DIMENSIONS: '768' };
    assert.deepEqual(embeddingConfigFrom({ values: {}, positionals: [] }, env), {
      provider: 'auto',
      localConsent: false,
      baseUrl: 'http://env/v1',
      apiKey: 'sk-env',
      model: 'env-model',
      dimensions: 768,
    });
    const flags = { values: { 'embedding-base-url': 'http://flag/v1', 'embedding-model': 'flag-model', 'embedding-dimensions': '64' }, positionals: [] };
    assert.deepEqual(embeddingConfigFrom(flags, env), { provider: 'auto', localConsent: false, baseUrl: 'http://flag/v1', apiKey: 'sk-env', model: 'flag-model', dimensions: 64 });
  });

  it('defaults to no endpoint (BM25 only) and OpenAI\'s model', () => {
    assert.deepEqual(embeddingConfigFrom({ values: {}, positionals: [] }, { EMBEDDING_BASE_URL: ' ' }), {
      provider: 'auto',
      localConsent: false,
      baseUrl: undefined,
      apiKey: undefined,
      model: 'text-embedding-3-small',
      dimensions: 1536,
    });
  });

  it('reads the provider from --embedding-provider, then EMBEDDING_PROVIDER, and refuses an unknown one', () => {
    const none = { values: {}, positionals: [] };
    assert.equal(embeddingConfigFrom(none, { EMBEDDING_PROVIDER: 'local' }).provider, 'local');
    assert.equal(embeddingConfigFrom({ values: { 'embedding-provider': 'none' }, positionals: [] }, { EMBEDDING_PROVIDER: 'local' }).provider, 'none');
    assert.throws(() => embeddingConfigFrom(none, { EMBEDDING_PROVIDER: 'onnx' }), (err: unknown) => err instanceof ConfigError && /auto, local, openai-compatible, none/.test(err.message));
  });

  it('refuses a non-integer dimension or size with ConfigError', () => {
    assert.throws(() => embeddingConfigFrom({ values: {}, positionals: [] }, { EMBEDDING_DIMENSIONS: '12.5' }), ConfigError);
    assert.throws(() => indexConfigFrom({ values: { 'max-file-size-kb': '-1' }, positionals: [] }), ConfigError);
  });

  it('collects repeated --include/--exclude', () => {
    assert.deepEqual(indexConfigFrom({ values: { include: ['**/*.sql', '**/*.proto'], exclude: ['docs/**'], 'max-file-size-kb': '64' }, positionals: [] }), {
      include: ['**/*.sql', '**/*.proto'],
      exclude: ['docs/**'],
      maxFileSizeKb: 64,
    });
  });
});

describe('looksMinified', () => {
  it('tells bundles from hand-written code', () => {
    assert.equal(looksMinified(Buffer.from('var a=function(){return 1};'.repeat(200))), true);
    const code = Array.from({ length: 200 }, (_, i) => `  const value${i} = compute(${i}); // explain`).join('\n');
    assert.equal(looksMinified(Buffer.from(code)), false);
    assert.equal(looksMinified(Buffer.from('short')), false);
  });
});
