/**
 * The words for the embedding phase (vectors filled after the rows are written), for every front
 * end: the CLI's stderr lines, the VS Code notification and the status bar. Pure, so it is
 * unit-tested without VS Code.
 */
import type { EmbeddingProgress } from '../core/indexing/embeddingProgress';
import type { EmbedRetry } from '../core/embedding/embedder';
import { formatSeconds } from './indexSummary';
import type { EmbeddingSpec } from '../core/store/types';

const count = (n: number): string => n.toLocaleString('en-US');

/** The parts of a progress report: chunks, tokens/s, time left, requests sent again (absent ones left out). */
function progressParts(p: EmbeddingProgress): string[] {
  const parts = [
    `${count(p.chunksDone)}/${count(p.chunksTotal)} chunks`,
    p.tokensPerSecond !== undefined ? `${count(Math.round(p.tokensPerSecond))} tokens/s` : undefined,
    p.etaSeconds !== undefined && p.chunksDone < p.chunksTotal ? `about ${formatSeconds(p.etaSeconds)} left` : undefined,
    p.retries > 0 ? `${p.retries} ${p.retries === 1 ? 'request' : 'requests'} sent again` : undefined,
  ];
  return parts.filter((x) => x !== undefined);
}

/** "1,234/4,845 chunks · 5,210 tokens/s · about 3 min 10 s left · 1 request sent again", for the notification. */
export function embeddingMessage(p: EmbeddingProgress): string {
  return progressParts(p).join(' · ');
}

/** "embedding: 1,234/4,845 chunks, 5,210 tokens/s, about 3 min 10 s left", a line of the CLI's stderr. */
export function embeddingLine(p: EmbeddingProgress): string {
  return `embedding: ${progressParts(p).join(', ')}`;
}

/** What was done about a failed request: "sending its 64 chunks again as two smaller requests", "retry 2 of 6". */
export function retryAction(r: EmbedRetry): string {
  return r.action === 'split' ? `sending its ${r.inputs} chunks again as two smaller requests` : `retry ${r.attempt} of ${r.maxRetries}`;
}

/** The status bar's tooltip while vectors are filled: the progress, and why requests were sent again. */
export function embeddingTooltip(files: number, p: EmbeddingProgress): string {
  const lines = [`Indexed ${count(files)} files; keyword search covers all of them.`, `Embedding for semantic search: ${embeddingMessage(p)}.`];
  const r = p.lastRetry;
  if (r) {
    const what = r.action === 'split' ? `its ${r.inputs} chunks were sent again as two smaller requests` : `retry ${r.attempt} of ${r.maxRetries}`;
    lines.push(`Last retry: ${r.reason} (${what})`);
  }
  return lines.join('\n');
}

/** An embedding setting as a person reads it: "all-MiniLM-L6-v2 (local), 384 dimensions". */
export function showSpec(spec: EmbeddingSpec | null): string {
  if (!spec) {
    return 'keyword search only';
  }
  const [provider, ...model] = spec.model.split(':');
  const name = model.length > 0 ? `${model.join(':')} (${provider === 'local' ? 'local' : provider})` : spec.model;
  return `${name}, ${spec.dimensions} dimensions`;
}
