import { strict as assert } from 'node:assert';
import { MAX_RETRY_AFTER_MS, backoffMs, retryAfterMs } from '../../../src/core/embedding/backoff';
import { sleep } from '../../../src/core/sleep';
import { UserAbortError } from '../../../src/core/errors';

describe('retry policy', () => {
  it('reads retry-after-ms, Retry-After seconds and HTTP dates', () => {
    assert.equal(retryAfterMs(new Headers({ 'retry-after-ms': '250' })), 250);
    assert.equal(retryAfterMs(new Headers({ 'retry-after': '2' })), 2000);
    assert.equal(retryAfterMs(new Headers({ 'retry-after': '0.5' })), 500);
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }), now), 3000);
    assert.equal(retryAfterMs(new Headers({ 'retry-after': 'soon' })), undefined);
    assert.equal(retryAfterMs(new Headers()), undefined);
  });

  it('backs off exponentially with jitter, capped, and obeys the server up to a limit', () => {
    assert.equal(backoffMs(0, 500, 8000, undefined, () => 0), 500);
    assert.equal(backoffMs(3, 500, 8000, undefined, () => 0), 4000);
    assert.equal(backoffMs(10, 500, 8000, undefined, () => 0), 8000);
    assert.equal(backoffMs(1, 500, 8000, undefined, () => 1), 750);
    assert.equal(backoffMs(0, 500, 8000, 1234), 1234);
    assert.equal(backoffMs(0, 500, 8000, 10 * 60_000), MAX_RETRY_AFTER_MS);
  });

  it('sleep is cancellable', async () => {
    const c = new AbortController();
    setTimeout(() => c.abort(), 10);
    await assert.rejects(sleep(10_000, c.signal), UserAbortError);
  });
});
