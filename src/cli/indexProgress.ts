import type { IndexProgress } from '../core/indexing/events';
import type { EmbeddingProgress } from '../core/indexing/embeddingProgress';
import type { CliIO } from './command';

/** Progress lines go to stderr at most every two seconds; stdout stays clean for --json. */
const EVERY_MS = 2000;

/** The file phases of an index run (discovering, chunking, writing…). */
export function progressPrinter(io: CliIO): (p: IndexProgress) => void {
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (now - last < EVERY_MS && p.phase !== 'done') {
      return;
    }
    last = now;
    const eta = p.etaSeconds !== undefined && p.phase !== 'done' ? `, about ${duration(p.etaSeconds)} left` : '';
    io.stderr(`${p.phase}: ${p.filesDone}/${p.filesTotal} files, ${p.chunksDone} chunks${eta}\n`);
  };
}

/**
 * The embedding phase: chunks with vectors / total, tokens/s and time left, every two seconds and
 * at the end; a request sent again (split after a deadline, or retried) is printed when it happens,
 * with its reason, so a slow endpoint is never silent.
 */
export function embeddingPrinter(io: CliIO): (p: EmbeddingProgress) => void {
  let last = 0;
  let retries = 0;
  let finishedShown = false;
  return (p) => {
    if (p.lastRetry && p.retries > retries) {
      retries = p.retries;
      const r = p.lastRetry;
      const what = r.action === 'split' ? `sending its ${r.inputs} chunks again as two smaller requests` : `retry ${r.attempt} of ${r.maxRetries}`;
      io.stderr(`embedding: ${r.reason} (${what})\n`);
    }
    const now = Date.now();
    const finished = p.chunksDone >= p.chunksTotal;
    if ((now - last < EVERY_MS && !finished) || (finished && finishedShown)) {
      return;
    }
    last = now;
    finishedShown = finished;
    io.stderr(`${embeddingLine(p)}\n`);
  };
}

export function embeddingLine(p: EmbeddingProgress): string {
  const rate = p.tokensPerSecond !== undefined ? `, ${Math.round(p.tokensPerSecond).toLocaleString('en-US')} tokens/s` : '';
  const eta = p.etaSeconds !== undefined && p.chunksDone < p.chunksTotal ? `, about ${duration(p.etaSeconds)} left` : '';
  const retried = p.retries > 0 ? `, ${p.retries} request${p.retries === 1 ? '' : 's'} sent again` : '';
  return `embedding: ${p.chunksDone.toLocaleString('en-US')}/${p.chunksTotal.toLocaleString('en-US')} chunks${rate}${eta}${retried}`;
}

function duration(seconds: number): string {
  if (seconds < 90) {
    return `${Math.max(1, Math.round(seconds))} s`;
  }
  const minutes = Math.round(seconds / 60);
  return minutes < 90 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
