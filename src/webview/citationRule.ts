/**
 * A markdown-it plugin that turns citations (`json/__init__.py:2135-2175`, `a_b_c.py:3`) into
 * source links while the inline text is parsed, before emphasis: otherwise the underscores of
 * `__init__` become <strong> and the path is broken apart. It also links citations inside code
 * spans, and a bare file name when the answer's tools returned that file (env.known).
 * DOM-free, so unit tests run it in plain Node.
 */
import type MarkdownIt from 'markdown-it';
import type { SourceLink } from '../shared/chatModel';
import { formatSource, LOCATOR } from '../shared/chatModel';

/** What a render passes in and gets back through markdown-it's env. */
export interface CitationEnv {
  /** Sources the tools returned for this answer: roots for links, and the bare names worth linking. */
  readonly known: readonly SourceLink[];
  /** Filled by the render: every source the answer cites, in order of first mention. */
  cited: SourceLink[];
}

/** A relative path with an extension, optionally `:line` or `:start-end`. Sticky: matches at lastIndex only. */
const CITATION_AT = /((?:[\w@~.-]+\/)*[\w@~-][\w@~.-]*\.[A-Za-z][A-Za-z0-9]*)(?::(\d+)(?:-(\d+))?)?/y;
const PATH_CHAR = /[\w@~.\-/]/;
/** Where a citation may start: not inside a word, a path or a URL. */
const BEFORE = /[\w@~.\-/:\\]/;
/** A document path (by extension) followed by its page, slide or sheet: `spec.pdf p.12`, `deck.pptx slide 3`, `book.xlsx sheet 2`. */
const DOCUMENT_PATH = /\.(pdf|docx|pptx|xlsx|epub)$/i;
const LOCATOR_AFTER = / (p\. ?\d{1,6}|page \d{1,6}|slide \d{1,6}|sheet \d{1,6})(?![\w-])/iy;
/** The href prefix of a source link; the webview wires links with it to "open source". */
export const SOURCE_HREF = '#source:';

/** The citation starting exactly at `pos`, if any. */
export function citationAt(
  src: string,
  pos: number,
  known: readonly SourceLink[],
  max = src.length,
): { length: number; source: SourceLink } | undefined {
  if (pos > 0 && BEFORE.test(src[pos - 1] ?? '')) {
    return undefined;
  }
  CITATION_AT.lastIndex = pos;
  const m = CITATION_AT.exec(src);
  if (!m?.[1] || pos + m[0].length > max) {
    return undefined;
  }
  const next = src[pos + m[0].length] ?? '';
  if (/[\w/]/.test(next) || (m[2] === undefined && next === ':' && /\d/.test(src[pos + m[0].length + 1] ?? ''))) {
    return undefined;
  }
  const path = m[1];
  if (m[2] === undefined && DOCUMENT_PATH.test(path)) {
    LOCATOR_AFTER.lastIndex = pos + m[0].length;
    const l = LOCATOR_AFTER.exec(src);
    if (l?.[1] && pos + m[0].length + l[0].length <= max) {
      const locator = normalizeLocator(l[1]);
      const root = known.find((k) => k.path === path)?.root;
      return { length: m[0].length + l[0].length, source: { path, startLine: 1, endLine: 1, locator, ...(root ? { root } : {}) } };
    }
  }
  if (m[2] !== undefined) {
    const start = Number(m[2]);
    const end = m[3] !== undefined ? Number(m[3]) : start;
    if (start < 1 || end < start) {
      return undefined;
    }
    const root = known.find((k) => k.path === path)?.root;
    return { length: m[0].length, source: { path, startLine: start, endLine: end, ...(root ? { root } : {}) } };
  }
  // A bare name is linked only when it is a file the tools found: "decoder.py" could be anything.
  const matches = known.filter((k) => k.path === path || k.path.endsWith(`/${path}`));
  const paths = new Set(matches.map((k) => k.path));
  const hit = matches[0];
  if (!hit || paths.size !== 1) {
    return undefined;
  }
  return { length: m[0].length, source: { path: hit.path, startLine: 1, endLine: 1, ...(hit.root ? { root: hit.root } : {}) } };
}

/** `Page 12`, `p. 12` → `p.12`; `Slide 3` → `slide 3`. */
function normalizeLocator(text: string): string {
  const [word = '', n = ''] = text.toLowerCase().replace(/^p\. ?/, 'p.').split(/(?<=p\.)|\s+/);
  return word === 'page' || word === 'p.' ? `p.${n}` : `${word} ${n}`;
}

/** Every citation in plain text, with positions (used for code spans and by tests). */
export function findCitations(text: string, known: readonly SourceLink[] = []): Array<{ index: number; length: number; source: SourceLink }> {
  const out: Array<{ index: number; length: number; source: SourceLink }> = [];
  for (let i = 0; i < text.length; ) {
    const hit = citationAt(text, i, known);
    if (hit) {
      out.push({ index: i, ...hit });
      i += hit.length;
    } else {
      i++;
    }
  }
  return out;
}

/** Parses a link made by sourceHref back into a SourceLink (root comes from the known sources). */
export function parseSourceHref(href: string, known: readonly SourceLink[]): SourceLink | undefined {
  if (!href.startsWith(SOURCE_HREF)) {
    return undefined;
  }
  let text: string;
  try {
    text = decodeURIComponent(href.slice(SOURCE_HREF.length));
  } catch {
    return undefined;
  }
  const m = /^(.+):(\d+)-(\d+)(?:\|(.+))?$/.exec(text);
  if (!m?.[1] || (m[4] !== undefined && !LOCATOR.test(m[4]))) {
    return undefined;
  }
  const path = m[1];
  const startLine = Number(m[2]);
  const endLine = Number(m[3]);
  if (!(startLine >= 1 && endLine >= startLine)) {
    return undefined;
  }
  const root = known.find((k) => k.path === path)?.root;
  return { path, startLine, endLine, ...(root ? { root } : {}), ...(m[4] ? { locator: m[4] } : {}) };
}

function sourceHref(s: SourceLink): string {
  return SOURCE_HREF + encodeURIComponent(`${s.path}:${s.startLine}-${s.endLine}${s.locator ? `|${s.locator}` : ''}`);
}

function envOf(env: unknown): CitationEnv | undefined {
  return typeof env === 'object' && env !== null && 'cited' in env && Array.isArray((env as CitationEnv).cited) ? (env as CitationEnv) : undefined;
}

/** Records a cited source; a bare file name cites the passages of that file the tools returned. */
function note(env: CitationEnv | undefined, source: SourceLink, label: string): void {
  if (!env) {
    return;
  }
  const sources = source.locator || /:\d+(-\d+)?$/.test(label) ? [source] : env.known.filter((k) => k.path === source.path);
  for (const s of sources) {
    if (!env.cited.some((c) => c.path === s.path && c.startLine === s.startLine && c.endLine === s.endLine && c.locator === s.locator)) {
      env.cited.push(s);
    }
  }
}

type Md = ReturnType<typeof MarkdownIt>;
type InlineRule = Parameters<Md['inline']['ruler']['at']>[1];

export const citationPlugin = (md: Md): void => {
  const escape = md.utils.escapeHtml;
  const link = (source: SourceLink, label: string): string =>
    `<a href="${escape(sourceHref(source))}" class="source" title="${escape(`Open ${formatSource(source)}`)}">${escape(label)}</a>`;
  md.inline.ruler.before('text', 'citation', citationRule);
  md.inline.ruler.at('text', textRule);

  md.renderer.rules.citation = (tokens, idx, _options, env) => {
    const token = tokens[idx];
    const source = (token?.meta as { source?: SourceLink } | null)?.source;
    if (!source) {
      return md.utils.escapeHtml(token?.content ?? '');
    }
    const label = token?.content ?? formatSource(source);
    note(envOf(env), source, label);
    return link(source, label);
  };

  md.renderer.rules.code_inline = (tokens, idx, _options, env) => {
    const content = tokens[idx]?.content ?? '';
    const e = envOf(env);
    let html = '';
    let pos = 0;
    for (const hit of findCitations(content, e?.known ?? [])) {
      const label = content.slice(hit.index, hit.index + hit.length);
      note(e, hit.source, label);
      html += escape(content.slice(pos, hit.index)) + link(hit.source, label);
      pos = hit.index + hit.length;
    }
    return `<code>${html}${escape(content.slice(pos))}</code>`;
  };
};

/** A citation at the current position becomes one `citation` token (rendered as a source link). */
const citationRule: InlineRule = (state, silent) => {
  const env = envOf(state.env);
  const hit = citationAt(state.src, state.pos, env?.known ?? [], state.posMax);
  if (!hit || state.linkLevel > 0) {
    return false;
  }
  if (!silent) {
    const token = state.push('citation', '', 0);
    token.content = state.src.slice(state.pos, state.pos + hit.length);
    token.meta = { source: hit.source };
  }
  state.pos += hit.length;
  return true;
};

/**
 * The built-in text rule swallows "see json/" up to the next "_", so it never gives the
 * citation rule a chance at the path's first character. This one also stops where a word starts.
 */
const textRule: InlineRule = (state, silent) => {
  const src = state.src;
  let pos = state.pos;
  while (pos < state.posMax && !isTerminator(src.charCodeAt(pos))) {
    if (pos > state.pos && PATH_CHAR.test(src[pos] ?? '') && !BEFORE.test(src[pos - 1] ?? '')) {
      break;
    }
    pos++;
  }
  if (pos === state.pos) {
    return false;
  }
  if (!silent) {
    state.pending += src.slice(state.pos, pos);
  }
  state.pos = pos;
  return true;
};

/** markdown-it's own terminator characters (rules_inline/text): where other inline rules may start. */
function isTerminator(ch: number): boolean {
  switch (ch) {
    case 0x0a: case 0x21: case 0x23: case 0x24: case 0x25: case 0x26: case 0x2a: case 0x2b: case 0x2d:
    case 0x3a: case 0x3c: case 0x3d: case 0x3e: case 0x40: case 0x5b: case 0x5c: case 0x5d: case 0x5e:
    case 0x5f: case 0x60: case 0x7b: case 0x7d: case 0x7e:
      return true;
    default:
      return false;
  }
}
