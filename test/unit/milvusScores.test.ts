import { strict as assert } from 'node:assert';
import { normalizeBm25, normalizeCosine, normalizeRrf } from '../../src/core/store/scores';

describe('search score normalization', () => {
  it('maps BM25 of either sign into [0, 1), larger magnitude higher', () => {
    // Milvus returns +bm25, Milvus Lite -bm25; both mean the same relevance.
    assert.equal(normalizeBm25(7.5), normalizeBm25(-7.5));
    assert.ok(normalizeBm25(12) > normalizeBm25(3));
    assert.equal(normalizeBm25(0), 0);
    assert.ok(normalizeBm25(1e9) < 1 && normalizeBm25(1e9) > 0.99);
    assert.equal(normalizeBm25(Number.NaN), 0);
  });

  it('maps RRF so that first in every route is 1', () => {
    assert.equal(normalizeRrf(2 / 61), 1);
    assert.ok(Math.abs(normalizeRrf(1 / 61) - 0.5) < 1e-9);
    assert.ok(normalizeRrf(1 / 61 + 1 / 62) > normalizeRrf(1 / 61 + 1 / 70));
    assert.equal(normalizeRrf(1), 1);
    assert.equal(normalizeRrf(-1), 0);
  });

  it('maps cosine similarity to [0, 1]', () => {
    assert.equal(normalizeCosine(1), 1);
    assert.equal(normalizeCosine(-1), 0);
    assert.equal(normalizeCosine(0), 0.5);
  });
});
