import { strict as assert } from 'node:assert';
import { addToTotal, EMPTY_TOTAL, localDay, SpendLedger, type JsonDocument } from '../../../src/core/cost/spend';

function memoryDoc(initial?: unknown): JsonDocument & { data: unknown } {
  const doc = {
    data: initial,
    load: async () => doc.data,
    save: async (d: unknown) => {
      doc.data = JSON.parse(JSON.stringify(d));
    },
  };
  return doc;
}

const priced = (amount: number, currency: 'USD' | 'CNY' = 'USD') => ({ promptTokens: 100, cachedTokens: 40, completionTokens: 10, totalTokens: 110, cost: { amount, currency } });

describe('spend totals and the daily ledger', () => {
  it('keeps currencies apart and counts unpriced tokens on their own', () => {
    let t = addToTotal(EMPTY_TOTAL, priced(0.5));
    t = addToTotal(t, priced(2, 'CNY'));
    t = addToTotal(t, { promptTokens: 7, completionTokens: 3, totalTokens: 10 });
    assert.deepEqual(t, { promptTokens: 207, cachedTokens: 80, completionTokens: 23, answers: 3, costs: { USD: 0.5, CNY: 2 }, unpricedTokens: 10 });
  });

  it('adds to today, starts a new day at local midnight, survives a reload and drops days past a month', async () => {
    let now = new Date(2026, 11, 3, 23, 59);
    const doc = memoryDoc();
    const ledger = new SpendLedger(doc, () => now);
    await ledger.add(priced(0.25));
    assert.equal((await ledger.add(priced(0.5))).costs.USD, 0.75);
    now = new Date(2026, 11, 4, 0, 1);
    assert.equal((await ledger.today()).answers, 0);
    await ledger.add(priced(1));
    const reloaded = new SpendLedger(doc, () => now);
    assert.equal((await reloaded.today()).costs.USD, 1);
    now = new Date(2026, 11, 3, 12);
    assert.equal((await reloaded.today()).costs.USD, 0.75);
    for (let d = 5; d < 40; d++) {
      now = new Date(2026, 11, d, 12);
      await reloaded.add(priced(0.01));
    }
    const days = Object.keys((doc.data as { days: object }).days);
    assert.equal(days.length, 31);
    assert.ok(!days.includes(localDay(new Date(2026, 11, 3))));
  });

  it('ignores a damaged file instead of failing, and concurrent adds all count', async () => {
    const ledger = new SpendLedger(memoryDoc({ days: { '2026-12-03': { answers: 'many' }, nonsense: 1 } }), () => new Date(2026, 11, 3));
    assert.equal((await ledger.today()).answers, 0);
    await Promise.all([1, 2, 3, 4].map(() => ledger.add(priced(0.1))));
    assert.equal((await ledger.today()).answers, 4);
  });
});
