/** How a search hit is cited: `path:start-end`, or for a document chunk with a page, slide or sheet `spec.pdf p.12`. */
import type { SearchHit } from '../store/types';
import { isDocumentPath } from './formats';
import { formatLocator, locatorOfSection } from './locator';

/** `p.12`, `slide 3` or `sheet 2` for a document chunk that has one. */
export function documentLocator(hit: Pick<SearchHit, 'path' | 'section'>): string | undefined {
  if (!isDocumentPath(hit.path)) {
    return undefined;
  }
  const locator = locatorOfSection(hit.section);
  return locator ? formatLocator(locator) : undefined;
}

export function citationOf(hit: Pick<SearchHit, 'path' | 'section' | 'startLine' | 'endLine'>): string {
  const locator = documentLocator(hit);
  return locator ? `${hit.path} ${locator}` : `${hit.path}:${hit.startLine}-${hit.endLine}`;
}
