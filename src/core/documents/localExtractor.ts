/**
 * Reads documents on this machine: nothing leaves it. PDF with PDF.js (pdf.ts); DOCX, PPTX, XLSX and
 * EPUB, which are zip archives of XML, with yauzl and htmlparser2 (archive.ts, xml.ts).
 */
import { UserAbortError, throwIfAborted } from '../errors';
import { openArchive } from './archive';
import { readDocx } from './docx';
import { readEpub } from './epub';
import { DEFAULT_EXTRACT_TIMEOUT_MS, documentFormatOf } from './formats';
import { readPdf } from './pdf';
import { readPptx } from './pptx';
import { type DocumentExtractor, type DocumentFormat, type DocumentPart, DocumentError, type ExtractedDocument } from './types';
import { readXlsx } from './xlsx';

export class LocalExtractor implements DocumentExtractor {
  readonly name = 'local' as const;

  constructor(private readonly timeoutMs = DEFAULT_EXTRACT_TIMEOUT_MS) {}

  async extract(bytes: Uint8Array, fileName: string, signal?: AbortSignal): Promise<ExtractedDocument> {
    const format = documentFormatOf(fileName);
    if (!format) {
      throw new DocumentError(`${fileName} is not a document this extension reads (PDF, DOCX, PPTX, XLSX, EPUB).`, 'unsupported');
    }
    throwIfAborted(signal);
    const deadline = Date.now() + this.timeoutMs;
    const parts = await withDeadline(readParts(format, bytes, fileName, deadline, signal), deadline, fileName, signal);
    return checkedText({ format, parts, extractor: 'local' }, fileName);
  }
}

async function readParts(format: DocumentFormat, bytes: Uint8Array, fileName: string, deadline: number, signal?: AbortSignal): Promise<DocumentPart[]> {
  if (format === 'pdf') {
    return readPdf(bytes, fileName, deadline, signal);
  }
  const zip = await openArchive(bytes, fileName);
  try {
    switch (format) {
      case 'docx':
        return await readDocx(zip, fileName);
      case 'pptx':
        return await readPptx(zip, fileName);
      case 'xlsx':
        return await readXlsx(zip, fileName);
      case 'epub':
        return await readEpub(zip, fileName);
    }
  } finally {
    zip.close();
  }
}

/** Stops waiting at the deadline or on cancel; the reader notices its own deadline at its next step. */
function withDeadline<T>(work: Promise<T>, deadline: number, fileName: string, signal?: AbortSignal): Promise<T> {
  const seconds = Math.max(1, Math.round((deadline - Date.now()) / 1000));
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new DocumentError(`Reading ${fileName} took longer than ${seconds} s; it was stopped.`, 'timeout')),
      Math.max(0, deadline - Date.now()),
    );
    const onAbort = (): void => reject(new UserAbortError());
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    });
  });
}

/** A document whose parts hold no text at all is refused: usually a scan (pictures of pages) or an empty file. */
export function checkedText(doc: ExtractedDocument, fileName: string): ExtractedDocument {
  if (doc.parts.every((p) => p.text.trim() === '')) {
    const hint =
      doc.format === 'pdf'
        ? doc.extractor === 'local'
          ? ' It is probably scanned (pages stored as pictures): extract it with Kimi (its file-extract reads scans with OCR), or run OCR on it first.'
          : ' Kimi could not read any text from it either.'
        : '';
    throw new DocumentError(`${fileName} has no text to index.${hint}`, 'no-text');
  }
  return doc;
}
