import { strict as assert } from 'node:assert';
import { StoreError } from '../../src/core/errors';
import { toCollectionName, validateCollectionName } from '../../src/core/store/names';
import { parseMilvusUri } from '../../src/core/store/factory';
import { ConfigError } from '../../src/core/errors';

describe('collection names', () => {
  it('accepts Milvus-valid names', () => {
    for (const ok of ['a', '_x', 'ws_1a2b', 'A'.repeat(255)]) {
      assert.equal(validateCollectionName(ok), ok);
    }
  });

  it('rejects invalid names with StoreError invalid-name', () => {
    for (const bad of ['', '1abc', 'has-dash', 'sp ace', 'dot.ted', 'ünï', 'A'.repeat(256), 'x"y']) {
      assert.throws(
        () => validateCollectionName(bad),
        (err: unknown) => err instanceof StoreError && err.code === 'invalid-name' && err.message.includes('letters, digits or underscores'),
        bad,
      );
    }
  });

  it('turns labels into valid names', () => {
    assert.equal(toCollectionName('my-repo'), 'my_repo');
    assert.equal(toCollectionName('2024 notes'), 'c_2024_notes');
    assert.equal(toCollectionName('Café'), 'Cafe');
    assert.equal(toCollectionName('***'), 'collection');
    assert.doesNotThrow(() => validateCollectionName(toCollectionName('x'.repeat(400))));
  });
});

describe('Milvus URIs', () => {
  it('parses remote URIs with TLS for https', () => {
    assert.deepEqual(parseMilvusUri('http://localhost:19530'), { address: 'http://localhost:19530', ssl: false });
    assert.deepEqual(parseMilvusUri('localhost:19531'), { address: 'http://localhost:19531', ssl: false });
    assert.deepEqual(parseMilvusUri('https://in03-abc.serverless.gcp-us-west1.cloud.zilliz.com'), {
      address: 'https://in03-abc.serverless.gcp-us-west1.cloud.zilliz.com:443',
      ssl: true,
    });
    assert.deepEqual(parseMilvusUri('https://h.example:19540'), { address: 'https://h.example:19540', ssl: true });
  });

  it('rejects what is not http(s)', () => {
    assert.throws(() => parseMilvusUri('ftp://x'), ConfigError);
    assert.throws(() => parseMilvusUri('http://'), ConfigError);
  });
});
