/**
 * The Sources line under an answer: what the answer cites first, then the other passages the
 * tools returned, collapsed ("8 more searched"), so unrelated search hits do not read as sources.
 */
import { formatSource, type SourceLink } from '../shared/chatModel';
import { el } from './dom';

/** Cited sources (with the tools' root where known) and the rest, each without duplicates. */
export function orderSources(cited: readonly SourceLink[], all: readonly SourceLink[]): { cited: SourceLink[]; rest: SourceLink[] } {
  const seen = new Set<string>();
  const first: SourceLink[] = [];
  for (const c of cited) {
    const key = formatSource(c);
    if (!seen.has(key)) {
      seen.add(key);
      first.push(c.root ? c : { ...c, root: all.find((s) => s.path === c.path)?.root });
    }
  }
  const rest = all.filter((s) => !first.some((c) => c.path === s.path && overlaps(c, s)) && !seen.has(formatSource(s)));
  return { cited: first.map(clean), rest };
}

function overlaps(a: SourceLink, b: SourceLink): boolean {
  return a.startLine <= b.endLine && b.startLine <= a.endLine;
}

function clean(s: SourceLink): SourceLink {
  return s.root === undefined ? { path: s.path, startLine: s.startLine, endLine: s.endLine } : s;
}

export function renderSources(
  cited: readonly SourceLink[],
  all: readonly SourceLink[],
  link: (source: SourceLink, label: string) => HTMLElement,
): HTMLElement | undefined {
  const order = orderSources(cited, all);
  if (order.cited.length === 0 && order.rest.length === 0) {
    return undefined;
  }
  const box = el('div', { class: 'sources' });
  if (order.cited.length > 0) {
    box.append(el('span', { class: 'sources-label' }, 'Sources: '), ...order.cited.map((s) => link(s, formatSource(s))));
  }
  if (order.rest.length > 0) {
    const label = order.cited.length > 0 ? `${order.rest.length} more searched` : `Searched (${order.rest.length})`;
    box.append(
      el(
        'details',
        { class: 'sources-more' },
        el('summary', {}, label),
        el('div', { class: 'sources-list' }, ...order.rest.map((s) => link(s, formatSource(s)))),
      ),
    );
  }
  return box;
}
