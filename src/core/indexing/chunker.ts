import { chunkCode } from './codeChunker';
import { codeSection, findDefinitions } from './definitions';
import { CODE_ANCHOR_MASK, CODE_MAX_CHARS, CODE_MAX_LINES, CODE_MIN_FILL, DEFAULT_CHUNK_OVERLAP, DEFAULT_CHUNK_SIZE } from './constants';
import { familyOf, languageOf } from './language';
import type { TextSpan } from './lineIndex';
import { chunkProse } from './proseChunker';

export { languageOf } from './language';

export interface Chunk {
  /**
   * The chunk's own text, exactly as in the file (prose chunks include their overlap): what is
   * stored, shown and cited. What is embedded is composed from it by chunkInput (store/searchText.ts).
   */
  readonly content: string;
  /** 1-based, inclusive. */
  readonly startLine: number;
  readonly endLine: number;
  readonly index: number;
  readonly total: number;
  readonly language: string;
  /**
   * Markdown: the heading path the chunk sits under (`Errors › Rate limits`). Code: the qualified
   * names of the definitions that start in it (`Printer._print_Mul Printer._print_Pow`), or the one
   * it is inside (`(in Printer._print_Mul)`); see definitions.ts. Searched and embedded, never shown.
   */
  readonly section: string;
}

export interface ChunkOptions {
  /** Prose: maximum characters a chunk (default 500, the original design's). */
  readonly chunkSize?: number;
  /** Prose: characters carried over from the previous chunk (default 50). */
  readonly overlap?: number;
  /** Code: maximum lines a chunk (default 60). */
  readonly maxLines?: number;
  /** Code: maximum characters a chunk (default 2400). */
  readonly maxChars?: number;
  /** Code: the content-defined cut rule (codeChunker.ts); the defaults are the product's, other values are for benchmarks. */
  readonly codeMinFill?: number;
  readonly codeAnchorMask?: number;
  /** Markdown: give chunks their heading path (default true; false is the behaviour before schema 4, for benchmarks). */
  readonly headingPaths?: boolean;
  /** Code: give chunks the qualified names of the definitions in them (default true; false is the behaviour before, for benchmarks). */
  readonly definitions?: boolean;
}

/**
 * Splits a document into chunks: prose (txt, md, rst…) by paragraphs and sentences, everything
 * else by lines and definitions. Whitespace-only documents have no chunks.
 */
export function chunkDocument(content: string, relPath: string, options: ChunkOptions = {}): Chunk[] {
  const path = relPath.replace(/\\/g, '/');
  const language = languageOf(path);
  const family = familyOf(path);
  const chunkSize = positive(options.chunkSize, DEFAULT_CHUNK_SIZE);
  const overlap = Math.max(0, Math.min(options.overlap ?? DEFAULT_CHUNK_OVERLAP, Math.floor(chunkSize / 2)));
  let spans: TextSpan[];
  if (content.trim() === '') {
    spans = [];
  } else if (family === 'prose') {
    spans = chunkProse(content, chunkSize, overlap, language === 'markdown', options.headingPaths ?? true);
  } else {
    spans = chunkCode(content, family, {
      maxLines: positive(options.maxLines, CODE_MAX_LINES),
      maxChars: positive(options.maxChars, CODE_MAX_CHARS),
      minFill: options.codeMinFill ?? CODE_MIN_FILL,
      anchorMask: options.codeAnchorMask ?? CODE_ANCHOR_MASK,
    });
    const defs = options.definitions === false ? [] : findDefinitions(content, path);
    if (defs.length > 0) {
      spans = spans.map((s) => ({ ...s, section: codeSection(defs, s.startLine, s.endLine) }));
    }
  }
  return spans.map((s, index) => ({
    content: s.content,
    startLine: s.startLine,
    endLine: s.endLine,
    index,
    total: spans.length,
    language,
    section: s.section ?? '',
  }));
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}
