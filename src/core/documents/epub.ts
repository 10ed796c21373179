/**
 * EPUB text: the chapters of the spine in reading order (container.xml → the package file → its
 * spine), each chapter's XHTML reduced to text (scripts and styles dropped), titled by its first heading.
 */
import { type Archive, resolvePart } from './archive';
import { readXml, tidy } from './xml';
import { type DocumentPart, DocumentError } from './types';

const BLOCKS = new Set(['p', 'div', 'li', 'tr', 'br', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'section', 'article', 'table', 'dd', 'dt']);
const HIDDEN = new Set(['script', 'style', 'head']);

export async function readEpub(zip: Archive, fileName: string): Promise<DocumentPart[]> {
  const container = await zip.text('META-INF/container.xml');
  let opfPath: string | undefined;
  await readXml(container ?? '', {
    open: (name, a) => {
      if (name === 'rootfile' && a['full-path'] && opfPath === undefined) {
        opfPath = a['full-path'];
      }
    },
  });
  const opf = opfPath ? await zip.text(opfPath) : undefined;
  if (!opfPath || opf === undefined) {
    throw new DocumentError(`${fileName} has no readable package file (META-INF/container.xml): it is not an EPUB (or it is damaged).`, 'corrupt');
  }
  const manifest = new Map<string, string>();
  const spine: string[] = [];
  await readXml(opf, {
    open: (name, a) => {
      const local = name.replace(/^.*:/, '');
      if (local === 'item' && a.id && a.href) {
        manifest.set(a.id, a.href);
      } else if (local === 'itemref' && a.idref) {
        spine.push(a.idref);
      }
    },
  });
  const parts: DocumentPart[] = [];
  for (const id of spine) {
    const href = manifest.get(id);
    const xhtml = href ? await zip.text(resolvePart(opfPath, decodeURIComponent(href))) : undefined;
    if (xhtml !== undefined) {
      const chapter = await chapterText(xhtml);
      if (chapter.text) {
        parts.push(chapter.title ? { title: chapter.title, text: chapter.text } : { text: chapter.text });
      }
    }
  }
  return parts;
}

async function chapterText(xhtml: string): Promise<{ title: string; text: string }> {
  let text = '';
  let hidden = 0;
  let heading = 0;
  let title = '';
  let titled = false;
  await readXml(
    xhtml,
    {
      open: (name) => {
        if (HIDDEN.has(name)) {
          hidden++;
        } else if (/^h[1-6]$/.test(name) && !titled) {
          heading++;
        }
        if (BLOCKS.has(name)) {
          text += '\n\n';
        }
      },
      close: (name) => {
        if (HIDDEN.has(name)) {
          hidden--;
        } else if (/^h[1-6]$/.test(name) && heading > 0) {
          heading--;
          titled = title.trim() !== '';
        }
        if (BLOCKS.has(name)) {
          text += '\n\n';
        }
      },
      text: (t) => {
        if (hidden === 0) {
          text += t;
          if (heading > 0) {
            title += t;
          }
        }
      },
    },
    true,
  );
  return { title: title.replace(/\s+/g, ' ').trim(), text: tidy(text) };
}
