/**
 * Excel (XLSX) text, one part per sheet in workbook order: each row a line, cells separated by
 * tabs, shared strings resolved. Values are shown as stored (a date is its serial number).
 */
import { type Archive, resolvePart } from './archive';
import { readXml, relationships } from './xml';
import { type DocumentPart, DocumentError } from './types';

export async function readXlsx(zip: Archive, fileName: string): Promise<DocumentPart[]> {
  const workbook = await zip.text('xl/workbook.xml');
  if (workbook === undefined) {
    throw new DocumentError(`${fileName} has no xl/workbook.xml: it is not an Excel workbook (or it is damaged).`, 'corrupt');
  }
  const rels = await relationships(await zip.text('xl/_rels/workbook.xml.rels'));
  const sheets: Array<{ name: string; path: string }> = [];
  await readXml(workbook, {
    open: (name, a) => {
      const id = a['r:id'];
      if (name === 'sheet' && id && rels.has(id)) {
        sheets.push({ name: a.name ?? '', path: resolvePart('xl/workbook.xml', rels.get(id) as string) });
      }
    },
  });
  const shared = await sharedStrings(await zip.text('xl/sharedStrings.xml'));
  const parts: DocumentPart[] = [];
  for (const [i, sheet] of sheets.entries()) {
    const xml = await zip.text(sheet.path);
    if (xml !== undefined) {
      parts.push({ kind: 'sheet', number: i + 1, ...(sheet.name ? { title: sheet.name } : {}), text: await sheetText(xml, shared) });
    }
  }
  return parts;
}

/** The shared string table: each `si`'s text runs, without phonetic hints (`rPh`). */
async function sharedStrings(xml: string | undefined): Promise<string[]> {
  const out: string[] = [];
  if (!xml) {
    return out;
  }
  let current = '';
  let inText = false;
  let phonetic = 0;
  await readXml(xml, {
    open: (name) => {
      if (name === 'si') {
        current = '';
      } else if (name === 'rPh') {
        phonetic++;
      } else if (name === 't') {
        inText = true;
      }
    },
    close: (name) => {
      if (name === 'si') {
        out.push(current);
      } else if (name === 'rPh') {
        phonetic--;
      } else if (name === 't') {
        inText = false;
      }
    },
    text: (t) => {
      if (inText && phonetic === 0) {
        current += t;
      }
    },
  });
  return out;
}

/** Rows of a sheet as lines; a blank line between rows, so the chunker never splits a row. */
async function sheetText(xml: string, shared: readonly string[]): Promise<string> {
  const rows: string[] = [];
  let cells: string[] = [];
  let type = '';
  let value = '';
  let inValue = false;
  await readXml(xml, {
    open: (name, a) => {
      if (name === 'row') {
        cells = [];
      } else if (name === 'c') {
        type = a.t ?? 'n';
        value = '';
      } else if (name === 'v' || (name === 't' && type === 'inlineStr')) {
        inValue = true;
      }
    },
    close: (name) => {
      if (name === 'v' || name === 't') {
        inValue = false;
      } else if (name === 'c') {
        cells.push(cellText(type, value, shared));
      } else if (name === 'row') {
        const line = cells.join('\t').trim();
        if (line) {
          rows.push(line.replace(/\s*\n\s*/g, ' '));
        }
      }
    },
    text: (t) => {
      if (inValue) {
        value += t;
      }
    },
  });
  return rows.join('\n\n');
}

function cellText(type: string, value: string, shared: readonly string[]): string {
  switch (type) {
    case 's':
      return shared[Number(value)] ?? '';
    case 'b':
      return value === '1' ? 'TRUE' : 'FALSE';
    default:
      return value;
  }
}
