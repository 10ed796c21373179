import { strict as assert } from 'node:assert';
import { runProcess } from '../../src/core/milvus/run';
import { childEnv, Redactor, secretsFromEnv } from '../../src/core/redaction';

describe('Redactor', () => {
  it('replaces every known secret, longest first, in text and in nested values', () => {
    const r = new Redactor(['sk-short-123', 'sk-short-123-and-longer', undefined, 'abc']);
    assert.equal(r.redact('a sk-short-123-and-longer b sk-short-123 c abc'), 'a *** b *** c abc');
    const deep = r.redactDeep({ type: 'error', message: 'key sk-short-123', list: ['sk-short-123', 3], n: 1 });
    assert.deepEqual(deep, { type: 'error', message: 'key ***', list: ['***', 3], n: 1 });
  });

  it('a Milvus user:password token also hides the password alone', () => {
    const r = new Redactor(['root:Milvus-pass-42']);
    assert.equal(r.redact('auth failed for root:Milvus-pass-42 (password Milvus-pass-42)'), 'auth failed for *** (password ***)');
  });

  it('takes the CLI secrets from the environment', () => {
    assert.deepEqual(secretsFromEnv({ KIMI_API_KEY: 'sk-k', EMBEDDING_API_KEY: ' ', MILVUS_TOKEN: 't:p', PATH: '/bin' }).sort(), ['sk-k', 't:p']);
  });
});

describe('child processes', () => {
  it('get an environment without the product keys', async () => {
    const env = { ...process.env, KIMI_API_KEY: 'sk-kimi-child-1', EMBEDDING_API_KEY: 'sk-emb-child-2', MILVUS_TOKEN: 'root:child-3', KEEP_ME: 'yes' };
    assert.equal(childEnv(env).KIMI_API_KEY, undefined);
    const lines: string[] = [];
    await runProcess('env', [], { env, timeoutMs: 10_000, onLine: (l) => lines.push(l) });
    const all = lines.join('\n');
    assert.match(all, /KEEP_ME=yes/);
    assert.doesNotMatch(all, /KIMI_API_KEY|EMBEDDING_API_KEY|MILVUS_TOKEN|child-[123]/);
  });
});
