/**
 * What a query carries besides its words. A bug report pasted as a query mixes prose with file
 * paths, dotted module names, `Class.method`, calls in code blocks, traceback frames and error
 * names; those name the code far better than the prose around them, and a whole-text keyword
 * search drowns them in the prose. The analysis finds them, by form only (no knowledge of any
 * project), so search can weigh them.
 */

export interface QueryTerm {
  /** As written (`Permutation`, `_print_Mul`, `is_upper`). */
  readonly text: string;
  /** How strongly the query points at it: title, code and tracebacks count more than prose. */
  readonly weight: number;
}

export interface QueryAnalysis {
  /** File paths as written, without a leading `./` or absolute prefix (`sympy/core/basic.py`). */
  readonly paths: readonly string[];
  /** Dotted module or attribute paths (`_pytest.assertion.rewrite`, `Matrix.is_upper`). */
  readonly dotted: readonly string[];
  /** Identifiers that look like code: in code, called, snake_case, camelCase, dotted, errors. */
  readonly identifiers: readonly QueryTerm[];
  /** Function names of traceback frames, with the frame's file when given. */
  readonly frames: ReadonlyArray<{ readonly path: string; readonly func: string }>;
  /** Whether the query reads like a report (long, or code/tracebacks in it) rather than a short question. */
  readonly issueShaped: boolean;
}

const EXT = String.raw`(?:py|pyi|pyx|js|jsx|mjs|cjs|ts|tsx|mts|java|kt|scala|go|rs|c|cc|cpp|h|hpp|cs|rb|php|swift|m|lua|sh|md|rst|txt|json|yaml|yml|toml|cfg|ini|html|css|vue|svelte)`;
/** A path with at least one slash and a known extension, or a bare file name with one. */
const PATH = new RegExp(String.raw`(?:[A-Za-z]:)?[\w.~-]*(?:[/\\][\w.-]+)*[/\\]?[\w-][\w.-]*\.${EXT}\b`, 'g');
const FRAME_PY = /File "([^"]+)", line \d+, in ([\w<>]+)/g;
const FRAME_AT = /\bat (?:[\w$.<>]+\.)?([\w$<>]+) \(([^():]+):\d+(?::\d+)?\)/g;
const DOTTED = /\b[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)+\b/g;
const WORD = /[A-Za-z_][\w]*/g;
const FENCE = /```[\s\S]*?(?:```|$)|~~~[\s\S]*?(?:~~~|$)/g;
const INLINE = /`([^`\n]+)`/g;
const CALL = /([A-Za-z_][\w]*)\s*\(/g;
const ERROR_NAME = /^[A-Z]\w*(?:Error|Exception|Warning|Fault)$/;
/** Console prompts and indented blocks also carry code. */
const CODE_LINE = /^(?:\s{4,}|\t|>>> |\.\.\. |In \[\d+\]: |\$ )/;

/** Words too common in code and prose to say anything on their own. */
const STOP = new Set(
  `a an and are as at be but by for from has have i if in into is it its of on or so that the their then there these this to was were will with
  not no yes do does did can could would should may might must we you he she they them our your my me us what which who when where why how
  all any some each other such only own same than too very just also get set new old use used using via like want need make made see
  def class self cls return import none true false null undefined var let const function async await try except raise pass else elif while
  print lambda yield assert del global nonlocal with as is in`
    .split(/\s+/)
    .filter(Boolean),
);

function clean(path: string): string {
  let p = path.replace(/\\/g, '/').replace(/^[A-Za-z]:/, '');
  // site-packages/…, an absolute checkout, or ./: keep what could be relative to a workspace.
  const site = p.lastIndexOf('-packages/');
  if (site >= 0) {
    p = p.slice(site + '-packages/'.length);
  }
  return p.replace(/^(?:\.\.?\/)+/, '').replace(/^\/+/, '');
}

/** The regions of a text that are code: fenced blocks, inline spans, console and indented lines. */
export function codeRegions(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(FENCE)) {
    out.push(m[0]);
  }
  const prose = text.replace(FENCE, ' ');
  for (const m of prose.matchAll(INLINE)) {
    out.push(m[1]);
  }
  const lines = prose.split('\n').filter((l) => CODE_LINE.test(l));
  if (lines.length > 0) {
    out.push(lines.join('\n'));
  }
  return out;
}

/** Snake_case, camelCase, PascalCase with an inner capital, leading underscore or digits: shaped like code. */
export function looksLikeCode(word: string): boolean {
  return /_/.test(word) || /[a-z][A-Z]/.test(word) || /^[A-Z][a-z0-9]+[A-Z]/.test(word) || /[A-Za-z][0-9]/.test(word);
}

type Frame = { readonly path: string; readonly func: string };

/** Traceback frames, and every path written in the text or in a frame. */
function locations(text: string): { frames: Frame[]; paths: Set<string> } {
  const frames: Frame[] = [];
  for (const m of text.matchAll(FRAME_PY)) {
    frames.push({ path: clean(m[1]), func: m[2] });
  }
  for (const m of text.matchAll(FRAME_AT)) {
    frames.push({ path: clean(m[2]), func: m[1] });
  }
  const paths = new Set<string>();
  for (const m of text.matchAll(PATH)) {
    const p = clean(m[0]);
    if (p && !/^\d/.test(p)) {
      paths.add(p);
    }
  }
  for (const f of frames) {
    if (/\.\w+$/.test(f.path)) {
      paths.add(f.path);
    }
  }
  return { frames, paths };
}

/** How strongly the text points at each name: frames, title, code regions, code-shaped words, dotted parts. */
function nameWeights(text: string, code: readonly string[], frames: readonly Frame[], dotted: ReadonlySet<string>): Map<string, number> {
  const weights = new Map<string, number>();
  const add = (word: string, w: number): void => {
    // Commit hashes and build ids (`e2060d5eec73`) are not names.
    if (word.length < 2 || STOP.has(word.toLowerCase()) || /^\d/.test(word) || (/\d/.test(word) && /^[0-9a-f]{7,}$/.test(word))) {
      return;
    }
    weights.set(word, (weights.get(word) ?? 0) + w);
  };
  for (const f of frames) {
    add(f.func, 2);
  }
  for (const m of (text.split('\n', 1)[0] ?? '').matchAll(WORD)) {
    add(m[0], looksLikeCode(m[0]) || ERROR_NAME.test(m[0]) ? 3 : 0);
  }
  for (const region of code) {
    // An inline span that is one name (`Permutation`, `is_upper()`) was marked as code by its author.
    const single = /^\s*([A-Za-z_]\w*)(?:\(\))?\s*$/.exec(region);
    if (single) {
      add(single[1], 1);
    }
    for (const m of region.matchAll(CALL)) {
      add(m[1], 1);
    }
    for (const m of region.matchAll(WORD)) {
      // A capitalized word used as code (`Matrix.zeros`, `Symbol(`, `a[0]`) is a name; one in a console banner is not.
      const next = region.charAt((m.index ?? 0) + m[0].length);
      add(m[0], looksLikeCode(m[0]) || (/^[A-Z]/.test(m[0]) && (next === '.' || next === '(' || next === '[')) ? 1 : 0.25);
    }
  }
  for (const m of text.matchAll(WORD)) {
    if (looksLikeCode(m[0]) || ERROR_NAME.test(m[0])) {
      add(m[0], 1);
    }
  }
  for (const d of dotted) {
    for (const part of d.split('.')) {
      add(part, 0.5);
    }
  }
  return weights;
}

export function analyzeQuery(query: string): QueryAnalysis {
  const text = query.replace(/\r\n?/g, '\n');
  const { frames, paths } = locations(text);
  const code = codeRegions(text);
  const dotted = new Set<string>();
  for (const region of [...code, text]) {
    for (const m of region.matchAll(DOTTED)) {
      if (!PATH_LIKE.test(m[0])) {
        dotted.add(m[0]);
      }
    }
  }
  const identifiers = [...nameWeights(text, code, frames, dotted).entries()]
    .filter(([, w]) => w > 0)
    .map(([t, weight]) => ({ text: t, weight }))
    .sort((a, b) => b.weight - a.weight || (a.text < b.text ? -1 : 1));
  const issueShaped = text.length > 400 || code.length > 0 || frames.length > 0 || text.split('\n').length > 4;
  return { paths: [...paths], dotted: [...dotted], identifiers, frames, issueShaped };
}

/** `a.b.py`-style strings matched by the dotted pattern are file names, not module paths. */
const PATH_LIKE = new RegExp(String.raw`\.${EXT}$`);

/** A lowercase word that says nothing in a report's keyword query: a stop word, one character, a number. */
export function isWeakWord(word: string): boolean {
  return word.length < 2 || STOP.has(word) || /^\d+$/.test(word);
}

/** Identifiers that go into a report's keyword query, and body words after the title's. */
const KEYWORD_IDENTIFIERS = 24;
const KEYWORD_BODY_WORDS = 40;

/**
 * The keyword (BM25) query for a report: the title's words, the strongest identifiers repeated by
 * weight (Milvus weighs a query term by its count in the query), then the body's first distinct
 * words. Each word counts once however often the report repeats it: a long report otherwise
 * outweighs its few names with its many words. Short questions are searched as typed.
 */
export function keywordQuery(query: string, analysis: QueryAnalysis = analyzeQuery(query)): string {
  if (!analysis.issueShaped) {
    return query;
  }
  const title = query.split('\n', 1)[0] ?? '';
  const words = (s: string): string[] => (s.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? []).filter((w) => !isWeakWord(w));
  const ids: string[] = [];
  for (const t of analysis.identifiers.slice(0, KEYWORD_IDENTIFIERS)) {
    for (let k = Math.min(3, Math.max(1, Math.round(t.weight))); k > 0; k--) {
      ids.push(t.text);
    }
  }
  const body = [...new Set(words(query))].slice(0, KEYWORD_BODY_WORDS);
  return [[...new Set(words(title))].join(' '), ids.join(' '), body.join(' ')].join('\n');
}

/** Characters of a report the embedding model is given (it reads the first 256 tokens or so). */
const DENSE_CHARS = 1200;

/**
 * What the embedding model reads for a report: its title, then the names it carries, then its
 * text, cut to what the model reads. A short question is embedded as typed.
 */
export function denseQuery(query: string, analysis: QueryAnalysis = analyzeQuery(query)): string {
  if (!analysis.issueShaped) {
    return query;
  }
  const [title = '', ...rest] = query.split('\n');
  const names = [...analysis.paths, ...analysis.identifiers.slice(0, 12).map((t) => t.text)].join(' ');
  return `${title}\n${names}\n${rest.join('\n')}`.slice(0, DENSE_CHARS);
}
