/**
 * Where a chunk of a document sits, written two ways: the chunk's section (`Page 12`,
 * `Slide 3 › Roadmap`, `Sheet 2 › Budget`), which is stored, searched and embedded with it, and
 * the short form a citation uses after the path (`p.12`, `slide 3`, `sheet 2`).
 */
import type { DocumentPart, LocatorKind } from './types';

const WORDS: Readonly<Record<LocatorKind, string>> = { page: 'Page', slide: 'Slide', sheet: 'Sheet' };
const SHORT: Readonly<Record<LocatorKind, string>> = { page: 'p.', slide: 'slide ', sheet: 'sheet ' };

export interface Locator {
  readonly kind: LocatorKind;
  readonly number: number;
}

/** The section a part's chunks carry: its locator and title, or its title alone. */
export function sectionOf(part: DocumentPart): string {
  const title = (part.title ?? '').replace(/\s+/g, ' ').trim().slice(0, 200);
  if (part.kind && part.number !== undefined) {
    const head = `${WORDS[part.kind]} ${part.number}`;
    return title ? `${head} › ${title}` : head;
  }
  return title;
}

const SECTION = /^(Page|Slide|Sheet) (\d{1,6})(?: ›|$)/;

/** The locator at the start of a document chunk's section, if it has one. */
export function locatorOfSection(section: string | undefined): Locator | undefined {
  const m = SECTION.exec(section ?? '');
  if (!m?.[1] || !m[2]) {
    return undefined;
  }
  const kind = (Object.keys(WORDS) as LocatorKind[]).find((k) => WORDS[k] === m[1]);
  return kind ? { kind, number: Number(m[2]) } : undefined;
}

/** `p.12`, `slide 3`, `sheet 2`. */
export function formatLocator(l: Locator): string {
  return `${SHORT[l.kind]}${l.number}`;
}

const SHORT_FORM = /^(?:p\.\s?|page\s|slide\s|sheet\s)(\d{1,6})$/i;

/** Parses the short form back (also `page 12`); undefined for anything else. */
export function parseLocator(text: string): Locator | undefined {
  const m = SHORT_FORM.exec(text.trim());
  if (!m?.[1]) {
    return undefined;
  }
  const word = text.trim().toLowerCase();
  const kind: LocatorKind = word.startsWith('slide') ? 'slide' : word.startsWith('sheet') ? 'sheet' : 'page';
  const number = Number(m[1]);
  return number >= 1 ? { kind, number } : undefined;
}

/** The heading line a part gets in a document's text view; locateInText finds it again. */
export function headingLine(part: DocumentPart): string {
  const section = sectionOf(part);
  return section ? `──── ${section} ────` : '';
}
