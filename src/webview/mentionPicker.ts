/**
 * `@` in the input: suggestions of workspace files and folders (the host searches; this shows an
 * accessible listbox tied to the input with aria-activedescendant), and the chips of the mentions
 * the next question carries. Arrow keys move, Enter or Tab choose, Escape closes.
 */
import type { Mention } from '../shared/chatModel';
import { button, el } from './dom';

/** The `@word` that ends at the caret, when there is one. */
function tokenAt(text: string, caret: number): { start: number; query: string } | undefined {
  const m = /(^|\s)@([^\s@]*)$/.exec(text.slice(0, caret));
  return m ? { start: caret - m[2].length - 1, query: m[2] } : undefined;
}

function display(m: Mention): string {
  return m.path;
}

export class MentionPicker {
  readonly list = el('div', { class: 'mention-list', role: 'listbox', id: 'mention-list', 'aria-label': 'Files and folders' });
  readonly chips = el('div', { class: 'chips mentions', role: 'group', 'aria-label': 'Mentioned files and folders' });
  private items: readonly Mention[] = [];
  private active = 0;
  private seq = 0;
  private token: { start: number; query: string } | undefined;
  private mentions: Mention[] = [];

  constructor(
    private readonly input: HTMLTextAreaElement,
    private readonly query: (query: string, seq: number) => void,
    /** The mentions changed (chosen, removed, sent). */
    private readonly changed: (taken: readonly Mention[]) => void = () => undefined,
  ) {
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-controls', this.list.id);
    input.setAttribute('aria-expanded', 'false');
    input.addEventListener('input', () => this.onInput());
    // Capture phase: the list takes Enter and Escape before sending or stopping sees them.
    input.addEventListener('keydown', (e) => this.onKey(e), true);
    input.addEventListener('blur', () => this.close());
    this.close();
    this.renderChips();
  }

  /** The mentions to send with the next question. */
  taken(): readonly Mention[] {
    return this.mentions;
  }

  clear(): void {
    this.mentions = [];
    this.renderChips();
  }

  /** Results for the query numbered `seq`; older answers are ignored. */
  results(seq: number, items: readonly Mention[]): void {
    if (seq !== this.seq || !this.token) {
      return;
    }
    this.items = items;
    this.active = 0;
    this.renderList();
  }

  private onInput(): void {
    this.token = tokenAt(this.input.value, this.input.selectionStart ?? this.input.value.length);
    if (!this.token) {
      this.close();
      return;
    }
    this.seq++;
    this.query(this.token.query, this.seq);
  }

  private get open(): boolean {
    return !this.list.hidden;
  }

  private onKey(e: KeyboardEvent): void {
    if (!this.open || e.isComposing) {
      return;
    }
    const n = this.items.length;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      this.active = (this.active + (e.key === 'ArrowDown' ? 1 : n - 1)) % n;
      this.renderList();
    } else if ((e.key === 'Enter' && !e.shiftKey) || e.key === 'Tab') {
      this.choose(this.items[this.active]);
    } else if (e.key === 'Escape') {
      this.close();
    } else {
      return;
    }
    e.preventDefault();
    e.stopImmediatePropagation();
  }

  private choose(m: Mention | undefined): void {
    const token = this.token;
    if (!m || !token) {
      return;
    }
    // The typed @word becomes the full @path in the text, and the mention a chip.
    const end = token.start + 1 + token.query.length;
    const text = `@${display(m)} `;
    this.input.value = this.input.value.slice(0, token.start) + text + this.input.value.slice(end);
    const caret = token.start + text.length;
    this.input.setSelectionRange(caret, caret);
    if (!this.mentions.some((x) => x.path === m.path && x.root === m.root)) {
      this.mentions.push(m);
    }
    this.close();
    this.renderChips();
    this.input.dispatchEvent(new Event('input'));
  }

  private close(): void {
    this.token = undefined;
    this.items = [];
    this.list.hidden = true;
    this.list.replaceChildren();
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
  }

  private renderList(): void {
    if (this.items.length === 0) {
      this.list.replaceChildren(el('div', { class: 'mention-empty' }, 'No matching files or folders'));
      this.list.hidden = false;
      this.input.setAttribute('aria-expanded', 'true');
      this.input.removeAttribute('aria-activedescendant');
      return;
    }
    const options = this.items.map((m, i) => {
      const option = el(
        'div',
        { class: 'mention-option', role: 'option', id: `mention-${i}`, 'aria-selected': String(i === this.active), 'data-kind': m.kind },
        el('span', { class: 'mention-kind' }, m.kind === 'folder' ? 'folder' : 'file'),
        el('span', { class: 'mention-path' }, display(m)),
      );
      // mousedown, not click: the input keeps focus (a blur would close the list first).
      option.addEventListener('mousedown', (e) => {
        e.preventDefault();
        this.choose(m);
      });
      return option;
    });
    this.list.replaceChildren(...options);
    this.list.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
    this.input.setAttribute('aria-activedescendant', `mention-${this.active}`);
    options[this.active]?.scrollIntoView({ block: 'nearest' });
  }

  private renderChips(): void {
    const chips = this.mentions.map((m) => {
      const x = button(`Remove mention ${m.path}`, { class: 'chip-remove' }, '×');
      x.addEventListener('click', () => {
        this.mentions = this.mentions.filter((y) => y !== m);
        this.renderChips();
      });
      return el('span', { class: 'chip', 'data-kind': m.kind, title: `${m.path} (${m.kind})` }, el('span', { class: 'chip-label' }, `@${m.path}`), x);
    });
    this.chips.replaceChildren(...chips);
    this.chips.hidden = chips.length === 0;
    this.changed(this.mentions);
  }
}
