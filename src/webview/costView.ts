/** A turn's cost line, its context note and the "Earlier turns summarised" marker. */
import type { ContextNote, SummaryMarker, Turn, Usage } from '../shared/chatModel';
import { formatMoney, formatTokens } from '../shared/cost';
import { el } from './dom';
import { renderMarkdown } from './markdown';

/** "1,396 tokens · $0.0021", or tokens only when the model has no known price. */
export function renderUsage(u: Usage): HTMLElement {
  const cached = u.cachedTokens ? ` (${formatTokens(u.cachedTokens)} cached)` : '';
  const price = u.cost ? `Cost ${formatMoney(u.cost)} at the published price.` : 'No price is known for this model: tokens only (set one in kimiMilvus.pricing.models).';
  const title = `Prompt ${formatTokens(u.promptTokens)}${cached}, completion ${formatTokens(u.completionTokens)} tokens. ${price}`;
  return el(
    'div',
    { class: 'usage', title },
    `${formatTokens(u.totalTokens)} tokens`,
    u.cachedTokens ? el('span', { class: 'usage-cached' }, ` · ${formatTokens(u.cachedTokens)} cached`) : undefined,
    u.cost ? el('span', { class: 'usage-cost' }, ` · ${formatMoney(u.cost)}`) : undefined,
  );
}

/** What was done to fit this turn's request: said, never silent. */
export function renderContextNote(note: ContextNote): HTMLElement | undefined {
  const parts: string[] = [];
  if (note.shortenedResults > 0) {
    parts.push(`${note.shortenedResults} old tool result${note.shortenedResults === 1 ? ' was' : 's were'} shortened to fit the context window.`);
  }
  if (note.failure) {
    parts.push(`Earlier turns could not be summarised (${note.failure}).`);
  }
  if (note.leftOutMessages) {
    const turns = note.leftOutTurns ? ` from ${note.leftOutTurns} earlier question${note.leftOutTurns === 1 ? '' : 's'}` : '';
    parts.push(`${note.leftOutMessages} earlier message${note.leftOutMessages === 1 ? ' was' : 's were'} left out of this request${turns}, so Kimi did not see them. Compact Conversation tries the summary again.`);
  }
  return parts.length > 0 ? el('div', { class: 'notice context-note', role: 'status' }, parts.join(' ')) : undefined;
}

/** Collapsed: "Earlier turns summarised (N turns)"; opened: the summary Kimi now reads instead of them. */
export function renderSummaryMarker(summary: SummaryMarker): HTMLElement {
  const body = el('div', { class: 'summary-text markdown' });
  body.append(renderMarkdown(summary.text, []).fragment);
  const cost = summary.usage?.cost ? ` · ${formatMoney(summary.usage.cost)}` : '';
  return el(
    'details',
    { class: 'summary-marker', 'data-summary': summary.id },
    el('summary', {}, `Earlier turns summarised (${summary.turns} turn${summary.turns === 1 ? '' : 's'})${summary.manual ? ' on request' : ''}${cost}`),
    el('div', { class: 'summary-note' }, 'Kimi reads this summary instead of the turns above it.'),
    body,
  );
}

/** The turn's context note, if it has one (for appending). */
export function contextNoteOf(turn: Turn): HTMLElement[] {
  const note = turn.contextNote ? renderContextNote(turn.contextNote) : undefined;
  return note ? [note] : [];
}

/** The turn's summary marker, if it has one, with its citation links wired by `wire`. */
export function summaryMarkerOf(turn: Turn, wire: (marker: HTMLElement) => void): HTMLElement[] {
  if (!turn.summary) {
    return [];
  }
  const marker = renderSummaryMarker(turn.summary);
  wire(marker);
  return [marker];
}
