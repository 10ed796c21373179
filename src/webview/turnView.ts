/** Renders one turn: question, collapsed reasoning, tool lines, the Markdown answer, sources, tokens. */
import { type ChatImage, formatSource, type SourceLink, type ToolLine, type Turn } from '../shared/chatModel';
import { parseSourceHref } from './citationRule';
import { decorateCodeBlocks, type CodeActions } from './codeBlocks';
import { button, el } from './dom';
import { renderMarkdown } from './markdown';
import { renderSources } from './sourcesView';
import { contextNoteOf, renderUsage, summaryMarkerOf } from './costView';

export interface TurnActions extends CodeActions {
  openSource(source: SourceLink): void;
  /** Ask the turn's question again (text undefined) or an edited version of it. */
  resend(turnId: string, text?: string): void;
}

export function renderTurn(turn: Turn, actions: TurnActions, last = false): HTMLElement {
  const article = el('div', { class: 'turn', 'data-turn': turn.id, 'data-status': turn.status });
  article.append(
    renderQuestion(turn, actions),
    renderAnswer(turn, actions, last),
    ...summaryMarkerOf(turn, (marker) => wireSourceLinks(marker, [], actions)),
  );
  return article;
}

/** The question, the context sent with it and @-mentions as chips, and Edit once the answer is in. */
function renderQuestion(turn: Turn, actions: TurnActions): HTMLElement {
  const question = el('div', { class: 'question', role: 'article', 'aria-label': 'You said' }, el('div', { class: 'question-text' }, turn.question));
  if (turn.attachments && turn.attachments.length > 0) {
    question.append(
      el(
        'div',
        { class: 'chips sent', 'aria-label': 'Context sent' },
        ...turn.attachments.map((s) => el('span', { class: 'chip' }, sourceLink(s, formatSource(s), actions))),
      ),
    );
  }
  if (turn.mentions && turn.mentions.length > 0) {
    question.append(
      el(
        'div',
        { class: 'chips sent mentions', 'aria-label': 'Mentioned' },
        ...turn.mentions.map((m) =>
          el(
            'span',
            { class: 'chip', 'data-kind': m.kind, title: `${m.path} (${m.kind})` },
            m.kind === 'file' ? sourceLink({ path: m.path, startLine: 1, endLine: 1, ...(m.root ? { root: m.root } : {}) }, `@${m.path}`, actions) : `@${m.path}`,
          ),
        ),
      ),
    );
  }
  if (turn.images && turn.images.length > 0) {
    question.append(imageChips(turn.images));
  }
  if (turn.status !== 'streaming') {
    const edit = button('Edit question', { class: 'turn-action question-edit' }, 'Edit');
    edit.addEventListener('click', () => startEdit(question, turn, actions));
    question.append(edit);
  }
  return question;
}

/** Reasoning, tool lines and the Markdown answer, then its state, actions, sources and tokens. */
function renderAnswer(turn: Turn, actions: TurnActions, last: boolean): HTMLElement {
  const answer = el('div', {
    class: 'answer',
    role: 'article',
    'aria-label': turn.status === 'streaming' ? 'Kimi is answering' : 'Kimi answered',
    'aria-busy': String(turn.status === 'streaming'),
  });
  if (turn.reasoning.length > 0) {
    answer.append(
      el('details', { class: 'reasoning' }, el('summary', {}, 'Reasoning'), el('div', { class: 'reasoning-text' }, turn.reasoning)),
    );
  }
  if (turn.tools.length > 0) {
    answer.append(el('div', { class: 'tools' }, ...turn.tools.map(renderTool)));
  }
  answer.append(...contextNoteOf(turn));
  const body = el('div', { class: 'markdown' });
  const { fragment, cited } = renderMarkdown(turn.answer, turn.sources);
  body.append(fragment);
  // Code blocks first: their Apply target is read from the links' href before wiring replaces it.
  decorateCodeBlocks(body, turn.sources, actions);
  wireSourceLinks(body, turn.sources, actions);
  answer.append(body, ...turnState(turn), ...turnActions(turn, actions, last));
  if (turn.incomplete) {
    answer.append(el('div', { class: 'notice' }, 'Step limit reached: this answer uses what was found so far.'));
  }
  if (turn.status !== 'streaming') {
    const sources = renderSources(cited, turn.sources, (s, label) => sourceLink(s, label, actions));
    if (sources) {
      answer.append(sources);
    }
  }
  if (turn.usage && turn.status !== 'streaming') {
    answer.append(renderUsage(turn.usage));
  }
  return answer;
}

/** Thinking…, a notice (retrying, fixed since), Stopped. or the error. */
function turnState(turn: Turn): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (turn.status === 'streaming' && turn.answer.length === 0 && turn.tools.every((t) => t.status !== 'running')) {
    out.push(el('div', { class: 'thinking' }, 'Thinking…'));
  }
  if (turn.notice) {
    out.push(el('div', { class: 'notice' }, turn.notice));
  }
  if (turn.status === 'cancelled') {
    out.push(el('div', { class: 'notice' }, 'Stopped.'));
  }
  if (turn.status === 'error' && turn.error) {
    out.push(el('div', { class: 'error', role: 'alert' }, turn.error));
  }
  return out;
}

/** Retry after an error; Regenerate on the last finished turn. */
function turnActions(turn: Turn, actions: TurnActions, last: boolean): HTMLElement[] {
  if (turn.status === 'error') {
    const retry = button('Retry', { class: 'turn-action' });
    retry.addEventListener('click', () => actions.resend(turn.id));
    return [el('div', { class: 'turn-actions' }, retry)];
  }
  if (last && (turn.status === 'done' || turn.status === 'cancelled')) {
    const again = button('Regenerate answer', { class: 'turn-action' }, 'Regenerate');
    again.addEventListener('click', () => actions.resend(turn.id));
    return [el('div', { class: 'turn-actions' }, again)];
  }
  return [];
}

/** Turns the question into an editor; sending it continues the conversation from that question. */
function startEdit(question: HTMLElement, turn: Turn, actions: TurnActions): void {
  const box = el('textarea', { class: 'input question-input', 'aria-label': 'Edit question', rows: '3' });
  box.value = turn.question;
  const save = button('Send edited question', { class: 'primary' }, 'Send');
  const cancel = button('Cancel editing', {}, 'Cancel');
  const restore = (): void => question.replaceChildren(...saved);
  const saved = Array.from(question.childNodes);
  const submit = (): void => {
    if (box.value.trim().length > 0) {
      actions.resend(turn.id, box.value);
    }
  };
  save.addEventListener('click', submit);
  cancel.addEventListener('click', restore);
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      submit();
    } else if (e.key === 'Escape') {
      e.stopPropagation();
      restore();
    }
  });
  question.replaceChildren(box, el('div', { class: 'turn-actions' }, cancel, save));
  box.focus();
}

function renderTool(tool: ToolLine): HTMLElement {
  const icon = tool.status === 'running' ? '…' : tool.status === 'ok' ? '✓' : '✗';
  const timing = tool.durationMs !== undefined ? ` (${tool.durationMs} ms)` : '';
  const summary = el(
    'summary',
    {},
    el('span', { class: 'tool-icon', 'aria-hidden': 'true' }, icon),
    el('span', { class: 'tool-name' }, tool.name),
    el('span', { class: 'tool-summary' }, tool.summary ? ` — ${tool.summary}${timing}` : ' running…'),
  );
  return el(
    'details',
    { class: 'tool', 'data-status': tool.status },
    summary,
    el('div', { class: 'tool-detail-label' }, 'Arguments'),
    el('pre', { class: 'tool-args' }, prettyArgs(tool.args)),
  );
}

function prettyArgs(args: string): string {
  try {
    return JSON.stringify(JSON.parse(args), null, 2);
  } catch {
    return args;
  }
}

/** The citation links the Markdown renderer made: a click opens the source in the editor. */
function wireSourceLinks(root: HTMLElement, known: readonly SourceLink[], actions: TurnActions): void {
  for (const a of Array.from(root.querySelectorAll<HTMLAnchorElement>('a.source'))) {
    const source = parseSourceHref(a.getAttribute('href') ?? '', known);
    if (!source) {
      continue;
    }
    a.setAttribute('href', '#');
    a.addEventListener('click', (e) => {
      e.preventDefault();
      actions.openSource(source);
    });
  }
}

function sourceLink(source: SourceLink, label: string, actions: TurnActions): HTMLElement {
  const a = el('a', { href: '#', class: 'source', title: `Open ${formatSource(source)}` }, label);
  a.addEventListener('click', (e) => {
    e.preventDefault();
    actions.openSource(source);
  });
  return a;
}

/** The images a question was sent with: their thumbnails (a plain chip once a thumbnail was dropped for space). */
function imageChips(images: readonly ChatImage[]): HTMLElement {
  return el(
    'div',
    { class: 'chips sent images', 'aria-label': 'Images sent' },
    ...images.map((img) =>
      el('span', { class: 'chip image-chip', title: img.name }, img.thumbnail ? el('img', { src: img.thumbnail, alt: img.name, class: 'thumb' }) : undefined, el('span', { class: 'chip-label' }, img.name)),
    ),
  );
}
