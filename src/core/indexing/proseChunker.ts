import { LineIndex, type TextSpan } from './lineIndex';
import { headingPaths } from './headingPath';

interface Range {
  start: number;
  end: number;
  /** Starts at a Markdown heading: a chunk boundary. */
  heading: boolean;
}

const HEADING = /^ {0,3}#{1,6}(\s|$)/;
const FENCE = /^ {0,3}(```|~~~)/;
/** A sentence ends at 。！？ (no space needed) or at . ! ? followed by space/end; closing quotes stay with it. */
const SENTENCE_END = /(?:[。！？]+|[.!?]+(?=\s|$))["'”’)\]」』]*/g;

/**
 * The original design's prose algorithm (docs/reference/design.md#chunking-and-files) (paragraphs first; long paragraphs split at sentence ends; chunks of
 * at most `chunkSize` characters; `overlap` characters carried over from the previous chunk), but
 * working on offsets into the original text: punctuation and spacing are kept as written and every
 * chunk knows its exact line range. Markdown headings always start a new chunk, and each Markdown
 * chunk knows the path of headings it sits under (its section), which goes into what is searched.
 */
export function chunkProse(content: string, chunkSize: number, overlap: number, markdown: boolean, withSections = true): TextSpan[] {
  const ranges = packParagraphs(paragraphs(content, markdown), content, chunkSize);
  const lines = new LineIndex(content);
  const sections = markdown && withSections ? headingPaths(content, ranges.map((r) => r.start)) : undefined;
  return ranges.map((r, i) => {
    let start = r.start;
    if (i > 0 && overlap > 0 && !r.heading) {
      start = Math.min(start, overlapStart(content, ranges[i - 1], overlap));
    }
    return {
      content: content.slice(start, r.end),
      startLine: lines.lineAt(start),
      endLine: lines.lineAt(r.end - 1),
      startsSection: r.heading,
      section: sections?.[i] ?? '',
    };
  });
}

/** Paragraphs are separated by blank lines; in Markdown a heading also starts one (outside code fences). */
function paragraphs(content: string, markdown: boolean): Range[] {
  const out: Range[] = [];
  let current: Range | undefined;
  let inFence = false;
  let offset = 0;
  for (const line of content.split('\n')) {
    const lineStart = offset;
    offset += line.length + 1;
    if (line.trim() === '') {
      if (!inFence && current) {
        out.push(current);
        current = undefined;
      }
      continue;
    }
    const isHeading = markdown && !inFence && HEADING.test(line);
    if (markdown && FENCE.test(line)) {
      inFence = !inFence;
    }
    if (isHeading && current) {
      out.push(current);
      current = undefined;
    }
    const start = lineStart + (line.length - line.trimStart().length);
    const end = lineStart + line.trimEnd().length;
    if (current) {
      current.end = end;
    } else {
      current = { start, end: Math.max(end, start + 1), heading: isHeading };
    }
  }
  if (current) {
    out.push(current);
  }
  return out;
}

function packParagraphs(paras: Range[], content: string, chunkSize: number): Range[] {
  const chunks: Range[] = [];
  let current: Range | undefined;
  const flush = (): void => {
    if (current) {
      chunks.push(current);
      current = undefined;
    }
  };
  for (const p of paras) {
    if (p.heading) {
      flush();
    }
    if (p.end - p.start > chunkSize) {
      flush();
      const pieces = packPieces(sentences(content, p, chunkSize), chunkSize);
      if (pieces.length > 0) {
        pieces[0].heading = p.heading;
      }
      chunks.push(...pieces);
    } else if (current && p.end - current.start <= chunkSize) {
      current.end = p.end;
    } else {
      flush();
      current = { ...p };
    }
  }
  flush();
  return chunks;
}

/** Sentences of a paragraph (with their punctuation); a sentence longer than a chunk is cut at spaces. */
function sentences(content: string, p: Range, chunkSize: number): Range[] {
  const text = content.slice(p.start, p.end);
  const out: Range[] = [];
  let from = 0;
  const push = (a: number, b: number): void => {
    while (a < b && /\s/.test(text[a])) {
      a++;
    }
    if (a < b) {
      out.push(...hardSplit(text, a, b, chunkSize).map(([s, e]) => ({ start: p.start + s, end: p.start + e, heading: false })));
    }
  };
  for (const m of text.matchAll(SENTENCE_END)) {
    const end = (m.index ?? 0) + m[0].length;
    push(from, end);
    from = end;
  }
  push(from, text.length);
  return out;
}

function hardSplit(text: string, start: number, end: number, size: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let a = start;
  while (end - a > size) {
    let cut = text.lastIndexOf(' ', a + size);
    if (cut <= a + size / 2) {
      cut = a + size;
    }
    out.push([a, cut]);
    a = cut;
    while (a < end && /\s/.test(text[a])) {
      a++;
    }
  }
  if (a < end) {
    out.push([a, end]);
  }
  return out;
}

function packPieces(pieces: Range[], chunkSize: number): Range[] {
  const out: Range[] = [];
  let current: Range | undefined;
  for (const s of pieces) {
    if (current && s.end - current.start <= chunkSize) {
      current.end = s.end;
    } else {
      if (current) {
        out.push(current);
      }
      current = { ...s };
    }
  }
  if (current) {
    out.push(current);
  }
  return out;
}

/** Where the overlap taken from `prev` starts: its last `overlap` characters, moved to a word start. */
function overlapStart(content: string, prev: Range, overlap: number): number {
  let start = Math.max(prev.start, prev.end - overlap);
  if (start > prev.start && !/\s/.test(content[start - 1])) {
    const space = content.slice(start, prev.end).search(/\s/);
    if (space !== -1) {
      start += space;
    }
  }
  while (start < prev.end && /\s/.test(content[start])) {
    start++;
  }
  return start;
}
