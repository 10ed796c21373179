import { strict as assert } from 'node:assert';
import { EmbeddingMeter, type EmbeddingProgress } from '../../../src/core/indexing/embeddingProgress';

describe('EmbeddingMeter (the embedding phase progress)', () => {
  it('counts chunks embedded / total, tokens/s and time left from the requests, and each retry', () => {
    let now = 1_000_000;
    const seen: EmbeddingProgress[] = [];
    const meter = new EmbeddingMeter({ withVector: 100, total: 500 }, (p) => seen.push(p), () => now);
    assert.equal(seen.length, 0);
    assert.deepEqual(meter.snapshot(), { chunksDone: 100, chunksTotal: 500, retries: 0 }, 'no rate before a request has finished');

    now += 4000;
    meter.onEmbedded(64, 12_000);
    assert.deepEqual(seen.at(-1), { chunksDone: 164, chunksTotal: 500, tokensPerSecond: 3000, etaSeconds: 21, retries: 0 });

    meter.onRetry({ reason: 'The embedding endpoint x sent no response within 120 s.', action: 'split', inputs: 64, attempt: 1, maxRetries: 6 });
    assert.equal(seen.at(-1)?.retries, 1);
    assert.equal(seen.at(-1)?.lastRetry?.action, 'split');

    // Milvus says more rows arrived meanwhile (a live-sync write): the total grows, done never shrinks.
    meter.update({ withVector: 150, total: 600 });
    assert.deepEqual([seen.at(-1)?.chunksDone, seen.at(-1)?.chunksTotal], [164, 600]);
    meter.update({ withVector: 200, total: 600 });
    assert.equal(seen.at(-1)?.chunksDone, 200);

    // Rows deleted by an index run: done is capped at the total.
    meter.update({ withVector: 40, total: 50 });
    assert.deepEqual([seen.at(-1)?.chunksDone, seen.at(-1)?.chunksTotal, seen.at(-1)?.etaSeconds], [50, 50, 0]);
  });
});
