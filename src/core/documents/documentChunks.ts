/**
 * A document's chunks: each part (page, slide, sheet, chapter) is chunked on its own with the prose
 * chunker, so no chunk spans two pages, and every chunk carries its part's section (`Page 12`), which
 * the citation reads. Line numbers are those of the document's text view (documentText), where each
 * part starts with its heading line.
 */
import type { Chunk, ChunkOptions } from '../indexing/chunker';
import { DEFAULT_CHUNK_OVERLAP, DEFAULT_CHUNK_SIZE } from '../indexing/constants';
import { chunkProse } from '../indexing/proseChunker';
import { headingLine, sectionOf } from './locator';
import type { DocumentPart, ExtractedDocument } from './types';

export interface PlacedPart {
  readonly part: DocumentPart;
  /** 1-based line of the part's heading (or of its first text line when it has none). */
  readonly line: number;
  /** 1-based line where the part's text starts. */
  readonly textLine: number;
}

/** The text a person reads for a document (and `read_file` returns): each part under its heading line. */
export function documentText(doc: ExtractedDocument): { text: string; parts: PlacedPart[] } {
  const lines: string[] = [];
  const parts: PlacedPart[] = [];
  for (const part of doc.parts) {
    const heading = headingLine(part);
    const line = lines.length + 1;
    if (heading) {
      lines.push(heading, '');
    }
    parts.push({ part, line, textLine: lines.length + 1 });
    lines.push(...(part.text === '' ? [] : part.text.split('\n')), '');
  }
  return { text: lines.join('\n'), parts };
}

export function documentChunks(doc: ExtractedDocument, options: ChunkOptions = {}): Chunk[] {
  const chunkSize = options.chunkSize !== undefined && options.chunkSize >= 1 ? Math.floor(options.chunkSize) : DEFAULT_CHUNK_SIZE;
  const overlap = Math.max(0, Math.min(options.overlap ?? DEFAULT_CHUNK_OVERLAP, Math.floor(chunkSize / 2)));
  const spans: Array<Omit<Chunk, 'index' | 'total'>> = [];
  for (const placed of documentText(doc).parts) {
    if (placed.part.text.trim() === '') {
      continue;
    }
    const section = sectionOf(placed.part);
    for (const s of chunkProse(placed.part.text, chunkSize, overlap, false)) {
      spans.push({
        content: s.content,
        startLine: placed.textLine + s.startLine - 1,
        endLine: placed.textLine + s.endLine - 1,
        language: doc.format,
        section,
      });
    }
  }
  return spans.map((s, index) => ({ ...s, index, total: spans.length }));
}
