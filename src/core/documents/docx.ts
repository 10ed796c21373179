/**
 * Word (DOCX) text: the body's paragraphs and tables from word/document.xml. Word writes where it
 * last laid out a page (`w:lastRenderedPageBreak`) and explicit page breaks (`w:br w:type="page"`);
 * when a file has either, its parts are pages, numbered as Word last showed them.
 */
import type { Archive } from './archive';
import { readXml, tidy } from './xml';
import { type DocumentPart, DocumentError } from './types';

export async function readDocx(zip: Archive, fileName: string): Promise<DocumentPart[]> {
  const xml = await zip.text('word/document.xml');
  if (xml === undefined) {
    throw new DocumentError(`${fileName} has no word/document.xml: it is not a Word document (or it is damaged).`, 'corrupt');
  }
  const pages = new Pages();
  await readXml(xml, { open: (name, a) => pages.open(name, a), close: (name) => pages.close(name), text: (t) => pages.text(t) });
  return pages.parts();
}

/** Text collected page by page; several breaks in a row (Word writes both kinds at one place) make one. */
class Pages {
  private readonly done: string[] = [];
  private page = '';
  private inText = false;
  private tableDepth = 0;
  private pendingBreak = false;
  private sawBreak = false;

  open(name: string, a: Readonly<Record<string, string>>): void {
    if (name === 'w:t') {
      this.inText = true;
    } else if (name === 'w:tab') {
      this.write('\t');
    } else if (name === 'w:br' && a['w:type'] !== 'page') {
      this.write('\n');
    } else if (name === 'w:br' || name === 'w:lastRenderedPageBreak') {
      this.pageBreak();
    } else if (name === 'w:tbl') {
      this.tableDepth++;
    }
  }

  close(name: string): void {
    if (name === 'w:t') {
      this.inText = false;
    } else if (name === 'w:p') {
      this.write(this.tableDepth > 0 ? ' ' : '\n\n');
    } else if (name === 'w:tc') {
      this.write('\t');
    } else if (name === 'w:tr') {
      this.write('\n');
    } else if (name === 'w:tbl') {
      this.tableDepth--;
      this.write('\n');
    }
  }

  text(t: string): void {
    if (this.inText) {
      this.write(t);
    }
  }

  parts(): DocumentPart[] {
    const texts = [...this.done, this.page].map(tidy);
    return this.sawBreak ? texts.map((text, i) => ({ kind: 'page', number: i + 1, text })) : [{ text: texts.join('\n\n') }];
  }

  /** A break before any text is no page of its own. */
  private pageBreak(): void {
    if (this.page.trim() !== '' || this.done.length > 0) {
      this.pendingBreak = this.sawBreak = true;
    }
  }

  private write(s: string): void {
    if (this.pendingBreak && s.trim() !== '') {
      this.done.push(this.page);
      this.page = '';
      this.pendingBreak = false;
    }
    this.page += s;
  }
}
