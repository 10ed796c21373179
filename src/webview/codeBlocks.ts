/**
 * The toolbar of each code block in an answer: Copy (with visible feedback), Insert at Cursor,
 * and Apply when the block targets a file. Buttons show short text and carry unique accessible
 * names ("Copy code block 2"), numbered across the whole conversation by numberCodeBlocks.
 */
import type { SourceLink } from '../shared/chatModel';
import { parseSourceHref } from './citationRule';
import { button, el } from './dom';

export interface CodeTarget {
  readonly source: SourceLink;
  /** No line range was cited: the block is proposed as the whole file. */
  readonly wholeFile: boolean;
}

export interface CodeActions {
  copyCode(code: string): void;
  insertCode(code: string): void;
  applyCode(code: string, target: CodeTarget): void;
}

/** How long "Copied" stays on the button. */
const FEEDBACK_MS = 1500;

export function decorateCodeBlocks(root: HTMLElement, known: readonly SourceLink[], actions: CodeActions): void {
  for (const pre of Array.from(root.querySelectorAll('pre'))) {
    const code = pre.textContent ?? '';
    const target = targetOf(pre, known);
    const status = el('span', { class: 'code-status', role: 'status', 'aria-live': 'polite' });
    const copy = button('Copy', { class: 'code-action', 'data-action': 'copy' });
    copy.addEventListener('click', () => {
      actions.copyCode(code);
      copy.textContent = 'Copied';
      copy.classList.add('done');
      status.textContent = `${copy.getAttribute('aria-label') ?? 'Code'}: copied to the clipboard.`;
      window.setTimeout(() => {
        copy.textContent = 'Copy';
        copy.classList.remove('done');
        status.textContent = '';
      }, FEEDBACK_MS);
    });
    const insert = button('Insert at Cursor', { class: 'code-action', 'data-action': 'insert' }, 'Insert');
    insert.addEventListener('click', () => actions.insertCode(code));
    const buttons: HTMLElement[] = [copy, insert];
    if (target) {
      const apply = button(`Apply to ${target.source.path}`, { class: 'code-action', 'data-action': 'apply', 'data-path': target.source.path }, 'Apply');
      apply.addEventListener('click', () => actions.applyCode(code, target));
      buttons.push(apply);
    }
    const lang = /language-([\w+#-]+)/.exec(pre.querySelector('code')?.className ?? '')?.[1];
    const bar = el('div', { class: 'code-actions' }, el('span', { class: 'code-lang' }, lang ?? ''), status, ...buttons);
    const wrapper = el('div', { class: 'code-block' }, bar);
    pre.replaceWith(wrapper);
    wrapper.append(pre);
  }
}

/**
 * The file a block is meant for: the last source link in the paragraph just before it
 * ("Change json/decoder.py:254-282 to:"). A bare file name proposes the whole file.
 */
function targetOf(pre: HTMLElement, known: readonly SourceLink[]): CodeTarget | undefined {
  const before = pre.previousElementSibling;
  if (!before || before.tagName === 'PRE') {
    return undefined;
  }
  const links = Array.from(before.querySelectorAll<HTMLAnchorElement>('a.source'));
  const last = links.at(-1);
  const source = last ? parseSourceHref(last.getAttribute('href') ?? '', known) : undefined;
  if (!last || !source) {
    return undefined;
  }
  return { source, wholeFile: !/:\d+(-\d+)?$/.test(last.textContent ?? '') };
}

/** Gives every code block's buttons names that are unique in the whole log ("Copy code block 3"). */
export function numberCodeBlocks(log: HTMLElement): void {
  Array.from(log.querySelectorAll('.code-block')).forEach((block, i) => {
    const n = i + 1;
    for (const b of Array.from(block.querySelectorAll<HTMLButtonElement>('.code-actions button'))) {
      const action = b.dataset.action;
      const label =
        action === 'copy'
          ? `Copy code block ${n}`
          : action === 'insert'
            ? `Insert code block ${n} at cursor`
            : `Apply code block ${n} to ${b.dataset.path ?? 'its file'}`;
      b.setAttribute('aria-label', label);
      b.title = label;
    }
  });
}
