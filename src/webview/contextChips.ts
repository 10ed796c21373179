/**
 * The chips above the input: the editor context the next question carries. The active editor's
 * chip follows the selection; removing it leaves it off until the selection moves elsewhere.
 */
import type { ContextChip } from '../shared/protocol';
import { button, el } from './dom';

export class ContextChips {
  readonly element = el('div', { class: 'chips', role: 'group', 'aria-label': 'Context for the next question' });
  private active: ContextChip | undefined;
  private added: readonly ContextChip[] = [];
  /** The label of an active chip the user removed. */
  private dismissed: string | undefined;

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

  /** Ids of the chips to send with the question. */
  ids(): string[] {
    return this.visible().map((c) => c.id);
  }

  private visible(): ContextChip[] {
    const active = this.active && this.active.label !== this.dismissed ? [this.active] : [];
    return [...active, ...this.added.filter((c) => c.label !== this.active?.label || active.length === 0)];
  }

  private render(): void {
    const chips = this.visible().map((c) => {
      const what = c.kind === 'selection' ? 'selection' : 'lines around the cursor';
      const x = button(`Remove ${c.label} from the context`, { class: 'chip-remove' }, '×');
      x.addEventListener('click', () => {
        if (c.id === 'active') {
          this.dismissed = c.label;
          this.render();
        } else {
          this.remove(c.id);
        }
      });
      return el('span', { class: 'chip', 'data-kind': c.kind, title: `${c.label} (${what})` }, el('span', { class: 'chip-label' }, c.label), x);
    });
    this.element.replaceChildren(...chips);
    this.element.hidden = chips.length === 0;
  }
}
