/**
 * PowerPoint (PPTX) text, one part per slide in presentation order (presentation.xml's slide list,
 * not the archive's order), each with its title and its speaker notes.
 */
import { type Archive, resolvePart } from './archive';
import { readXml, relationships, tidy } from './xml';
import { type DocumentPart, DocumentError } from './types';

const TITLE_TYPES = new Set(['title', 'ctrTitle']);

export async function readPptx(zip: Archive, fileName: string): Promise<DocumentPart[]> {
  const presentation = await zip.text('ppt/presentation.xml');
  if (presentation === undefined) {
    throw new DocumentError(`${fileName} has no ppt/presentation.xml: it is not a PowerPoint file (or it is damaged).`, 'corrupt');
  }
  const rels = await relationships(await zip.text('ppt/_rels/presentation.xml.rels'));
  const order: string[] = [];
  await readXml(presentation, {
    open: (name, a) => {
      const id = a['r:id'];
      if (name === 'p:sldId' && id && rels.has(id)) {
        order.push(resolvePart('ppt/presentation.xml', rels.get(id) as string));
      }
    },
  });
  const parts: DocumentPart[] = [];
  for (const [i, slidePath] of order.entries()) {
    const xml = await zip.text(slidePath);
    if (xml === undefined) {
      continue;
    }
    const slide = await slideText(xml);
    const notes = await notesOf(zip, slidePath);
    const text = tidy([slide.body, notes ? `Notes: ${notes}` : ''].filter(Boolean).join('\n\n'));
    parts.push({ kind: 'slide', number: i + 1, ...(slide.title ? { title: slide.title } : {}), text });
  }
  return parts;
}

/** A slide's text (paragraph per line, shapes apart) and the text of its title placeholder. */
async function slideText(xml: string): Promise<{ body: string; title: string }> {
  let body = '';
  let title = '';
  let inText = false;
  let shapeIsTitle = false;
  await readXml(xml, {
    open: (name, a) => {
      if (name === 'p:sp') {
        shapeIsTitle = false;
      } else if (name === 'p:ph' && TITLE_TYPES.has(a.type ?? '')) {
        shapeIsTitle = true;
      } else if (name === 'a:t') {
        inText = true;
      } else if (name === 'a:br') {
        body += '\n';
      }
    },
    close: (name) => {
      if (name === 'a:t') {
        inText = false;
      } else if (name === 'a:p') {
        body += '\n';
        if (shapeIsTitle) {
          title += ' ';
        }
      } else if (name === 'p:sp' || name === 'a:tc') {
        body += '\n';
      }
    },
    text: (t) => {
      if (inText) {
        body += t;
        if (shapeIsTitle) {
          title += t;
        }
      }
    },
  });
  return { body: tidy(body), title: title.replace(/\s+/g, ' ').trim() };
}

async function notesOf(zip: Archive, slidePath: string): Promise<string> {
  const folder = slidePath.split('/').slice(0, -1).join('/');
  const name = slidePath.split('/').pop() ?? '';
  const rels = await relationships(await zip.text(`${folder}/_rels/${name}.rels`));
  const target = [...rels.values()].find((t) => /notesSlide\d*\.xml$/.test(t));
  const xml = target ? await zip.text(resolvePart(slidePath, target)) : undefined;
  if (!xml) {
    return '';
  }
  let text = '';
  let inText = false;
  let skip = false;
  await readXml(xml, {
    open: (n, a) => {
      if (n === 'p:sp') {
        skip = false;
      } else if (n === 'p:ph' && a.type && a.type !== 'body') {
        // The slide image and number placeholders of a notes page are not notes.
        skip = true;
      } else if (n === 'a:t') {
        inText = true;
      }
    },
    close: (n) => {
      if (n === 'a:t') {
        inText = false;
      } else if (n === 'a:p') {
        text += '\n';
      }
    },
    text: (t) => {
      if (inText && !skip) {
        text += t;
      }
    },
  });
  return tidy(text);
}
