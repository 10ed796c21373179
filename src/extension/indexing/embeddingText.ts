/** User-facing text for the embedding phase (the background fill). Pure, so it is unit-tested without VS Code. */
import type { EmbeddingProgress } from '../../core/indexing/embeddingProgress';
import { formatSeconds } from './summaryText';

const count = (n: number): string => n.toLocaleString('en-US');

/** "1,234/4,845 chunks · 5,210 tokens/s · about 3 min left · 1 request sent again", for the notification. */
export function embeddingMessage(p: EmbeddingProgress): string {
  const parts = [
    `${count(p.chunksDone)}/${count(p.chunksTotal)} chunks`,
    p.tokensPerSecond !== undefined ? `${count(Math.round(p.tokensPerSecond))} tokens/s` : undefined,
    p.etaSeconds !== undefined && p.chunksDone < p.chunksTotal ? `about ${formatSeconds(p.etaSeconds)} left` : undefined,
    p.retries > 0 ? `${p.retries} ${p.retries === 1 ? 'request' : 'requests'} sent again` : undefined,
  ];
  return parts.filter((x) => x !== undefined).join(' · ');
}

/** The status bar's tooltip while vectors are filled: the progress, and why requests were sent again. */
export function embeddingTooltip(files: number, p: EmbeddingProgress): string {
  const lines = [
    `Indexed ${count(files)} files; keyword search covers all of them.`,
    `Embedding for semantic search: ${embeddingMessage(p)}.`,
  ];
  if (p.lastRetry) {
    const what = p.lastRetry.action === 'split' ? `its ${p.lastRetry.inputs} chunks were sent again as two smaller requests` : `retry ${p.lastRetry.attempt} of ${p.lastRetry.maxRetries}`;
    lines.push(`Last retry: ${p.lastRetry.reason} (${what})`);
  }
  return lines.join('\n');
}
