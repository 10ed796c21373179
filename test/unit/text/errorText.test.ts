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
