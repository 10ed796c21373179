/**
 * Documents (PDF, Office files, EPUB) as the index sees them: text in parts, each part a page,
 * slide or sheet where the format has one, so a chunk can say where it came from.
 */
import { AppError } from '../errors';

export type DocumentFormat = 'pdf' | 'docx' | 'pptx' | 'xlsx' | 'epub';

/** What a part is in its file; a citation names it (`spec.pdf p.12`, `deck.pptx slide 3`, `book.xlsx sheet 2`). */
export type LocatorKind = 'page' | 'slide' | 'sheet';

export interface DocumentPart {
  /** Absent for formats without pages (a DOCX without page breaks, an EPUB chapter). */
  readonly kind?: LocatorKind;
  /** 1-based page, slide or sheet number. */
  readonly number?: number;
  /** A slide's title, a sheet's name, a chapter's heading. */
  readonly title?: string;
  readonly text: string;
}

export type ExtractorName = 'local' | 'kimi';

export interface ExtractedDocument {
  readonly format: DocumentFormat;
  readonly parts: readonly DocumentPart[];
  /** Which extractor read it. */
  readonly extractor: ExtractorName;
}

/** Reads the text of a document. Implementations: LocalExtractor (on this machine) and KimiExtractor (Kimi's file-extract API). */
export interface DocumentExtractor {
  readonly name: ExtractorName;
  /** `fileName` is for the format and messages (and, for Kimi, the upload's name); nothing is read from disk. */
  extract(bytes: Uint8Array, fileName: string, signal?: AbortSignal): Promise<ExtractedDocument>;
}

/**
 * Why a document gave no text. `transient` failures (a timeout, Kimi unreachable) keep what was
 * indexed from the file before; the others describe the file itself.
 */
export type DocumentErrorCode =
  | 'encrypted'
  | 'no-text'
  | 'corrupt'
  | 'too-large'
  | 'timeout'
  | 'unsupported'
  | 'declined'
  | 'kimi-failed';

export class DocumentError extends AppError {
  constructor(
    message: string,
    readonly code: DocumentErrorCode,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** A failure of the moment rather than of the file: trying again later may work. */
  get transient(): boolean {
    return this.code === 'timeout' || this.code === 'kimi-failed' || this.code === 'declined';
  }
}
