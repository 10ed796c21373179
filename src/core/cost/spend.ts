/**
 * Running totals of what answers cost: per conversation (in memory, from its answers) and per day
 * and workspace (kept on disk, for the daily summary and the budget). A total keeps every currency
 * apart and counts the tokens of unpriced answers separately, so it never understates the spend.
 */
import type { TokenUsage } from '../agent/events';
import type { Currency } from '../kimi/pricing';

export interface SpendTotal {
  readonly promptTokens: number;
  readonly cachedTokens: number;
  readonly completionTokens: number;
  readonly answers: number;
  /** Amount per currency, for the answers that had a price. */
  readonly costs: Readonly<Partial<Record<Currency, number>>>;
  /** Tokens of answers without a price. */
  readonly unpricedTokens: number;
}

export const EMPTY_TOTAL: SpendTotal = { promptTokens: 0, cachedTokens: 0, completionTokens: 0, answers: 0, costs: {}, unpricedTokens: 0 };

export function addToTotal(total: SpendTotal, usage: TokenUsage): SpendTotal {
  const costs: Partial<Record<Currency, number>> = { ...total.costs };
  if (usage.cost) {
    costs[usage.cost.currency] = (costs[usage.cost.currency] ?? 0) + usage.cost.amount;
  }
  return {
    promptTokens: total.promptTokens + usage.promptTokens,
    cachedTokens: total.cachedTokens + (usage.cachedTokens ?? 0),
    completionTokens: total.completionTokens + usage.completionTokens,
    answers: total.answers + 1,
    costs,
    unpricedTokens: total.unpricedTokens + (usage.cost ? 0 : usage.totalTokens),
  };
}

/** The local calendar day, YYYY-MM-DD: a budget is about the user's day, not UTC's. */
export function localDay(d: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Where a ledger is kept: one JSON document. */
export interface JsonDocument {
  load(): Promise<unknown>;
  save(data: unknown): Promise<void>;
}

/** Days kept on disk; older ones are dropped when a new day is written. */
const KEEP_DAYS = 31;

/** Spend per day for one workspace. */
export class SpendLedger {
  private days: Record<string, SpendTotal> | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly doc: JsonDocument,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Today's total so far. */
  async today(): Promise<SpendTotal> {
    const days = await this.load();
    return days[localDay(this.now())] ?? EMPTY_TOTAL;
  }

  /** Adds an answer's usage to today's total and saves it; returns the new total. */
  add(usage: TokenUsage): Promise<SpendTotal> {
    const work = this.queue.then(async () => {
      const days = await this.load();
      const day = localDay(this.now());
      const total = addToTotal(days[day] ?? EMPTY_TOTAL, usage);
      days[day] = total;
      for (const old of Object.keys(days).sort().slice(0, -KEEP_DAYS)) {
        delete days[old];
      }
      await this.doc.save({ version: 1, days });
      return total;
    });
    this.queue = work.catch(() => undefined);
    return work;
  }

  private async load(): Promise<Record<string, SpendTotal>> {
    if (!this.days) {
      this.days = parseDays(await this.doc.load().catch(() => undefined));
    }
    return this.days;
  }
}

function parseDays(v: unknown): Record<string, SpendTotal> {
  const days: Record<string, SpendTotal> = {};
  const raw = v !== null && typeof v === 'object' ? (v as { days?: unknown }).days : undefined;
  if (raw === null || typeof raw !== 'object') {
    return days;
  }
  for (const [day, t] of Object.entries(raw as Record<string, unknown>)) {
    if (/^\d{4}-\d{2}-\d{2}$/.test(day) && isTotal(t)) {
      days[day] = t;
    }
  }
  return days;
}

function isTotal(v: unknown): v is SpendTotal {
  if (v === null || typeof v !== 'object') {
    return false;
  }
  const t = v as Record<string, unknown>;
  const nums = ['promptTokens', 'cachedTokens', 'completionTokens', 'answers', 'unpricedTokens'].every((k) => typeof t[k] === 'number' && Number.isFinite(t[k]));
  const costs = t.costs !== null && typeof t.costs === 'object' && Object.entries(t.costs).every(([c, n]) => (c === 'USD' || c === 'CNY') && typeof n === 'number' && Number.isFinite(n));
  return nums && costs;
}
