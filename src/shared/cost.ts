/**
 * Cost, totals and the context meter as the chat view shows them, and how they are written.
 * Browser-safe: no node, no vscode, no core imports (the core types match these structurally).
 */

export interface Money {
  readonly amount: number;
  /** "USD" or "CNY". */
  readonly currency: string;
}

/** A running total: one amount per currency, and the tokens of answers that had no price. */
export interface SpendTotalView {
  readonly promptTokens: number;
  readonly cachedTokens: number;
  readonly completionTokens: number;
  readonly answers: number;
  readonly costs: Readonly<Record<string, number>>;
  readonly unpricedTokens: number;
}

/** What the context meter shows: how much of the window the next request will use. */
export interface MeterReading {
  readonly tokens: number;
  readonly window: number;
  /** The request size at which the conversation is compacted. */
  readonly compactAt: number;
  /** Kimi's tokenizer counted it, or the local estimate did. */
  readonly source: 'kimi' | 'local';
  readonly parts: { readonly system: number; readonly tools: number; readonly history: number; readonly draft: number };
}

const SYMBOL: Readonly<Record<string, string>> = { USD: '$', CNY: '¥' };

/**
 * An amount with enough digits to be non-zero and meaningful: answers often cost a fraction of a
 * cent, so small amounts keep three significant digits ($0.000412), larger ones two decimals.
 */
export function formatMoney(m: Money): string {
  const symbol = SYMBOL[m.currency] ?? `${m.currency} `;
  const a = m.amount;
  if (a === 0) {
    return `${symbol}0`;
  }
  const digits = a >= 0.1 ? 2 : Math.min(8, 2 - Math.floor(Math.log10(a)));
  return `${symbol}${a.toFixed(digits)}`;
}

export function formatTokens(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** "$0.0123", "$0.01 + ¥0.20", and "+ 1,200 tokens unpriced" when some answers had no price. */
export function formatTotal(t: SpendTotalView): string {
  const money = Object.entries(t.costs)
    .filter(([, amount]) => amount > 0 || t.unpricedTokens === 0)
    .map(([currency, amount]) => formatMoney({ amount, currency }));
  const tokens = t.promptTokens + t.completionTokens;
  if (money.length === 0) {
    return `${formatTokens(tokens)} tokens`;
  }
  return t.unpricedTokens > 0 ? `${money.join(' + ')} + ${formatTokens(t.unpricedTokens)} tokens unpriced` : money.join(' + ');
}

export function sumTotals(a: SpendTotalView, b: SpendTotalView): SpendTotalView {
  const costs: Record<string, number> = { ...a.costs };
  for (const [c, n] of Object.entries(b.costs)) {
    costs[c] = (costs[c] ?? 0) + n;
  }
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    cachedTokens: a.cachedTokens + b.cachedTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    answers: a.answers + b.answers,
    costs,
    unpricedTokens: a.unpricedTokens + b.unpricedTokens,
  };
}

export const NO_SPEND: SpendTotalView = { promptTokens: 0, cachedTokens: 0, completionTokens: 0, answers: 0, costs: {}, unpricedTokens: 0 };

/** The total of one answer's usage (for summing a conversation's answers). */
export function totalOf(u: { promptTokens: number; completionTokens: number; totalTokens: number; cachedTokens?: number; cost?: Money }): SpendTotalView {
  return {
    promptTokens: u.promptTokens,
    cachedTokens: u.cachedTokens ?? 0,
    completionTokens: u.completionTokens,
    answers: 1,
    costs: u.cost ? { [u.cost.currency]: u.cost.amount } : {},
    unpricedTokens: u.cost ? 0 : u.totalTokens,
  };
}
