import type { IndexProgress } from '../core/indexing/events';
import type { EmbeddingProgress } from '../core/indexing/embeddingProgress';
import { embeddingLine, retryAction } from '../text/embeddingText';
import { formatSeconds } from '../text/indexSummary';
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
    const eta = p.etaSeconds !== undefined && p.phase !== 'done' ? `, about ${formatSeconds(p.etaSeconds)} left` : '';
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
      io.stderr(`embedding: ${p.lastRetry.reason} (${retryAction(p.lastRetry)})\n`);
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

/** The copy of a collection into one with the new embedding setting: rows copied / total. */
export function copyPrinter(io: CliIO, name: string): (done: number, total: number) => void {
  let last = 0;
  return (done, total) => {
    const now = Date.now();
    if (now - last < EVERY_MS && done < total) {
      return;
    }
    last = now;
    io.stderr(`copying ${name} for the new embedding setting: ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} rows\n`);
  };
}
