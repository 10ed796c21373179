import { strict as assert } from 'node:assert';
import { addUsage, ZERO_USAGE } from '../../../src/core/agent/usage';
import { parseUsage } from '../../../src/core/kimi/streamAssembler';
import { costAt, parsePriceOverrides, PriceBook, regionOf } from '../../../src/core/kimi/pricing';

const GLOBAL = new PriceBook({ region: 'global' });
/** prompt 1,000,000 of which 400,000 cached, 100,000 completion: easy to check by hand. */
const USAGE = { promptTokens: 1_000_000, cachedTokens: 400_000, completionTokens: 100_000 };

function near(actual: number | undefined, expected: number): void {
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-9, `${actual} ≠ ${expected}`);
}

describe('pricing: the one price table', () => {
  it('knows the region of Moonshot\'s endpoints and nothing else', () => {
    assert.equal(regionOf('https://api.moonshot.ai/v1'), 'global');
    assert.equal(regionOf('https://api-sg.moonshot.ai/v1'), 'global');
    assert.equal(regionOf('https://api.kimi.ai/v1'), 'global');
    assert.equal(regionOf('https://api.moonshot.cn/v1'), 'china');
    assert.equal(regionOf('http://127.0.0.1:8000/v1'), undefined);
    assert.equal(regionOf('https://notmoonshot.ai/v1'), undefined);
    assert.equal(regionOf('not a url'), undefined);
  });

  it('kimi-k2-0711-preview: $0.60 per 1M on a cache miss, $0.15 on a hit, $2.50 output', () => {
    const cost = GLOBAL.cost('kimi-k2-0711-preview', USAGE);
    assert.equal(cost?.currency, 'USD');
    near(cost?.amount, 0.6 * 0.6 + 0.4 * 0.15 + 0.1 * 2.5);
    // No cache hit: every prompt token at the miss price.
    near(GLOBAL.cost('kimi-k2-0711-preview', { promptTokens: 1_000_000, completionTokens: 0 })?.amount, 0.6);
  });

  it('moonshot-v1 models: one input price (no cache-hit price), by window size; vision previews the same', () => {
    for (const [model, input, output] of [
      ['moonshot-v1-8k', 0.2, 2],
      ['moonshot-v1-32k', 1, 3],
      ['moonshot-v1-128k', 2, 5],
      ['moonshot-v1-32k-vision-preview', 1, 3],
    ] as const) {
      near(GLOBAL.cost(model, USAGE)?.amount, 1 * input + 0.1 * output);
    }
  });

  it('kimi-latest and moonshot-v1-auto are billed at the tier of the request size (prompt + max_tokens)', () => {
    const small = { promptTokens: 3_000, cachedTokens: 1_000, completionTokens: 500 };
    near(GLOBAL.cost('kimi-latest', small, 3_000 + 4_096)?.amount, (2_000 * 0.2 + 1_000 * 0.15 + 500 * 2) / 1e6);
    near(GLOBAL.cost('kimi-latest', small, 3_000 + 8_192)?.amount, (2_000 * 1 + 1_000 * 0.15 + 500 * 3) / 1e6);
    near(GLOBAL.cost('kimi-latest', small, 40_000)?.amount, (2_000 * 2 + 1_000 * 0.15 + 500 * 5) / 1e6);
    near(GLOBAL.cost('moonshot-v1-auto', small, 20_000)?.amount, (3_000 * 1 + 500 * 3) / 1e6);
  });

  it('kimi-thinking-preview: $30 in and out', () => {
    near(GLOBAL.cost('kimi-thinking-preview', USAGE)?.amount, 30 + 0.1 * 30);
  });

  it('a model the table does not know, the China endpoint (no CNY prices published) and an unknown host have no price', () => {
    assert.equal(GLOBAL.cost('kimi-k2.5', USAGE), undefined);
    assert.equal(GLOBAL.cost('kimi-k2-turbo-preview', USAGE), undefined);
    assert.equal(new PriceBook({ region: 'china' }).cost('kimi-k2-0711-preview', USAGE), undefined);
    assert.equal(new PriceBook({ region: undefined }).cost('moonshot-v1-8k', USAGE), undefined);
  });

  it('a price the user set wins, in the region\'s currency unless it names one', () => {
    const book = new PriceBook({ region: 'china', overrides: { 'kimi-k2.5': { input: 4, cachedInput: 1, output: 16 } } });
    const cost = book.cost('kimi-k2.5', USAGE);
    assert.equal(cost?.currency, 'CNY');
    near(cost?.amount, 0.6 * 4 + 0.4 * 1 + 0.1 * 16);
    const usd = new PriceBook({ region: undefined, overrides: { local: { input: 1, output: 1 } } }).cost('local', USAGE);
    assert.equal(usd?.currency, 'USD');
    near(usd?.amount, 1.1);
  });

  it('parses user prices, reporting each bad entry and keeping the good ones', () => {
    const { overrides, problems } = parsePriceOverrides({
      good: { input: 1, output: 2, cachedInput: 0.5, currency: 'CNY' },
      negative: { input: -1, output: 2 },
      noOutput: { input: 1 },
      badCurrency: { input: 1, output: 2, currency: 'EUR' },
    });
    assert.deepEqual(overrides, { good: { input: 1, output: 2, cachedInput: 0.5, currency: 'CNY' } });
    assert.equal(problems.length, 3);
    assert.match(problems[0] ?? '', /"negative"/);
    assert.deepEqual(parsePriceOverrides(['x']).overrides, {});
    assert.equal(parsePriceOverrides(undefined).problems.length, 0);
  });

  it('cached tokens never exceed the prompt', () => {
    near(costAt({ input: 1, cachedInput: 0, output: 0, currency: 'USD' }, { promptTokens: 10, cachedTokens: 50, completionTokens: 0 }).amount, 0);
  });
});

describe('usage: reading and adding up', () => {
  it('reads Kimi\'s cached_tokens and the OpenAI-style nested form', () => {
    assert.equal(parseUsage({ prompt_tokens: 10, completion_tokens: 2, total_tokens: 12, cached_tokens: 8 })?.cachedTokens, 8);
    assert.equal(parseUsage({ prompt_tokens: 10, completion_tokens: 2, prompt_tokens_details: { cached_tokens: 3 } })?.cachedTokens, 3);
    assert.equal(parseUsage({ prompt_tokens: 10, completion_tokens: 2 })?.cachedTokens, undefined);
  });

  it('a sum has a cost only when every part that used tokens was priced, in one currency', () => {
    const a = { promptTokens: 10, completionTokens: 1, totalTokens: 11, cost: { amount: 0.5, currency: 'USD' as const } };
    const b = { promptTokens: 20, completionTokens: 2, totalTokens: 22, cachedTokens: 5, cost: { amount: 0.25, currency: 'USD' as const } };
    const sum = addUsage(addUsage(ZERO_USAGE, a), b);
    assert.deepEqual(sum, { promptTokens: 30, completionTokens: 3, totalTokens: 33, cachedTokens: 5, cost: { amount: 0.75, currency: 'USD' } });
    assert.equal(addUsage(sum, { promptTokens: 1, completionTokens: 1, totalTokens: 2 }).cost, undefined, 'an unpriced part');
    assert.equal(addUsage(sum, { ...b, cost: { amount: 1, currency: 'CNY' } }).cost, undefined, 'two currencies');
    assert.deepEqual(addUsage(sum, ZERO_USAGE), sum, 'nothing used adds nothing');
  });
});
