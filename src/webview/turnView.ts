/** Renders one turn: question, collapsed reasoning, tool lines, the Markdown answer, sources, tokens. */
import { formatSource, type SourceLink, type ToolLine, type Turn } from '../shared/chatModel';
import { linkifyCitations } from './citations';
import { button, el } from './dom';
import { renderMarkdown } from './markdown';

export interface TurnActions {
  openSource(source: SourceLink): void;
  copyCode(code: string): void;
  insertCode(code: string): void;
}

export function renderTurn(turn: Turn, actions: TurnActions): HTMLElement {
  const article = el('article', { class: 'turn', 'data-turn': turn.id, 'data-status': turn.status });
  article.append(el('div', { class: 'question', 'aria-label': 'You' }, turn.question));
  const answer = el('div', { class: 'answer', 'aria-label': 'Kimi', 'aria-busy': String(turn.status === 'streaming') });
  if (turn.reasoning.length > 0) {
    answer.append(
      el('details', { class: 'reasoning' }, el('summary', {}, 'Reasoning'), el('div', { class: 'reasoning-text' }, turn.reasoning)),
    );
  }
  if (turn.tools.length > 0) {
    answer.append(el('div', { class: 'tools' }, ...turn.tools.map(renderTool)));
  }
  const body = el('div', { class: 'markdown' });
  body.append(renderMarkdown(turn.answer));
  decorateCodeBlocks(body, actions);
  linkifyCitations(body, turn.sources, (source, label) => sourceLink(source, label, actions));
  answer.append(body);
  if (turn.status === 'streaming' && turn.answer.length === 0 && turn.tools.every((t) => t.status !== 'running')) {
    answer.append(el('div', { class: 'thinking' }, 'Thinking…'));
  }
  if (turn.notice) {
    answer.append(el('div', { class: 'notice' }, turn.notice));
  }
  if (turn.status === 'cancelled') {
    answer.append(el('div', { class: 'notice' }, 'Stopped.'));
  }
  if (turn.status === 'error' && turn.error) {
    answer.append(el('div', { class: 'error', role: 'alert' }, turn.error));
  }
  if (turn.incomplete) {
    answer.append(el('div', { class: 'notice' }, 'Step limit reached: this answer uses what was found so far.'));
  }
  if (turn.sources.length > 0 && turn.status !== 'streaming') {
    answer.append(
      el(
        'div',
        { class: 'sources' },
        el('span', { class: 'sources-label' }, 'Sources: '),
        ...turn.sources.map((s) => sourceLink(s, formatSource(s), actions)),
      ),
    );
  }
  if (turn.usage && turn.status !== 'streaming') {
    answer.append(el('div', { class: 'usage', title: usageTitle(turn) }, `${turn.usage.totalTokens.toLocaleString()} tokens`));
  }
  article.append(answer);
  return article;
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

function sourceLink(source: SourceLink, label: string, actions: TurnActions): HTMLElement {
  const a = el('a', { href: '#', class: 'source', title: `Open ${formatSource(source)}` }, label);
  a.addEventListener('click', (e) => {
    e.preventDefault();
    actions.openSource(source);
  });
  return a;
}

function decorateCodeBlocks(root: HTMLElement, actions: TurnActions): void {
  for (const pre of Array.from(root.querySelectorAll('pre'))) {
    const code = pre.textContent ?? '';
    const copy = button('Copy', { class: 'code-action' });
    copy.addEventListener('click', () => actions.copyCode(code));
    const insert = button('Insert at Cursor', { class: 'code-action' });
    insert.addEventListener('click', () => actions.insertCode(code));
    const wrapper = el('div', { class: 'code-block' }, el('div', { class: 'code-actions' }, copy, insert));
    pre.replaceWith(wrapper);
    wrapper.append(pre);
  }
}

function usageTitle(turn: Turn): string {
  const u = turn.usage;
  return u ? `Prompt ${u.promptTokens.toLocaleString()}, completion ${u.completionTokens.toLocaleString()} tokens` : '';
}
