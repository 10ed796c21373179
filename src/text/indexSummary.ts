/**
 * The words for indexing progress and results, one formatter for every front end: the VS Code
 * notifications, the CLI's output and the MCP index_workspace result. Pure, so it is unit-tested
 * without VS Code.
 */
import type { IndexProgress, IndexSummary, SkipReason } from '../core/indexing/events';

const PHASES: Record<IndexProgress['phase'], string> = {
  discovering: 'Finding files',
  diffing: 'Comparing with the index',
  chunking: 'Reading',
  embedding: 'Embedding',
  writing: 'Writing',
  deleting: 'Removing deleted files',
  done: 'Done',
};

export function progressPercent(p: IndexProgress): number {
  if (p.phase === 'done') {
    return 100;
  }
  return p.filesTotal > 0 ? Math.min(100, (100 * p.filesDone) / p.filesTotal) : 0;
}

export function progressMessage(p: IndexProgress, folderLabel?: string): string {
  const parts = [
    folderLabel ? `${folderLabel}: ${PHASES[p.phase]}` : PHASES[p.phase],
    p.filesTotal > 0 ? `${p.filesDone}/${p.filesTotal} files` : undefined,
    p.chunksDone > 0 ? `${p.chunksDone} chunks` : undefined,
    p.etaSeconds !== undefined && p.etaSeconds > 0 ? `about ${formatSeconds(p.etaSeconds)} left` : undefined,
  ];
  return parts.filter((x) => x !== undefined).join(' · ');
}

export function formatSeconds(seconds: number): string {
  if (seconds < 60) {
    return `${Math.max(1, Math.round(seconds))} s`;
  }
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return s === 0 ? `${m} min` : `${m} min ${s} s`;
}

const REASONS: Record<SkipReason, string> = {
  ignored: 'ignored',
  excluded: 'excluded',
  'not-included': 'not a supported type',
  secret: 'secret files',
  binary: 'binary',
  'too-large': 'too large',
  minified: 'minified',
  'symlink-loop': 'symlink loops',
  duplicate: 'other names of indexed files',
  'special-file': 'pipes, sockets or devices',
  undecodable: 'unknown encodings',
  'outside-root': 'outside the folder',
  unreadable: 'unreadable',
  empty: 'empty',
  encrypted: 'password-protected documents',
  'no-text': 'documents without text',
  corrupt: 'damaged documents',
  'extract-failed': 'documents not read this time',
};

/** "12 ignored, 2 too large" — reasons ordered by count. */
export function skippedBreakdown(skipped: IndexSummary['skipped']): string {
  const counts = new Map<SkipReason, number>();
  for (const s of skipped) {
    counts.set(s.reason, (counts.get(s.reason) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([reason, n]) => `${n} ${REASONS[reason] ?? reason}`)
    .join(', ');
}

/**
 * One sentence summing up a run over one or more folders. `totalMs`: the whole run as the user
 * waited for it (Milvus setup included); when setup took a while, the indexing part is named too.
 */
export function summaryMessage(summaries: readonly IndexSummary[], totalMs?: number): string {
  const sum = (f: (s: IndexSummary) => number): number => summaries.reduce((n, s) => n + f(s), 0);
  const indexed = sum((s) => s.filesIndexed);
  const unchanged = sum((s) => s.filesUnchanged);
  const deleted = sum((s) => s.filesDeleted);
  const chunks = sum((s) => s.chunksWritten);
  const seconds = sum((s) => s.durationMs) / 1000;
  const skipped = summaries.flatMap((s) => s.skipped);
  const cancelled = summaries.some((s) => s.cancelled);
  const parts = [
    `${cancelled ? 'Indexing cancelled after' : 'Indexed'} ${indexed} ${indexed === 1 ? 'file' : 'files'} (${chunks} chunks)`,
    unchanged > 0 ? `${unchanged} unchanged` : undefined,
    deleted > 0 ? `${deleted} removed` : undefined,
    skipped.length > 0 ? `${skipped.length} skipped: ${skippedBreakdown(skipped)}` : undefined,
  ].filter((x) => x !== undefined);
  const fmt = (x: number): string => `${x < 10 ? x.toFixed(1) : Math.round(x)} s`;
  const total = totalMs === undefined ? seconds : Math.max(seconds, totalMs / 1000);
  const setup = total - seconds;
  return `${parts.join('; ')}. Took ${fmt(total)}${setup >= 1 ? ` (Milvus setup ${fmt(setup)}, indexing ${fmt(seconds)})` : ''}.`;
}

/**
 * One folder's run in full: files and chunks written, unchanged, removed, and why files were
 * skipped. `again`: the verb a reader resumes a cancelled run with ("run" the command again, or
 * "call" the tool again).
 */
export function folderSummaryText(s: IndexSummary, again: 'run' | 'call'): string {
  const skipped = s.skipped.length ? ` Skipped ${s.skipped.length}: ${skippedBreakdown(s.skipped)}.` : '';
  if (s.dryRun) {
    return (
      `Dry run of ${s.root} → ${s.collection}: ${s.filesIndexed} files, ${s.bytes} bytes, about ${s.estimatedChunks ?? 0} chunks ` +
      `and ${s.estimatedTokens ?? 0} embedding tokens.${skipped}`
    );
  }
  const head = s.cancelled
    ? `Cancelled indexing ${s.root}; the collection is consistent, ${again} again to finish.`
    : `Indexed ${s.root} into ${s.collection} in ${(s.durationMs / 1000).toFixed(1)} s.`;
  return (
    `${head} Files: ${s.filesTotal} (${s.filesIndexed} written, ${s.filesUnchanged} unchanged, ${s.filesDeleted} removed). ` +
    `Chunks: ${s.chunksWritten} written, ${s.chunksEmbedded} embedded, ${s.chunksDeleted} deleted.${skipped}`
  );
}
