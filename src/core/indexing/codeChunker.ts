import type { LanguageFamily } from './language';
import type { TextSpan } from './lineIndex';

export interface CodeChunkLimits {
  readonly maxLines: number;
  readonly maxChars: number;
  /** Share of the maximum a chunk holds before it may end at an anchor (the product's: CODE_MIN_FILL). */
  readonly minFill: number;
  /** A definition is an anchor when its first line's hash has these bits clear (the product's: CODE_ANCHOR_MASK). */
  readonly anchorMask: number;
}

/** Lines that close a block rather than start a definition. */
const CLOSER = /^\s*([}\])]|end\b|fi\b|done\b|esac\b|<\/)/;
/** Comments, decorators and attributes belong to the definition below them. */
const LEADER: Readonly<Record<LanguageFamily, RegExp>> = {
  'c-like': /^\s*(\/\/|\/\*|\*|@|#\[|\[[A-Z])/,
  python: /^\s*(#|@)/,
  ruby: /^\s*(#|--)/,
  shell: /^\s*#/,
  markup: /^\s*<!--/,
  data: /^\s*(#|\/\/|--|;)/,
  prose: /^$/,
};

interface Line {
  readonly text: string;
  readonly indent: number;
  readonly blank: boolean;
}

/**
 * Code is cut on line boundaries into readable units: top-level definitions (lines at the
 * outermost indentation that do not close a block, together with the comments and decorators
 * above them) are packed into chunks of at most `maxLines`/`maxChars`; a definition too large
 * for one chunk is split the same way one indentation level deeper, and flat code falls back to
 * windows that prefer to end at a blank line. Indentation is a language-agnostic proxy for
 * structure that works for every language family without a parser.
 */
export function chunkCode(content: string, family: LanguageFamily, limits: CodeChunkLimits): TextSpan[] {
  const lines: Line[] = content.split('\n').map((text) => {
    const lead = /^[ \t]*/.exec(text)?.[0] ?? '';
    return { text, indent: lead.replace(/\t/g, '    ').length, blank: text.trim() === '' };
  });
  const spans: TextSpan[] = [];
  const ctx: Ctx = { lines, family, limits, spans };
  split(ctx, 0, lines.length, minIndent(lines, 0, lines.length));
  return spans;
}

interface Ctx {
  readonly lines: Line[];
  readonly family: LanguageFamily;
  readonly limits: CodeChunkLimits;
  readonly spans: TextSpan[];
}

function split(ctx: Ctx, from: number, to: number, level: number): void {
  const units = unitsAt(ctx, from, to, level);
  let cur: [number, number] | undefined;
  const flush = (): void => {
    if (cur) {
      emit(ctx, cur[0], cur[1]);
      cur = undefined;
    }
  };
  for (const [a, b] of units) {
    if (!fits(ctx, a, b)) {
      // Flat lines just before a big definition (a header, imports, a comment) lead into its first piece.
      let from = a;
      if (cur && deeperIndent(ctx, cur[0], cur[1], level) === undefined) {
        from = cur[0];
        cur = undefined;
      }
      flush();
      const inner = deeperIndent(ctx, a, b, level);
      if (inner !== undefined) {
        split(ctx, from, b, inner);
      } else {
        windows(ctx, from, b);
      }
    } else if (cur && fits(ctx, cur[0], b) && !(isAnchor(ctx, a, b) && reachedMin(ctx, cur[0], cur[1]))) {
      cur[1] = b;
    } else {
      flush();
      cur = [a, b];
    }
  }
  flush();
}

/**
 * Content-defined cuts: once a chunk holds a tenth of its maximum (CODE_MIN_FILL), it ends before
 * the next definition whose first line hashes to an anchor (one in two, CODE_ANCHOR_MASK). Where
 * chunks end then depends on the code around the cut, not on everything above it, so inserting or
 * deleting a definition changes the chunk it is in and seldom more; greedy packing would shift
 * every later boundary.
 */
function isAnchor(ctx: Ctx, from: number, to: number): boolean {
  const leader = LEADER[ctx.family];
  for (let i = from; i < to; i++) {
    const l = ctx.lines[i];
    if (!l.blank && !leader.test(l.text)) {
      return (fnv1a(l.text.trim()) & ctx.limits.anchorMask) === 0;
    }
  }
  return false;
}

function reachedMin(ctx: Ctx, from: number, to: number): boolean {
  const [a, b] = trimmed(ctx.lines, from, to);
  let chars = 0;
  for (let i = a; i < b; i++) {
    chars += ctx.lines[i].text.length + 1;
  }
  const { maxLines, maxChars, minFill } = ctx.limits;
  return b - a >= maxLines * minFill || chars >= maxChars * minFill;
}

/** 32-bit FNV-1a: a fast, stable hash (anchors must not change between runs or versions). */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Splits [from, to) at the starts of definitions at `level`. The first unit always starts at `from`. */
function unitsAt(ctx: Ctx, from: number, to: number, level: number): Array<[number, number]> {
  const { lines } = ctx;
  const leader = LEADER[ctx.family];
  const starts: number[] = [from];
  for (let i = from + 1; i < to; i++) {
    const l = lines[i];
    if (l.blank || l.indent !== level || CLOSER.test(l.text)) {
      continue;
    }
    // Comments and decorators directly above (a doc comment's ` *` lines are indented) travel with it.
    let start = i;
    while (start - 1 > from && !lines[start - 1].blank && lines[start - 1].indent >= level && leader.test(lines[start - 1].text)) {
      start--;
    }
    if (start > starts[starts.length - 1]) {
      starts.push(start);
    }
  }
  return starts.map((s, k) => [s, k + 1 < starts.length ? starts[k + 1] : to]);
}

/** Windows of at most maxLines/maxChars, ending at a blank line when one is in the last third. */
function windows(ctx: Ctx, from: number, to: number): void {
  const { lines, limits } = ctx;
  let a = from;
  while (a < to) {
    if (lines[a].text.length > limits.maxChars) {
      emitLongLine(ctx, a);
      a++;
      continue;
    }
    let b = a;
    let chars = 0;
    while (b < to && b - a < limits.maxLines && chars + lines[b].text.length + 1 <= limits.maxChars) {
      chars += lines[b].text.length + 1;
      b++;
    }
    if (b < to) {
      for (let k = b - 1; k > a + Math.floor(((b - a) * 2) / 3); k--) {
        if (lines[k].blank) {
          b = k + 1;
          break;
        }
      }
    }
    emit(ctx, a, b);
    a = b;
  }
}

function emitLongLine(ctx: Ctx, index: number): void {
  const text = ctx.lines[index].text;
  for (let i = 0; i < text.length; i += ctx.limits.maxChars) {
    const piece = text.slice(i, i + ctx.limits.maxChars);
    if (piece.trim() !== '') {
      ctx.spans.push({ content: piece, startLine: index + 1, endLine: index + 1 });
    }
  }
}

function fits(ctx: Ctx, from: number, to: number): boolean {
  const [a, b] = trimmed(ctx.lines, from, to);
  if (b - a > ctx.limits.maxLines) {
    return false;
  }
  let chars = 0;
  for (let i = a; i < b; i++) {
    chars += ctx.lines[i].text.length + 1;
  }
  return chars <= ctx.limits.maxChars;
}

function emit(ctx: Ctx, from: number, to: number): void {
  const [a, b] = trimmed(ctx.lines, from, to);
  if (a >= b) {
    return;
  }
  if (!fits(ctx, a, b)) {
    windows(ctx, a, b);
    return;
  }
  const content = ctx.lines
    .slice(a, b)
    .map((l) => l.text)
    .join('\n');
  ctx.spans.push({ content, startLine: a + 1, endLine: b });
}

/** The range without leading and trailing blank lines. */
function trimmed(lines: Line[], from: number, to: number): [number, number] {
  let a = from;
  let b = to;
  while (a < b && lines[a].blank) {
    a++;
  }
  while (b > a && lines[b - 1].blank) {
    b--;
  }
  return [a, b];
}

/**
 * The shallowest indentation deeper than `level` in [from, to): where the body of a definition
 * sits. Comment lines do not count (a doc comment's ` * ` lines are indented by one).
 */
function deeperIndent(ctx: Ctx, from: number, to: number, level: number): number | undefined {
  const leader = LEADER[ctx.family];
  let min: number | undefined;
  for (let i = from; i < to; i++) {
    const l = ctx.lines[i];
    if (!l.blank && l.indent > level && (min === undefined || l.indent < min) && !leader.test(l.text)) {
      min = l.indent;
    }
  }
  return min;
}

function minIndent(lines: Line[], from: number, to: number): number {
  let min = Number.POSITIVE_INFINITY;
  for (let i = from; i < to; i++) {
    if (!lines[i].blank && lines[i].indent < min) {
      min = lines[i].indent;
    }
  }
  return Number.isFinite(min) ? min : 0;
}
