/**
 * Adding up token usage and its cost over the requests of an answer, a conversation or a day.
 * A sum has a cost only when every part that used tokens had one, in one currency: a total that
 * silently left out an unpriced request would understate what was spent.
 */
import type { TokenUsage } from './events';

export const ZERO_USAGE: TokenUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };

function used(u: TokenUsage): boolean {
  return u.totalTokens > 0 || u.promptTokens > 0 || u.completionTokens > 0;
}

export function addUsage(a: TokenUsage, b: TokenUsage | undefined): TokenUsage {
  if (!b) {
    return a;
  }
  const cached = (a.cachedTokens ?? 0) + (b.cachedTokens ?? 0);
  const cost = !used(a) ? b.cost : !used(b) ? a.cost : a.cost && b.cost && a.cost.currency === b.cost.currency ? { amount: a.cost.amount + b.cost.amount, currency: a.cost.currency } : undefined;
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    totalTokens: a.totalTokens + b.totalTokens,
    ...(a.cachedTokens !== undefined || b.cachedTokens !== undefined ? { cachedTokens: cached } : {}),
    ...(cost ? { cost } : {}),
  };
}
