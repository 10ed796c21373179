/**
 * Citation links wrap only after a "/" of their path: `json/__init__.py:322-328` may break into
 * `json/` and `__init__.py:322-328`, never into `…py:322-` and `328` (the browser would break at
 * the hyphen). Each part is a no-wrap span with a <wbr> after it.
 */
import { el } from './dom';

/** Splits the text of every not yet split source link under `root`; cheap to call after each render. */
export function splitCitations(root: ParentNode): void {
  for (const a of Array.from(root.querySelectorAll<HTMLElement>('a.source:not([data-split])'))) {
    a.setAttribute('data-split', '');
    for (const node of textNodes(a)) {
      const parts = (node.textContent ?? '').split(/(?<=\/)/);
      if (parts.length === 0) {
        continue;
      }
      const out: Node[] = [];
      parts.forEach((part, i) => {
        out.push(el('span', { class: 'cite-part' }, part));
        if (i < parts.length - 1) {
          out.push(document.createElement('wbr'));
        }
      });
      node.replaceWith(...out);
    }
  }
}

function textNodes(root: Node): Text[] {
  const found: Text[] = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n instanceof Text && (n.textContent ?? '').length > 0) {
      found.push(n);
    }
  }
  return found;
}
