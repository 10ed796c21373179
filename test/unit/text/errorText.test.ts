import { strict as assert } from 'node:assert';
import { ConfigError, EmbeddingApiError, KimiApiError, StoreError } from '../../../src/core/errors';
import { VSCODE_WORDS, userMessage } from '../../../src/extension/errorText';
import { COMMAND_LINE_WORDS } from '../../../src/text/commandLineWords';
import { errorCode, errorText } from '../../../src/text/errorText';

describe('error words, by code', () => {
  it('adds the way out in each front end\'s words after what happened', () => {
    const missing = new StoreError('No usable Python found.', 'python-missing', { details: { purpose: 'local-embedding' } });
    assert.match(errorText(missing, VSCODE_WORDS), /^No usable Python found\. If Python is not on PATH, set "kimiMilvus\.milvus\.pythonPath"\. Or choose an embedding endpoint \("kimiMilvus\.embedding\.provider"\)\.$/);
    assert.match(errorText(missing, COMMAND_LINE_WORDS), /set KIMI_MILVUS_PYTHON\. Or choose an embedding endpoint \(EMBEDDING_PROVIDER/);
    const pip = new StoreError('pip could not install Milvus Lite.', 'install-failed', { details: { purpose: 'milvus' } });
    assert.match(errorText(pip, COMMAND_LINE_WORDS), /Or set MILVUS_URI \(or --milvus-uri\) to use a Milvus server\.$/);
    const model = new StoreError('pip could not install the embedding model m==1.', 'install-failed', { details: { purpose: 'local-embedding', model: 'm==1' } });
    assert.match(errorText(model, VSCODE_WORDS), /Or set the embedding model to a folder holding model\.onnx and tokenizer\.json \("kimiMilvus\.embedding\.model"\), or choose an embedding endpoint \("kimiMilvus\.embedding\.provider"\)\.$/);
    const runtime = new StoreError('pip could not install onnxruntime.', 'install-failed', { details: { purpose: 'local-embedding' } });
    assert.match(errorText(runtime, COMMAND_LINE_WORDS), /^pip could not install onnxruntime\. Or choose an embedding endpoint \(EMBEDDING_PROVIDER or --embedding-provider\)\.$/);
    const slow = new EmbeddingApiError('timeout', 'The embedding endpoint h sent no response within 30 s. Gave up after 6 retries.', { retryable: true });
    assert.match(errorText(slow, VSCODE_WORDS), /Give it more time \(the connect timeout: "kimiMilvus\.network\.connectTimeoutSeconds"; the whole request: "kimiMilvus\.network\.requestTimeoutSeconds"\), or check that it is running\.$/);
    const timeout = new KimiApiError('timeout', 'Kimi sent nothing new for 60 s. The request was stopped.', { retryable: true, details: { baseUrl: 'https://api.moonshot.ai/v1' } });
    assert.match(userMessage(timeout), /The request was stopped\. The limits are the network timeout settings \(kimiMilvus\.network\.\*\)\.$/);
  });

  it('leaves a message alone when its code has no way out to add', () => {
    const quota = new EmbeddingApiError('quota', 'The embedding quota at api.example.com is used up (HTTP 429).', { status: 429, retryable: false });
    assert.equal(errorText(quota, VSCODE_WORDS), quota.message);
    assert.equal(errorText(new ConfigError('The embedding model name is empty.'), COMMAND_LINE_WORDS), 'The embedding model name is empty.');
    assert.equal(errorText(new Error('boom'), VSCODE_WORDS), 'boom');
    assert.match(userMessage(new Error('boom')), /^Unexpected error: boom/);
  });

  it('names a failure by kind and code, so a front end can recognise it later', () => {
    assert.equal(errorCode(new KimiApiError('auth', 'x', { retryable: false })), 'kimi/auth');
    assert.equal(errorCode(new EmbeddingApiError('auth', 'x', { retryable: false })), 'embedding/auth');
    assert.equal(errorCode(new ConfigError('x', 'kimi-key-missing')), 'config/kimi-key-missing');
    assert.equal(errorCode(new StoreError('x', 'unavailable')), 'store/unavailable');
    assert.equal(errorCode(new ConfigError('x')), undefined);
    assert.equal(errorCode(new Error('x')), undefined);
  });
});
