import { strict as assert } from 'node:assert';
import { UserAbortError } from '../../src/core/errors';
import { createStreamLogger, formatLogLine, logRejection, redact } from '../../src/core/logger';

describe('logger', () => {
  it('redacts key-shaped strings, bearer tokens and key/value credentials', () => {
    const key = 'sk-' + 'A1b2C3d4E5f6G7h8I9j0';
    const out = redact(`key ${key} Authorization: Bearer abcdefghijklmnop {"api_key":"s3cr3tvalue"} token=zzzzzzzz`);
    assert.ok(!out.includes(key), out);
    assert.ok(!out.includes('abcdefghijklmnop'), out);
    assert.ok(!out.includes('s3cr3tvalue'), out);
    assert.ok(!out.includes('zzzzzzzz'), out);
    assert.match(out, /^key \*\*\* /);
  });

  it('formats errors and structured arguments, redacted', () => {
    const line = formatLogLine(new Error('boom'), [{ apiKey: 'sk-' + 'x'.repeat(24) }, 'tail']);
    assert.match(line, /^Error: boom/);
    assert.match(line, /tail$/);
    assert.ok(!line.includes('x'.repeat(24)), line);
  });

  it('the stream logger honours its level and prefixes lines', () => {
    const lines: string[] = [];
    const log = createStreamLogger((l) => lines.push(l), 'warn');
    log.info('hidden');
    log.warn('shown', 42);
    log.error(new Error('bad'));
    assert.equal(lines.length, 2);
    assert.equal(lines[0], '[warn] shown 42');
    assert.match(lines[1], /^\[error\] Error: bad/);
  });

  it('logRejection logs a fire-and-forget failure instead of leaving it unhandled; a cancellation is not an error', async () => {
    const lines: string[] = [];
    const log = createStreamLogger((l) => lines.push(l), 'debug');
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on('unhandledRejection', onUnhandled);
    try {
      logRejection(Promise.reject(new Error('disk full')), log, 'Saving the chat');
      logRejection(Promise.reject(new UserAbortError()), log, 'Measuring the draft');
      logRejection(Promise.resolve(42), log, 'Nothing');
      // Node reports an unhandled rejection after the microtask queue drains: give it a macrotask.
      await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    assert.deepEqual(unhandled, []);
    assert.deepEqual(lines, ['[error] Saving the chat failed: disk full', '[debug] Measuring the draft: cancelled.']);
  });
});
