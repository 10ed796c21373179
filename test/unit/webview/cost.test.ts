import { strict as assert } from 'node:assert';
import { applyChatEvent, newTurn } from '../../../src/shared/chatModel';
import { formatMoney, formatTotal, NO_SPEND, sumTotals, totalOf } from '../../../src/shared/cost';

describe('cost as the chat writes it', () => {
  it('keeps small amounts meaningful and large ones short', () => {
    assert.equal(formatMoney({ amount: 0.000412, currency: 'USD' }), '$0.000412');
    assert.equal(formatMoney({ amount: 0.0123, currency: 'USD' }), '$0.0123');
    assert.equal(formatMoney({ amount: 0.5, currency: 'USD' }), '$0.50');
    assert.equal(formatMoney({ amount: 12.345, currency: 'CNY' }), '¥12.35');
    assert.equal(formatMoney({ amount: 0, currency: 'USD' }), '$0');
  });

  it('a total names its currencies and the tokens no price covers', () => {
    const priced = totalOf({ promptTokens: 1000, completionTokens: 100, totalTokens: 1100, cost: { amount: 0.0008, currency: 'USD' } });
    const unpriced = totalOf({ promptTokens: 500, completionTokens: 50, totalTokens: 550 });
    assert.equal(formatTotal(priced), '$0.000800');
    assert.equal(formatTotal(unpriced), '550 tokens');
    assert.equal(formatTotal(sumTotals(priced, unpriced)), '$0.000800 + 550 tokens unpriced');
    assert.equal(formatTotal(sumTotals(priced, totalOf({ promptTokens: 1, completionTokens: 1, totalTokens: 2, cost: { amount: 1, currency: 'CNY' } }))), '$0.000800 + ¥1.00');
    assert.equal(sumTotals(NO_SPEND, priced).answers, 1);
  });

  it('context notes of several steps add up on the turn; a summary marker is kept with it', () => {
    let turn = applyChatEvent(newTurn('t', 'q'), { type: 'contextNote', note: { shortenedResults: 2 } });
    turn = applyChatEvent(turn, { type: 'contextNote', note: { shortenedResults: 1, leftOutMessages: 4, leftOutTurns: 2, failure: 'offline' } });
    assert.deepEqual(turn.contextNote, { shortenedResults: 3, leftOutMessages: 4, leftOutTurns: 2, failure: 'offline' });
    turn = applyChatEvent(turn, { type: 'summarised', summary: { id: 's', text: 'sum', turns: 3, manual: false } });
    assert.equal(turn.summary?.turns, 3);
  });
});
