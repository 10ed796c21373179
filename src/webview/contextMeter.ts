/**
 * Under the input: how much of the model's window the next request will use (a bar with the
 * compaction threshold marked, and the count, saying whether Kimi counted it or it is a local
 * estimate), what the conversation and today cost, and a Compact button. The draft is measured
 * by the host once typing pauses.
 */
import { formatMoney, formatTokens, formatTotal, type Money, type MeterReading, type SpendTotalView } from '../shared/cost';
import { button, el } from './dom';

/** Typing pauses this long before the draft is measured (each measurement may be a request to Kimi). */
export const MEASURE_DELAY_MS = 400;

export class ContextMeterView {
  readonly element: HTMLElement;
  private readonly fill = el('div', { class: 'meter-fill' });
  private readonly mark = el('div', { class: 'meter-mark', 'aria-hidden': 'true' });
  private readonly bar: HTMLElement;
  private readonly label = el('span', { class: 'meter-label' }, 'Context: measuring…');
  private readonly totals = el('span', { class: 'meter-totals' });
  readonly compact = button('Compact Conversation', { class: 'meter-compact' }, 'Compact');
  private seq = 0;
  private timer: number | undefined;

  constructor(
    private readonly request: (seq: number) => void,
    onCompact: () => void,
  ) {
    this.bar = el('div', { class: 'meter-bar', role: 'meter', 'aria-label': 'Context window', 'aria-valuemin': '0' }, this.fill, this.mark);
    this.compact.addEventListener('click', onCompact);
    this.compact.hidden = true;
    this.element = el('div', { class: 'context-meter' }, this.bar, el('div', { class: 'meter-row' }, this.label, this.totals, this.compact));
  }

  /** Measures again once the draft stops changing. */
  schedule(): void {
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.request(++this.seq), MEASURE_DELAY_MS);
  }

  /** A reading for query `seq`; readings of older drafts are ignored. */
  reading(seq: number, r: MeterReading): void {
    if (seq !== this.seq) {
      return;
    }
    const share = r.window > 0 ? r.tokens / r.window : 0;
    const percent = Math.round(share * 100);
    const how = r.source === 'kimi' ? 'counted by Kimi' : 'local estimate';
    this.fill.style.width = `${Math.min(100, share * 100)}%`;
    this.mark.style.left = `${Math.min(100, (r.compactAt / Math.max(1, r.window)) * 100)}%`;
    this.element.dataset.level = r.tokens > r.compactAt ? 'over' : share > 0.6 ? 'high' : 'ok';
    this.element.dataset.source = r.source;
    this.bar.setAttribute('aria-valuemax', String(r.window));
    this.bar.setAttribute('aria-valuenow', String(r.tokens));
    this.bar.setAttribute('aria-valuetext', `${formatTokens(r.tokens)} of ${formatTokens(r.window)} tokens (${percent} %), ${how}`);
    const prefix = r.source === 'kimi' ? '' : '≈ ';
    this.label.textContent = `${prefix}${formatTokens(r.tokens)} / ${formatTokens(r.window)} tokens (${percent} %) · ${r.source === 'kimi' ? 'Kimi count' : 'estimate'}`;
    const over = r.tokens > r.compactAt ? '\nPast the compaction threshold: earlier turns will be summarised before the next request.' : '';
    this.element.title =
      `The next request: ${formatTokens(r.tokens)} of the model's ${formatTokens(r.window)}-token window, ${how}.\n` +
      `System prompt ${formatTokens(r.parts.system)}, tools ${formatTokens(r.parts.tools)}, conversation ${formatTokens(r.parts.history)}, your message and attachments ${formatTokens(r.parts.draft)}.\n` +
      `Compaction at ${formatTokens(r.compactAt)} tokens (the marker).${over}`;
  }

  /** The conversation's and today's cost; the Compact button shows once there is something to compact. */
  showTotals(conversation: SpendTotalView, today: SpendTotalView, dailyLimit: Money | undefined, hasTurns: boolean): void {
    const limit = dailyLimit ? ` of ${formatMoney(dailyLimit)}` : '';
    this.totals.textContent = hasTurns || today.answers > 0 ? `This chat ${formatTotal(conversation)} · Today ${formatTotal(today)}${limit}` : '';
    this.totals.title = [
      `This conversation: ${conversation.answers} answer(s), ${formatTokens(conversation.promptTokens)} prompt tokens (${formatTokens(conversation.cachedTokens)} cached), ${formatTokens(conversation.completionTokens)} completion tokens.`,
      `Today in this workspace: ${today.answers} answer(s), ${formatTotal(today)}.`,
      ...(dailyLimit ? [`Daily limit: ${formatMoney(dailyLimit)} (kimiMilvus.budget.dailyLimit).`] : []),
    ].join('\n');
    this.compact.hidden = !hasTurns;
  }
}
