/**
 * The chips above the input: the editor context the next question carries. The active editor's
 * chip is automatic: it follows the selection (or the lines around the cursor), looks unlike a
 * chip the user pinned with Add Selection to Chat (dashed, marked "auto"), and is not sent, and
 * shown struck through, when the question mentions a file with @. Removing it leaves it off until
 * the selection moves elsewhere.
 */
import type { ContextChip } from '../shared/protocol';
import { button, el } from './dom';

export class ContextChips {
  readonly element = el('div', { class: 'chips', role: 'group', 'aria-label': 'Context for the next question' });
  private active: ContextChip | undefined;
  private added: readonly ContextChip[] = [];
  /** The label of an active chip the user removed. */
  private dismissed: string | undefined;
  /** A file is mentioned: the question is about it, not about where the cursor happens to be. */
  private fileMentioned = false;

  constructor(private readonly remove: (id: string) => void) {
    this.render();
  }

  update(active: ContextChip | undefined, added: readonly ContextChip[]): void {
    this.active = active;
    this.added = added;
    if (active?.label !== this.dismissed) {
      this.dismissed = undefined;
    }
    this.render();
  }

  setFileMentioned(on: boolean): void {
    if (on !== this.fileMentioned) {
      this.fileMentioned = on;
      this.render();
    }
  }

  /** Ids of the chips to send with the question. */
  ids(): string[] {
    return this.visible()
      .filter((c) => !(c.id === 'active' && this.fileMentioned))
      .map((c) => c.id);
  }

  /** A pinned chip wins over the automatic one for the same lines: the user chose it. */
  private visible(): ContextChip[] {
    const a = this.active;
    const active = a && a.label !== this.dismissed && !this.added.some((c) => c.label === a.label) ? [a] : [];
    return [...active, ...this.added];
  }

  private render(): void {
    const chips = this.visible().map((c) => (c.id === 'active' ? this.autoChip(c) : this.pinnedChip(c)));
    this.element.replaceChildren(...chips);
    this.element.hidden = chips.length === 0;
  }

  private pinnedChip(c: ContextChip): HTMLElement {
    const x = button(`Remove ${c.label} from the context`, { class: 'chip-remove' }, '×');
    x.addEventListener('click', () => this.remove(c.id));
    return el('span', { class: 'chip', 'data-kind': c.kind, title: `${c.label} (added selection)` }, el('span', { class: 'chip-label' }, c.label), x);
  }

  private autoChip(c: ContextChip): HTMLElement {
    const what = c.kind === 'selection' ? 'the selection' : 'the lines around the cursor';
    const off = this.fileMentioned;
    const title = off
      ? `Not sent: the question mentions a file. (Automatic context: ${what}, ${c.label}.)`
      : `Sent automatically with the next question: ${what}, ${c.label}. × leaves it out; the setting kimiMilvus.chat.editorContext turns it off.`;
    const x = button(`Remove ${c.label} from the context`, { class: 'chip-remove' }, '×');
    x.addEventListener('click', () => {
      this.dismissed = c.label;
      this.render();
    });
    return el(
      'span',
      { class: `chip chip-auto${off ? ' off' : ''}`, 'data-kind': c.kind, title, 'aria-label': off ? `${c.label}, not sent` : `${c.label}, sent automatically` },
      el('span', { class: 'chip-tag', 'aria-hidden': 'true' }, 'auto'),
      el('span', { class: 'chip-label' }, c.label),
      x,
    );
  }
}
