/**
 * PDF text, one part per page, with PDF.js (the serverless build the `unpdf` package publishes: no
 * worker, no canvas, so it runs in the extension host and the CLI alike). PDF.js is loaded on first
 * use; the product's bundles take it from a separate file (esbuild.mjs), shipped once.
 */
import { throwIfAborted } from '../errors';
import { type DocumentPart, DocumentError } from './types';

/** The part of PDF.js this reader uses. */
interface PdfPage {
  getTextContent(): Promise<{ readonly items: readonly unknown[] }>;
  cleanup(): unknown;
}
interface PdfDocument {
  readonly numPages: number;
  getPage(n: number): Promise<PdfPage>;
  destroy(): Promise<void>;
}
interface PdfModule {
  getDocumentProxy(data: Uint8Array, options: { isEvalSupported: boolean; verbosity: number; stopAtErrors: boolean }): Promise<PdfDocument>;
}

let unpdf: Promise<PdfModule> | undefined;

interface TextItemLike {
  readonly str?: unknown;
  readonly hasEOL?: unknown;
}

export async function readPdf(bytes: Uint8Array, fileName: string, deadline: number, signal?: AbortSignal): Promise<DocumentPart[]> {
  unpdf ??= import('unpdf').then((m): PdfModule => m);
  const pdfjs = await unpdf;
  let pdf: PdfDocument;
  try {
    // A copy: PDF.js takes ownership of the buffer it is given. No eval: the file may be hostile.
    pdf = await pdfjs.getDocumentProxy(new Uint8Array(bytes), { isEvalSupported: false, verbosity: 0, stopAtErrors: false });
  } catch (err) {
    throw pdfError(err, fileName);
  }
  try {
    const parts: DocumentPart[] = [];
    for (let n = 1; n <= pdf.numPages; n++) {
      throwIfAborted(signal);
      if (Date.now() > deadline) {
        throw new DocumentError(`Reading ${fileName} took too long (stopped at page ${n} of ${pdf.numPages}).`, 'timeout');
      }
      const page = await pdf.getPage(n);
      const content = await page.getTextContent();
      let text = '';
      for (const item of content.items) {
        const { str, hasEOL } = (item ?? {}) as TextItemLike;
        text += typeof str === 'string' ? str : '';
        if (hasEOL === true) {
          text += '\n';
        }
      }
      page.cleanup();
      parts.push({ kind: 'page', number: n, text: text.replace(/[ \t]+\n/g, '\n').trim() });
    }
    return parts;
  } catch (err) {
    throw err instanceof DocumentError || (err instanceof Error && err.name === 'UserAbortError') ? err : pdfError(err, fileName);
  } finally {
    void pdf.destroy();
  }
}

function pdfError(err: unknown, fileName: string): DocumentError {
  const name = err instanceof Error ? err.name : '';
  if (name === 'PasswordException') {
    return new DocumentError(`${fileName} is protected by a password; remove the protection (or export an unprotected copy) to index it.`, 'encrypted', { cause: err });
  }
  const why = err instanceof Error ? err.message : String(err);
  return new DocumentError(`${fileName} is not a readable PDF (${why}).`, 'corrupt', { cause: err });
}
