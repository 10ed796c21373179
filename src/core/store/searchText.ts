/**
 * The text BM25 reads. Milvus' `standard` analyzer keeps `readAndChunkFile`, `search_documents`
 * and `retry.ts` as single tokens, so a question in words ("read and chunk a file") shares no term
 * with the code. Appending each compound identifier's parts, lowercased, lets lexical search meet
 * such questions; queries get the same treatment so both sides tokenize alike.
 */

/**
 * A compound word: letters/digits/underscores, optionally joined by `-`, `.`, `/` or `\`.
 * The separators are not in the word class, so the pattern cannot backtrack: linear time.
 */
const COMPOUND = /[\p{L}\p{N}_]+(?:[-./\\][\p{L}\p{N}_]+)*/gu;
const PIECES = /[^\p{L}\p{N}]+/u;
const UPPER = /\p{Lu}/u;
const LOWER = /\p{Ll}/u;
const DIGIT = /\p{N}/u;
/** Lowercase letters and digits only: one part, nothing to add (most words; checked first for speed). */
const PLAIN = /^[\p{Ll}\p{N}]+$/u;

/**
 * `text` followed by a line with the parts of every identifier that has any: camelCase and
 * PascalCase humps (`HTTPServerError` → `http server error`), snake_case, kebab-case, dotted
 * names and paths (`src/core/kimi/retry.ts` → `src core kimi retry ts`). One part per occurrence,
 * so term frequencies match the original text. Plain words add nothing.
 */
export function expandIdentifiers(text: string): string {
  const extra: string[] = [];
  for (const m of text.matchAll(COMPOUND)) {
    if (PLAIN.test(m[0])) {
      continue;
    }
    const parts = identifierParts(m[0]);
    if (parts.length > 1) {
      extra.push(parts.join(' '));
    }
  }
  return extra.length > 0 ? `${text}\n${extra.join(' ')}` : text;
}

/** The lowercase parts of one compound word (a single part when it has no inner boundary). */
export function identifierParts(word: string): string[] {
  const out: string[] = [];
  for (const piece of word.split(PIECES)) {
    if (piece) {
      splitHumps(piece, out);
    }
  }
  return out;
}

/** Splits at lower→Upper, digit→Upper and at the last capital of a run before a lowercase letter (`HTTPServer`). */
function splitHumps(piece: string, out: string[]): void {
  if (!UPPER.test(piece)) {
    // Every split is before a capital: without one the piece is one part.
    out.push(piece.toLowerCase());
    return;
  }
  const chars = Array.from(piece);
  let start = 0;
  for (let i = 1; i < chars.length; i++) {
    if (!UPPER.test(chars[i])) {
      continue;
    }
    const prev = chars[i - 1];
    const next = i + 1 < chars.length ? chars[i + 1] : '';
    if (LOWER.test(prev) || DIGIT.test(prev) || (UPPER.test(prev) && next !== '' && LOWER.test(next))) {
      out.push(chars.slice(start, i).join('').toLowerCase());
      start = i;
    }
  }
  out.push(chars.slice(start).join('').toLowerCase());
}

/** At most `maxBytes` of UTF-8, cut at a character boundary (never half a code point). */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) {
    return text;
  }
  const bytes = Buffer.from(text, 'utf8');
  let end = Math.max(0, maxBytes);
  // Back off continuation bytes (10xxxxxx) so the cut lands before a lead byte.
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) {
    end--;
  }
  return bytes.subarray(0, end).toString('utf8');
}

/** How a store fills the BM25 input: with identifier parts (the product), or the raw text (the old behaviour, for benchmarks). */
export type Bm25Text = 'identifiers' | 'raw';

/**
 * What a chunk is known by: the one composition of what the embedder embeds and what BM25
 * analyzes (before identifier expansion). The path is evidence for both; line numbers are not
 * (they are metadata, so a chunk that only moved keeps its input, its id and its vector). A
 * Markdown chunk's heading path (`Errors › Rate limits`) is evidence too: a chunk from the middle
 * of a section keeps its section's words. The displayed and cited text is the chunk's content
 * alone, stored separately.
 */
export function chunkInput(path: string, content: string, section = ''): string {
  return section ? `${path}\n${section}\n${content}` : `${path}\n${content}`;
}

/** The analyzed BM25 input of one stored chunk ('raw': without identifier parts, the benchmark's baseline). */
export function searchTextOf(path: string, text: string, mode: Bm25Text, maxBytes: number, section = ''): string {
  const input = chunkInput(path, text, section);
  return truncateUtf8(mode === 'raw' ? input : expandIdentifiers(input), maxBytes);
}

/** Milvus' standard analyzer's tokens (`\w+`): what a BM25 term is. */
const TERM = /[\p{L}\p{N}_]+/gu;

/** `query` without the terms `keep` rejects (compared lowercase); `query` itself when none would be left. */
export function keptTerms(query: string, keep: ((term: string) => boolean) | undefined): string {
  if (!keep) {
    return query;
  }
  const kept = (query.match(TERM) ?? []).filter((t) => keep(t.toLowerCase()));
  return kept.length > 0 ? kept.join(' ') : query;
}

/** The BM25 query for a user's question. */
export function searchQueryOf(query: string, mode: Bm25Text): string {
  return mode === 'raw' ? query : expandIdentifiers(query);
}
