import { strict as assert } from 'node:assert';
import { StoreError } from '../../src/core/errors';
import { MAX_BATCH_BYTES, MAX_BATCH_ROWS, batches, validateRow } from '../../src/core/store/batches';
import { KeyedQueue } from '../../src/core/keyedQueue';
import type { ChunkRow } from '../../src/core/store/types';

function row(i: number, textBytes = 10, vector?: number[]): ChunkRow {
  return {
    id: i.toString(16).padStart(8, '0'),
    path: `f${i}.ts`,
    startLine: 1,
    endLine: 2,
    chunkIndex: 0,
    totalChunks: 1,
    language: 'ts',
    fileHash: 'h',
    text: 'x'.repeat(textBytes),
    ...(vector ? { vector } : {}),
  };
}

describe('upsert batches', () => {
  it('caps rows per batch and keeps every row exactly once', () => {
    const rows = Array.from({ length: 2500 }, (_, i) => row(i));
    const out = [...batches(rows)];
    assert.deepEqual(out.map((b) => b.length), [MAX_BATCH_ROWS, MAX_BATCH_ROWS, 500]);
    assert.deepEqual(out.flat().map((r) => r.id), rows.map((r) => r.id));
  });

  it('caps bytes per batch (768-dim vectors with 60 KB texts)', () => {
    const vector = new Array<number>(768).fill(0.1);
    const rows = Array.from({ length: 400 }, (_, i) => row(i, 60_000, vector));
    const out = [...batches(rows)];
    assert.ok(out.length > 1);
    for (const b of out) {
      const bytes = b.reduce((n, r) => n + r.text.length + 768 * 4, 0);
      assert.ok(bytes <= MAX_BATCH_BYTES, `${bytes} bytes`);
    }
    assert.equal(out.flat().length, 400);
  });

  it('refuses rows that do not fit the collection', () => {
    const spec = { model: 'm', dimensions: 4 };
    assert.doesNotThrow(() => validateRow(row(1, 10, [1, 2, 3, 4]), spec, 'c'));
    assert.throws(() => validateRow(row(1, 10, [1, 2, 3]), spec, 'c'), (e: unknown) => e instanceof StoreError && e.code === 'schema-mismatch');
    // A row without its vector yet is fine (progressive hybrid: the background fill adds it later).
    assert.doesNotThrow(() => validateRow(row(1), spec, 'c'));
    assert.throws(() => validateRow(row(1, 70_000), null, 'c'), /at most 65535/);
    assert.throws(() => validateRow({ ...row(1), id: '' }, null, 'c'), StoreError);
  });
});

describe('per-collection write queue', () => {
  it('runs tasks of one key one at a time, in order, and survives failures', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    let running = 0;
    const task = (label: string, fail = false) => async () => {
      running++;
      assert.equal(running, 1, 'overlap');
      log.push(`start ${label}`);
      await new Promise((r) => setTimeout(r, 10));
      log.push(`end ${label}`);
      running--;
      if (fail) {
        throw new Error(label);
      }
      return label;
    };
    const results = await Promise.allSettled([queue.run('c', task('a')), queue.run('c', task('b', true)), queue.run('c', task('c'))]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });
});
