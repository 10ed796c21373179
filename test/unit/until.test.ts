import { strict as assert } from 'node:assert';
import { until } from '../support/until';

describe('until (the tests’ polling helper)', () => {
  it('resolves with the first value the probe returns', async () => {
    let calls = 0;
    const value = await until('the third call', async () => (++calls === 3 ? 'ready' : undefined), 1_000, 1);
    assert.equal(value, 'ready');
    assert.equal(calls, 3);
  });

  it('names what it waited for on timeout', async () => {
    await assert.rejects(until('the lamp', async () => undefined, 20, 5), /^Error: timed out after 20 ms waiting for the lamp$/);
  });

  it('builds a described wait only on timeout, from what the probe saw last', async () => {
    let seen = 0;
    let described = 0;
    const what = (): string => {
      described++;
      return `the count to reach 100 (it was ${seen})`;
    };
    await assert.rejects(until(what, async () => (++seen >= 100 ? true : undefined), 20, 5), (err: Error) => {
      assert.match(err.message, /^timed out after 20 ms waiting for the count to reach 100 \(it was (\d+)\)$/);
      assert.equal(err.message.match(/it was (\d+)/)?.[1], String(seen));
      return true;
    });
    assert.equal(described, 1);
    assert.equal(await until(what, async () => true, 20, 5), true);
    assert.equal(described, 1, 'a wait that succeeds never builds its description');
  });
});
