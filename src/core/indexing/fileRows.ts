import { documentChunks } from '../documents/documentChunks';
import { isDocumentPath } from '../documents/formats';
import { type DocumentExtractor, DocumentError, type DocumentErrorCode } from '../documents/types';
import { readCheckedFile, realPathNoFollow } from '../fs/safeRead';
import type { ChunkRow } from '../store/types';
import { chunkInput } from '../store/searchText';
import { type Chunk, type ChunkOptions, chunkDocument } from './chunker';
import { decodeText, isBinary, type TextEncodingName } from './decode';
import type { SkipReason } from './events';
import { chunkIds, documentHash, fileHash } from './ids';
import { skipReasonOf } from './sniff';

/** A row before it has a vector. */
export type PendingRow = Omit<ChunkRow, 'vector'>;

export interface PreparedFile {
  readonly kind: 'rows';
  readonly relPath: string;
  readonly fileHash: string;
  readonly bytes: number;
  /** 'document': text read by a document extractor. */
  readonly encoding: TextEncodingName | 'document';
  readonly rows: readonly PendingRow[];
}

export interface SkippedPrepare {
  readonly kind: 'skipped';
  readonly reason: SkipReason;
  readonly bytes: number;
  /** What went wrong, in words (a document that could not be read). */
  readonly detail?: string;
  /** The failure is of the moment (a timeout, Kimi unreachable): rows the file has keep standing. */
  readonly keep?: boolean;
}

/** A document whose bytes are the version already indexed: not extracted again. */
export interface UnchangedPrepare {
  readonly kind: 'unchanged';
  readonly bytes: number;
  readonly fileHash: string;
}

export type PrepareResult = PreparedFile | SkippedPrepare | UnchangedPrepare;

/** What preparing a document needs besides its bytes. */
export interface PrepareOptions {
  /** Without one, documents are skipped like any binary file. */
  readonly documents?: DocumentExtractor;
  /** The file hash its indexed rows carry: a document with these very bytes is not extracted again (Kimi would upload it). */
  readonly indexedHash?: string;
  readonly signal?: AbortSignal;
}

/**
 * Reads, decodes and chunks one file into rows with stable ids (see chunkId): an id covers the
 * chunk's path and content, so a row is embedded again exactly when what is embedded changes;
 * its line range, index and file hash are metadata that can be updated without an embedding.
 */
export async function prepareFile(absPath: string, relPath: string, options: ChunkOptions, prepare: PrepareOptions = {}): Promise<PrepareResult> {
  let bytes: Uint8Array;
  try {
    // No size cap here: discovery already applied it; the read only refuses a swapped-in link or non-file.
    ({ bytes } = await readCheckedFile(await realPathNoFollow(absPath), { maxBytes: Number.MAX_SAFE_INTEGER }));
  } catch (err) {
    return { kind: 'skipped', reason: skipReasonOf(err), bytes: 0 };
  }
  return prepareAny(bytes, relPath, options, prepare);
}

/** prepareBytes, or prepareDocument for a document when an extractor is given. */
export function prepareAny(bytes: Uint8Array, relPath: string, options: ChunkOptions, prepare: PrepareOptions = {}): Promise<PrepareResult> {
  return prepare.documents && isDocumentPath(relPath) ? prepareDocument(bytes, relPath, options, prepare.documents, prepare) : Promise.resolve(prepareBytes(bytes, relPath, options));
}

const SKIP_OF: Readonly<Record<DocumentErrorCode, SkipReason>> = {
  encrypted: 'encrypted',
  'no-text': 'no-text',
  corrupt: 'corrupt',
  unsupported: 'corrupt',
  'too-large': 'too-large',
  timeout: 'extract-failed',
  'kimi-failed': 'extract-failed',
  declined: 'extract-failed',
};

/** A document's rows: its text from the extractor, one part (page, slide, sheet) at a time (documents/documentChunks.ts). */
export async function prepareDocument(bytes: Uint8Array, relPath: string, options: ChunkOptions, extractor: DocumentExtractor, prepare: PrepareOptions = {}): Promise<PrepareResult> {
  const hash = documentHash(bytes);
  if (prepare.indexedHash === hash) {
    return { kind: 'unchanged', bytes: bytes.length, fileHash: hash };
  }
  let chunks: Chunk[];
  try {
    chunks = documentChunks(await extractor.extract(bytes, relPath, prepare.signal), options);
  } catch (err) {
    if (!(err instanceof DocumentError)) {
      throw err;
    }
    return { kind: 'skipped', reason: SKIP_OF[err.code], bytes: bytes.length, detail: err.message, ...(err.transient ? { keep: true } : {}) };
  }
  if (chunks.length === 0) {
    return { kind: 'skipped', reason: 'no-text', bytes: bytes.length, detail: `${relPath} has no text to index.` };
  }
  return { kind: 'rows', relPath, fileHash: hash, bytes: bytes.length, encoding: 'document', rows: chunkRows(relPath, chunks, hash) };
}

export function prepareBytes(bytes: Uint8Array, relPath: string, options: ChunkOptions): PreparedFile | SkippedPrepare {
  if (isBinary(bytes)) {
    return { kind: 'skipped', reason: 'binary', bytes: bytes.length };
  }
  const decoded = decodeText(bytes);
  if (decoded === undefined) {
    return { kind: 'skipped', reason: 'undecodable', bytes: bytes.length };
  }
  const { text, encoding } = decoded;
  const chunks = chunkDocument(text, relPath, options);
  if (chunks.length === 0) {
    return { kind: 'skipped', reason: 'empty', bytes: bytes.length };
  }
  const hash = fileHash(bytes);
  return { kind: 'rows', relPath, fileHash: hash, bytes: bytes.length, encoding, rows: chunkRows(relPath, chunks, hash) };
}

/** The rows of one document's chunks, with ids from what is embedded for each (chunkInput). */
export function chunkRows(path: string, chunks: readonly Chunk[], hash: string): PendingRow[] {
  const ids = chunkIds(path, chunks.map((c) => chunkInput(path, c.content, c.section)));
  return chunks.map((c, i) => ({
    id: ids[i],
    path,
    startLine: c.startLine,
    endLine: c.endLine,
    chunkIndex: c.index,
    totalChunks: c.total,
    language: c.language,
    fileHash: hash,
    text: c.content,
    section: c.section,
  }));
}
