/**
 * Plain-text renderings of tool results for surfaces whose model reads text rather than our
 * JSON (MCP clients, VS Code language-model tools): citations first, so they are quoted as is.
 */

interface HitJson {
  readonly citation?: unknown;
  readonly score?: unknown;
  readonly text?: unknown;
  /** search_workspace: why the file was chosen, and its other passages. */
  readonly why?: unknown;
  readonly also?: unknown;
}

function list(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

/** search_workspace / search_documents hits: "1. path:start-end (score …)" then the chunk, without its own header line. */
export function searchResultText(result: Readonly<Record<string, unknown>>): string {
  const hits = Array.isArray(result.results) ? (result.results as HitJson[]) : [];
  if (hits.length === 0) {
    return `${String(result.message)}. Nothing matched; try other words, or index the workspace again if files changed.`;
  }
  const blocks = hits.map((h, i) => {
    const citation = String(h.citation);
    const body = String(h.text);
    const nl = body.indexOf('\n');
    const text = nl !== -1 && body.slice(0, nl) === citation ? body.slice(nl + 1) : body;
    const why = list(h.why);
    const also = list(h.also);
    const notes = [...(why.length ? [`Why: ${why.join('; ')}`] : []), ...(also.length ? [`Also: ${also.join(', ')}`] : [])];
    return `${i + 1}. ${citation} (score ${String(h.score)})\n${notes.map((n) => `${n}\n`).join('')}${text}`;
  });
  return `${String(result.message)}. Cite each as given (path:start-end, or a document's page, slide or sheet).\n\n${blocks.join('\n\n')}`;
}

/** read_file: the citation, then the lines. */
export function readResultText(result: Readonly<Record<string, unknown>>): string {
  const note = typeof result.note === 'string' ? `\n\n(${result.note})` : '';
  return `${String(result.citation)} of ${String(result.total_lines)} lines\n${String(result.content)}${note}`;
}
