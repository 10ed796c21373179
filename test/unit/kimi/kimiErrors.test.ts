import { strict as assert } from 'node:assert';
import { APIError, APIConnectionError, APIUserAbortError } from 'openai';
import { parseRetryAfter, toKimiError } from '../../../src/core/kimi/kimiErrors';
import { DEFAULT_RETRY, retryDelay } from '../../../src/core/kimi/retry';
import { UserAbortError, type KimiApiError } from '../../../src/core/errors';
import { failureMessage } from '../../../src/cli/command';
import { userMessage } from '../../../src/extension/errorText';

/** Core's message names no command, setting or flag of a front end: those come from the code. */
function assertNoFrontEndWords(message: string): void {
  assert.doesNotMatch(message, /Kimi Milvus:|kimiMilvus\.|KIMI_|--[a-z]|Run "|Top up|Pick a model/);
}

const ctx = { baseUrl: 'https://api.moonshot.ai/v1', model: 'kimi-k2.5' };
const apiError = (status: number, type: string, message: string): APIError =>
  APIError.generate(status, { error: { type, message } }, undefined, new Headers({ 'msh-request-id': 'req-1' }));
const classify = (status: number, type: string, message: string): KimiApiError => toKimiError(apiError(status, type, message), ctx) as KimiApiError;

describe('Kimi error classification (by error type, docs/reference/kimi-api.md)', () => {
  it('reads "try again after N seconds"', () => {
    assert.equal(parseRetryAfter('request reached max request: 3, please try again after 7 seconds'), 7000);
    assert.equal(parseRetryAfter('please try again after 1 seconds'), 1000);
    assert.equal(parseRetryAfter('The engine is currently overloaded, please try again later'), undefined);
  });

  it('retries rate limits (honouring the wait), overload, 5xx and network errors', () => {
    const rl = classify(429, 'rate_limit_reached_error', 'request reached max concurrency: 1, please try again after 3 seconds');
    assert.equal(rl.retryable, true);
    assert.equal(rl.retryAfterMs, 3000);
    assert.equal(rl.requestId, 'req-1');
    assert.equal(classify(429, 'engine_overloaded_error', 'The engine is currently overloaded, please try again later').retryable, true);
    assert.equal(classify(500, 'unexpected_output', 'invalid state transition').retryable, true);
    assert.equal(classify(504, '', '').retryable, true);
    const net = toKimiError(new APIConnectionError({ message: 'Connection error.' }), ctx) as KimiApiError;
    assert.equal(net.retryable, true);
    assert.equal(net.code, 'connection');
    assert.match(userMessage(net), /api-sg\.moonshot\.ai/);
    assertNoFrontEndWords(net.message);
  });

  it('connection hints depend on the host: no Moonshot endpoint advice for a local or custom server', () => {
    const at = (baseUrl: string): string =>
      userMessage(toKimiError(new APIConnectionError({ message: 'Connection error.' }), { ...ctx, baseUrl }));
    assert.match(at('https://api.moonshot.ai/v1'), /api-sg\.moonshot\.ai/);
    assert.match(at('https://api.moonshot.cn/v1'), /api\.moonshot\.ai\/v1/);
    for (const local of ['http://localhost:8000/v1', 'http://127.0.0.1:9/v1']) {
      assert.doesNotMatch(at(local), /moonshot/);
      assert.match(at(local), /local server running/);
    }
    const gateway = at('https://llm-gateway.example.com/kimi/v1');
    assert.doesNotMatch(gateway, /api-sg|moonshot\.cn/);
    assert.match(gateway, /llm-gateway\.example\.com is reachable/);
  });

  it('fails fast with an actionable message on quota, daily limit, auth, content filter, context length and unknown model', () => {
    const cases: Array<[number, string, string, RegExp, KimiApiError['code']]> = [
      [429, 'exceeded_current_quota_error', 'You exceeded your current token quota', /Top up/, 'quota'],
      [403, 'exceeded_current_quota_error', 'Your account is not active', /balance|not active/, 'quota'],
      [429, 'rate_limit_reached_error', 'request reached TPD rate limit,current:1, limit:1', /daily token limit/, 'daily-limit'],
      [401, 'invalid_authentication_error', 'Invalid Authentication', /api\.moonshot\.cn/, 'auth'],
      [400, 'content_filter', 'The request was rejected because it was considered high risk', /content filter/, 'content-filter'],
      [400, 'invalid_request_error', 'Your request exceeded model token limit : 131072', /too long for kimi-k2\.5/, 'context-too-long'],
      [404, 'resource_not_found_error', 'Not found the model or Permission denied', /does not know the model "kimi-k2\.5"/, 'model-not-found'],
      [400, 'invalid_request_error', 'Invalid request: bad', /rejected the request/, 'rejected'],
    ];
    for (const [status, type, message, re, code] of cases) {
      const e = classify(status, type, message);
      assert.equal(e.retryable, false, `${status} ${type}`);
      assert.equal(e.status, status);
      assert.equal(e.code, code);
      // What the user reads: the message plus the way out chosen by the code.
      assert.match(userMessage(e), re);
      assert.match(failureMessage(e), re);
      assertNoFrontEndWords(e.message);
    }
    const auth = classify(401, 'invalid_authentication_error', 'Invalid Authentication');
    assert.match(userMessage(auth), /Run "Kimi Milvus: Set Kimi API Key"\.$/);
    assert.match(failureMessage(auth), /Set KIMI_API_KEY/);
  });

  it('maps cancellation to UserAbortError', () => {
    assert.ok(toKimiError(new APIUserAbortError(), ctx) instanceof UserAbortError);
  });

  it('backs off exponentially with jitter, capped, and waits what the server asked', () => {
    const opts = { ...DEFAULT_RETRY, baseDelayMs: 1000, maxDelayMs: 30_000 };
    assert.equal(retryDelay(1, opts, undefined, () => 0), 1000);
    assert.equal(retryDelay(3, opts, undefined, () => 0), 4000);
    assert.equal(retryDelay(3, opts, undefined, () => 0.999), Math.floor(4000 * 1.24975));
    assert.equal(retryDelay(10, opts, undefined, () => 0), 30_000);
    assert.equal(retryDelay(1, opts, 5000, () => 0), 5000);
    assert.equal(retryDelay(1, opts, 600_000, () => 0), 30_000);
  });
});
