/**
 * The heading path of Markdown chunks. A chunk cut from the middle of a section has lost the
 * section's words ("Rate limits" sits three paragraphs up); the path puts them back into what BM25
 * and the embedder see, never into the text shown or cited.
 */

const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(```|~~~)/;
/** Joins the headings of a path, outermost first. */
export const SECTION_SEPARATOR = ' › ';
/** Characters a path keeps (the innermost headings win): it is context, not content. */
export const MAX_SECTION_CHARS = 400;

interface Heading {
  readonly offset: number;
  readonly level: number;
  readonly title: string;
}

/**
 * For each offset (ascending), the path of the ATX headings in force there: every heading before
 * the offset (or at it) that no later heading of the same or a higher level closed. Headings in
 * code fences are not headings. Setext headings (underlines) are not recognised.
 */
export function headingPaths(content: string, offsets: readonly number[]): string[] {
  const headings = atxHeadings(content);
  const stack: Heading[] = [];
  const out: string[] = [];
  let next = 0;
  for (const offset of offsets) {
    while (next < headings.length && headings[next].offset <= offset) {
      const h = headings[next++];
      while (stack.length > 0 && stack[stack.length - 1].level >= h.level) {
        stack.pop();
      }
      stack.push(h);
    }
    out.push(clip(stack.map((h) => h.title).filter((t) => t !== '').join(SECTION_SEPARATOR)));
  }
  return out;
}

function atxHeadings(content: string): Heading[] {
  const out: Heading[] = [];
  let inFence = false;
  let offset = 0;
  for (const line of content.split('\n')) {
    const lineStart = offset;
    offset += line.length + 1;
    if (FENCE.test(line)) {
      inFence = !inFence;
      continue;
    }
    const m = inFence ? null : ATX.exec(line.replace(/\r$/, ''));
    if (m) {
      // The offset of the heading's first non-space character: where the chunker starts a chunk.
      out.push({ offset: lineStart + (line.length - line.trimStart().length), level: m[1].length, title: (m[2] ?? '').trim() });
    }
  }
  return out;
}

/** The last MAX_SECTION_CHARS characters, cut at a separator when there is one. */
function clip(path: string): string {
  if (path.length <= MAX_SECTION_CHARS) {
    return path;
  }
  const tail = path.slice(path.length - MAX_SECTION_CHARS);
  const at = tail.indexOf(SECTION_SEPARATOR);
  return at >= 0 ? tail.slice(at + SECTION_SEPARATOR.length) : tail;
}
