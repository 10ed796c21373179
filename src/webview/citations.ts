/** Turns `path:start-end` citations in rendered answers into links that open the file. */
import type { SourceLink } from '../shared/chatModel';

/** A relative path with an extension, then `:line` or `:start-end`. */
const CITATION = /(?<![\w/.@~-])((?:[\w@~.-]+\/)*[\w@~-][\w@~.-]*\.[A-Za-z][A-Za-z0-9]*):(\d+)(?:-(\d+))?/g;

export function findCitations(text: string): Array<{ index: number; length: number; source: SourceLink }> {
  const out: Array<{ index: number; length: number; source: SourceLink }> = [];
  for (const m of text.matchAll(CITATION)) {
    const start = Number(m[2]);
    const end = m[3] !== undefined ? Number(m[3]) : start;
    if (start >= 1 && end >= start && m.index !== undefined) {
      out.push({ index: m.index, length: m[0].length, source: { path: m[1], startLine: start, endLine: end } });
    }
  }
  return out;
}

/** Replaces citations in text nodes (outside code blocks and existing links) with source links. */
export function linkifyCitations(
  root: Node,
  known: readonly SourceLink[],
  makeLink: (source: SourceLink, label: string) => HTMLElement,
): void {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const texts: Text[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const parent = n.parentElement;
    if (parent && !parent.closest('pre, a')) {
      texts.push(n as Text);
    }
  }
  for (const node of texts) {
    const text = node.data;
    const hits = findCitations(text);
    if (hits.length === 0) {
      continue;
    }
    const frag = document.createDocumentFragment();
    let pos = 0;
    for (const hit of hits) {
      frag.append(text.slice(pos, hit.index));
      const root = known.find((k) => k.path === hit.source.path)?.root;
      const source = root ? { ...hit.source, root } : hit.source;
      frag.append(makeLink(source, text.slice(hit.index, hit.index + hit.length)));
      pos = hit.index + hit.length;
    }
    frag.append(text.slice(pos));
    node.replaceWith(frag);
  }
}
