/** Which files are documents, and the limits that apply to reading them. */
import type { DocumentFormat } from './types';

const FORMATS: Readonly<Record<string, DocumentFormat>> = { pdf: 'pdf', docx: 'docx', pptx: 'pptx', xlsx: 'xlsx', epub: 'epub' };

export const DOCUMENT_EXTENSIONS: readonly string[] = Object.keys(FORMATS);

/** The format of a path by its extension (case-insensitive), or undefined for anything else. */
export function documentFormatOf(path: string): DocumentFormat | undefined {
  const m = /\.([A-Za-z0-9]+)$/.exec(path);
  return m?.[1] ? FORMATS[m[1].toLowerCase()] : undefined;
}

export function isDocumentPath(path: string): boolean {
  return documentFormatOf(path) !== undefined;
}

/** Default size cap of a document (MB): documents are larger than source files, whose cap is 1 MB. */
export const DEFAULT_DOCUMENT_MAX_MB = 50;

/**
 * Kimi's file-extract limits: at most 1,000 files stored per account, each at most 100 MB, 10 GB in
 * all (docs/reference/kimi-api.md#files-and-documents). Uploads are deleted once read, so only the
 * size of one file matters here.
 */
export const KIMI_MAX_FILE_BYTES = 100 * 1024 * 1024;

/** How long one document may take to extract before it is given up (a huge or hostile file). */
export const DEFAULT_EXTRACT_TIMEOUT_MS = 120_000;

/** Uncompressed bytes an Office or EPUB archive may expand to: a zip bomb stops here. */
export const MAX_ARCHIVE_TEXT_BYTES = 200 * 1024 * 1024;

export const MIME_TYPES: Readonly<Record<DocumentFormat, string>> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  epub: 'application/epub+zip',
};
