import * as vscode from 'vscode';
import type { TokenUsage } from '../../core/agent/events';
import { SpendLedger } from '../../core/cost/spend';
import { logRejection, type Logger } from '../../core/logger';
import type { Usage } from '../../shared/chatModel';
import { formatMoney, NO_SPEND, sumTotals, totalOf, type SpendTotalView } from '../../shared/cost';
import type { HostToWebview } from '../../shared/protocol';
import type { ChatSession } from './chatSession';
import type { ChatStore } from './chatStore';

export interface ChatTotals {
  readonly conversation: SpendTotalView;
  readonly today: SpendTotalView;
}

/**
 * What the chat has cost: the open conversation's total (from its answers and summaries) and this
 * workspace's total for today, kept in the workspace's chat storage (`spend.json`). Every answer
 * counts once when it ends, done or failed, and so does each Compact Conversation.
 */
export class ChatCosts implements vscode.Disposable {
  private readonly ledger: SpendLedger;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly usageOf = new Map<string, Usage>();
  private readonly listener: { dispose(): void };

  constructor(
    store: ChatStore,
    private readonly session: ChatSession,
    private readonly log: Logger,
    now?: () => Date,
  ) {
    this.ledger = new SpendLedger({ load: () => store.load('spend'), save: (data) => store.save('spend', data) }, now);
    this.listener = session.onDidPost((m) => this.observe(m));
  }

  private observe(m: HostToWebview): void {
    if (m.type !== 'event') {
      return;
    }
    const e = m.event;
    if (e.type === 'usage') {
      this.usageOf.set(m.turnId, e.usage);
    } else if (e.type === 'done' || e.type === 'error') {
      const usage = e.type === 'done' ? e.usage : this.usageOf.get(m.turnId);
      this.usageOf.delete(m.turnId);
      if (usage && usage.totalTokens > 0) {
        this.record(usage);
      }
    } else if (e.type === 'summarised' && e.summary.usage) {
      this.record(e.summary.usage);
    }
  }

  private record(usage: Usage): void {
    const { cost, ...tokens } = usage;
    // Only the currencies prices are given in; anything else would be a malformed event.
    const currency = cost?.currency === 'USD' || cost?.currency === 'CNY' ? cost.currency : undefined;
    const priced: TokenUsage = cost && currency ? { ...tokens, cost: { amount: cost.amount, currency } } : tokens;
    // A failed save is logged; today's total in memory counts the answer all the same.
    logRejection(this.ledger.add(priced).then(() => this.changed.fire()), this.log, "Recording the answer's cost");
  }

  async totals(): Promise<ChatTotals> {
    let conversation = NO_SPEND;
    for (const t of this.session.allTurns) {
      conversation = t.usage && t.status !== 'streaming' ? sumTotals(conversation, totalOf(t.usage)) : conversation;
      conversation = t.summary?.usage ? sumTotals(conversation, totalOf(t.summary.usage)) : conversation;
    }
    return { conversation, today: await this.ledger.today() };
  }

  /**
   * Before a question: true to send. Past the daily limit (or when this request's prompt alone would
   * pass it) the user is asked; answers without a price cannot be counted and never block.
   */
  async confirmBudget(limit: number, currency: string | undefined, nextPromptCost: number): Promise<boolean> {
    if (limit <= 0 || currency === undefined) {
      return true;
    }
    const spent = (await this.ledger.today()).costs[currency as 'USD' | 'CNY'] ?? 0;
    if (spent + nextPromptCost < limit) {
      return true;
    }
    const money = (amount: number): string => formatMoney({ amount, currency });
    const message =
      spent >= limit
        ? `Kimi Milvus: today's spend in this workspace is ${money(spent)}, past your daily limit of ${money(limit)} (kimiMilvus.budget.dailyLimit). Send anyway?`
        : `Kimi Milvus: this question (about ${money(nextPromptCost)} for its prompt) would take today's spend in this workspace past your daily limit of ${money(limit)}; ${money(spent)} spent so far. Send anyway?`;
    const send = 'Send Anyway';
    return (await vscode.window.showWarningMessage(message, { modal: true }, send)) === send;
  }

  dispose(): void {
    this.listener.dispose();
    this.changed.dispose();
  }
}
