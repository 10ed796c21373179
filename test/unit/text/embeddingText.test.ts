import { strict as assert } from 'node:assert';
import { embeddingLine, embeddingMessage, embeddingTooltip, retryAction } from '../../../src/text/embeddingText';

describe('embedding phase text (CLI, notification and status bar)', () => {
  it('says chunks embedded / total, tokens/s, time left and requests sent again', () => {
    assert.equal(embeddingMessage({ chunksDone: 0, chunksTotal: 4845, retries: 0 }), '0/4,845 chunks');
    assert.equal(
      embeddingMessage({ chunksDone: 1234, chunksTotal: 4845, tokensPerSecond: 5210.4, etaSeconds: 190, retries: 1 }),
      '1,234/4,845 chunks · 5,210 tokens/s · about 3 min 10 s left · 1 request sent again',
    );
    assert.equal(embeddingMessage({ chunksDone: 4845, chunksTotal: 4845, tokensPerSecond: 5000, etaSeconds: 0, retries: 2 }), '4,845/4,845 chunks · 5,000 tokens/s · 2 requests sent again');
  });

  it('the tooltip names the last retry and its reason', () => {
    const tip = embeddingTooltip(209, {
      chunksDone: 64,
      chunksTotal: 200,
      tokensPerSecond: 900,
      etaSeconds: 40,
      retries: 1,
      lastRetry: { reason: 'The embedding endpoint 127.0.0.1:8080 sent no response within 120 s.', action: 'split', inputs: 64, attempt: 1, maxRetries: 6 },
    });
    assert.match(tip, /^Indexed 209 files; keyword search covers all of them\.\nEmbedding for semantic search: 64\/200 chunks · 900 tokens\/s · about 40 s left · 1 request sent again\./);
    assert.match(tip, /Last retry: The embedding endpoint 127\.0\.0\.1:8080 sent no response within 120 s\. \(its 64 chunks were sent again as two smaller requests\)$/);
  });

  it('the CLI line says the same, comma-separated, and a retry says what was done', () => {
    assert.equal(
      embeddingLine({ chunksDone: 1234, chunksTotal: 4845, tokensPerSecond: 5210.4, etaSeconds: 190, retries: 1 }),
      'embedding: 1,234/4,845 chunks, 5,210 tokens/s, about 3 min 10 s left, 1 request sent again',
    );
    assert.equal(embeddingLine({ chunksDone: 0, chunksTotal: 12, retries: 0 }), 'embedding: 0/12 chunks');
    assert.equal(retryAction({ reason: 'x', action: 'retry', inputs: 8, attempt: 2, maxRetries: 6 }), 'retry 2 of 6');
  });
});
