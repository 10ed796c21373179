/**
 * Reads documents with Kimi's file-extract (docs/reference/kimi-api.md#files-and-documents): the
 * file is uploaded to Moonshot, its text read back, and the upload deleted whatever happened, so
 * nothing stays on Moonshot's side and the account's 1,000-file limit is never used up. Kimi reads
 * scanned PDFs with OCR. Its text comes as a JSON document (`content` holds the text); form feeds in
 * it, when present, separate pages.
 */
import { errorMessage, isAbortError, UserAbortError } from '../errors';
import type { KimiFiles } from '../kimi/kimiFiles';
import { nullLogger, type Logger } from '../logger';
import { KIMI_MAX_FILE_BYTES, MIME_TYPES, documentFormatOf } from './formats';
import { checkedText } from './localExtractor';
import { type DocumentExtractor, type DocumentPart, DocumentError, type ExtractedDocument, type DocumentFormat } from './types';

export interface KimiExtractorOptions {
  /**
   * Asked before every upload; the extension asks the user once and remembers. False: the file is
   * not uploaded and extraction fails with code 'declined'.
   */
  readonly confirmUpload?: (fileName: string) => Promise<boolean>;
  readonly logger?: Logger;
}

export class KimiExtractor implements DocumentExtractor {
  readonly name = 'kimi' as const;
  private readonly logger: Logger;

  constructor(
    private readonly files: KimiFiles,
    private readonly options: KimiExtractorOptions = {},
  ) {
    this.logger = options.logger ?? nullLogger;
  }

  async extract(bytes: Uint8Array, fileName: string, signal?: AbortSignal): Promise<ExtractedDocument> {
    const format = documentFormatOf(fileName);
    if (!format) {
      throw new DocumentError(`${fileName} is not a document this extension reads (PDF, DOCX, PPTX, XLSX, EPUB).`, 'unsupported');
    }
    if (bytes.length === 0) {
      throw new DocumentError(`${fileName} is empty.`, 'no-text');
    }
    if (bytes.length > KIMI_MAX_FILE_BYTES) {
      throw new DocumentError(`${fileName} is ${Math.round(bytes.length / 1024 / 1024)} MB; Kimi's file-extract takes files of at most 100 MB.`, 'too-large');
    }
    if (this.options.confirmUpload && !(await this.options.confirmUpload(fileName))) {
      throw new DocumentError(`${fileName} was not uploaded to Kimi (not allowed); choose local extraction to index it on this computer.`, 'declined');
    }
    const uploaded = await this.step(fileName, 'upload', () => this.files.upload(bytes, baseName(fileName), MIME_TYPES[format], signal));
    try {
      if (uploaded.status === 'error') {
        throw new DocumentError(`Kimi could not extract ${fileName}: ${uploaded.status_details || 'no reason given'}.`, 'corrupt');
      }
      const raw = await this.step(fileName, 'read', () => this.files.content(uploaded.id, signal));
      return checkedText({ format, parts: partsOf(textOf(raw), format), extractor: 'kimi' }, fileName);
    } finally {
      // Not the caller's signal: a cancelled index still removes what it uploaded.
      await this.files.delete(uploaded.id).catch((err: unknown) => this.logger.warn(`Kimi: could not delete the upload of ${fileName} (${uploaded.id}): ${errorMessage(err)}`));
    }
  }

  private async step<T>(fileName: string, what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (isAbortError(err)) {
        throw new UserAbortError();
      }
      if (err instanceof DocumentError) {
        throw err;
      }
      throw new DocumentError(`Kimi could not ${what} ${fileName}: ${errorMessage(err)}`, 'kimi-failed', { cause: err });
    }
  }
}

/** The text in Kimi's answer: the `content` of its JSON document, or the answer itself when it is not one. */
export function textOf(raw: string): string {
  try {
    const json: unknown = JSON.parse(raw);
    if (typeof json === 'object' && json !== null && typeof (json as { content?: unknown }).content === 'string') {
      return (json as { content: string }).content;
    }
    return typeof json === 'string' ? json : raw;
  } catch {
    return raw;
  }
}

function partsOf(text: string, format: DocumentFormat): DocumentPart[] {
  const pages = text.split('\f');
  if (format === 'pdf' && pages.length > 1) {
    return pages.map((p, i) => ({ kind: 'page', number: i + 1, text: p.trim() }));
  }
  return [{ text: text.replace(/\f/g, '\n\n').trim() }];
}

function baseName(fileName: string): string {
  return fileName.split(/[\\/]/).pop() ?? fileName;
}
