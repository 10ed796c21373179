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
  const pages: string[] = [];
  let page = '';
  let inText = false;
  let tableDepth = 0;
  let pendingBreak = false;
  let sawBreak = false;
  const write = (s: string): void => {
    if (pendingBreak && s.trim() !== '') {
      pages.push(page);
      page = '';
      pendingBreak = false;
    }
    page += s;
  };
  await readXml(xml, {
    open: (name, a) => {
      if (name === 'w:t') {
        inText = true;
      } else if (name === 'w:tab') {
        write('\t');
      } else if (name === 'w:br') {
        if (a['w:type'] === 'page') {
          pendingBreak = sawBreak = page.trim() !== '' || pages.length > 0;
        } else {
          write('\n');
        }
      } else if (name === 'w:lastRenderedPageBreak') {
        pendingBreak = sawBreak = page.trim() !== '' || pages.length > 0;
      } else if (name === 'w:tbl') {
        tableDepth++;
      }
    },
    close: (name) => {
      if (name === 'w:t') {
        inText = false;
      } else if (name === 'w:p') {
        write(tableDepth > 0 ? ' ' : '\n\n');
      } else if (name === 'w:tc') {
        write('\t');
      } else if (name === 'w:tr') {
        write('\n');
      } else if (name === 'w:tbl') {
        tableDepth--;
        write('\n');
      }
    },
    text: (t) => {
      if (inText) {
        write(t);
      }
    },
  });
  pages.push(page);
  const texts = pages.map(tidy);
  if (!sawBreak) {
    return [{ text: texts.join('\n\n') }];
  }
  return texts.map((text, i) => ({ kind: 'page', number: i + 1, text }));
}
