import type * as vscode from 'vscode';
import { answerTokensFor } from '../../core/kimi/models';
import { priceBookFor } from '../../core/kimi/pricing';
import type { Logger } from '../../core/logger';
import type { Money, MeterReading, SpendTotalView } from '../../shared/cost';
import type { Services } from '../services';
import { costSettings } from '../settings';
import type { ChatCosts } from './chatCosts';
import type { ContextMeterHost, MeasureQuery } from './contextMeterHost';

/** What the chat view needs for the meter, the totals and the budget. */
export interface ChatCostHooks {
  measure(query: MeasureQuery): Promise<MeterReading | undefined>;
  totals(): Promise<{ conversation: SpendTotalView; today: SpendTotalView; dailyLimit?: Money }>;
  /** Before a question is sent: false when the user chose not to pass the daily limit. */
  maySend(): Promise<boolean>;
  readonly onDidChange: vscode.Event<void>;
}

export function chatCostHooks(services: Services, costs: ChatCosts, meter: ContextMeterHost, log: Logger): ChatCostHooks {
  let warned = '';
  const book = async (): Promise<{ currency: string | undefined; model: string; prices: ReturnType<typeof priceBookFor> }> => {
    const kimi = (await services.config()).kimi;
    const problems = costSettings().priceProblems.join(' ');
    if (problems && problems !== warned) {
      // Said once per change, in the log the settings link to: a typo must not price answers wrongly in silence.
      log.warn(`kimiMilvus.pricing.models: ${problems}`);
    }
    warned = problems;
    const prices = priceBookFor(kimi);
    return { currency: prices.priceOf(kimi.model)?.currency ?? prices.currency, model: kimi.model, prices };
  };
  return {
    measure: (query) => meter.measure(query),
    async totals() {
      const { dailyBudget } = costSettings();
      const { currency } = await book();
      const totals = await costs.totals();
      return dailyBudget > 0 && currency ? { ...totals, dailyLimit: { amount: dailyBudget, currency } } : totals;
    },
    async maySend() {
      const { dailyBudget } = costSettings();
      if (dailyBudget <= 0) {
        return true;
      }
      const { model, prices } = await book();
      const tokens = meter.last?.tokens ?? 0;
      const price = prices.priceOf(model, tokens + answerTokensFor(model));
      return costs.confirmBudget(dailyBudget, price?.currency, price ? (tokens * price.input) / 1_000_000 : 0);
    },
    onDidChange: costs.onDidChange,
  };
}
