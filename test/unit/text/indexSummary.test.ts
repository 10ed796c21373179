import { strict as assert } from 'node:assert';
import type { IndexSummary } from '../../../src/core/indexing/events';
import { folderSummaryText, formatSeconds, progressMessage, progressPercent, skippedBreakdown, summaryMessage } from '../../../src/text/indexSummary';

function summary(over: Partial<IndexSummary>): IndexSummary {
  return {
    collection: 'c',
    root: '/w',
    dryRun: false,
    filesTotal: 0,
    filesIndexed: 0,
    filesUnchanged: 0,
    filesDeleted: 0,
    chunksWritten: 0,
    chunksDeleted: 0,
    chunksEmbedded: 0,
    bytes: 0,
    skipped: [],
    durationMs: 0,
    cancelled: false,
    ...over,
  };
}

describe('indexing text', () => {
  it('progress: files, chunks and ETA', () => {
    const p = { phase: 'embedding' as const, filesDone: 30, filesTotal: 120, chunksDone: 410, etaSeconds: 95 };
    assert.equal(progressMessage(p), 'Embedding · 30/120 files · 410 chunks · about 1 min 35 s left');
    assert.equal(progressMessage(p, 'app'), 'app: Embedding · 30/120 files · 410 chunks · about 1 min 35 s left');
    assert.equal(progressPercent(p), 25);
    assert.equal(progressPercent({ ...p, filesTotal: 0 }), 0);
    assert.equal(progressPercent({ ...p, phase: 'done' }), 100);
  });

  it('seconds', () => {
    assert.equal(formatSeconds(0.2), '1 s');
    assert.equal(formatSeconds(42), '42 s');
    assert.equal(formatSeconds(120), '2 min');
  });

  it('skipped reasons, most frequent first', () => {
    assert.equal(
      skippedBreakdown([
        { path: 'a.png', reason: 'binary' },
        { path: 'b', reason: 'ignored' },
        { path: 'c', reason: 'ignored' },
        { path: '.env', reason: 'secret' },
      ]),
      '2 ignored, 1 binary, 1 secret files',
    );
  });

  it('summary over folders', () => {
    const text = summaryMessage([
      summary({ filesIndexed: 3, filesUnchanged: 2, chunksWritten: 9, durationMs: 1500, skipped: [{ path: 'x.bin', reason: 'binary' }] }),
      summary({ filesIndexed: 1, chunksWritten: 2, filesDeleted: 1, durationMs: 500 }),
    ]);
    assert.equal(text, 'Indexed 4 files (11 chunks); 2 unchanged; 1 removed; 1 skipped: 1 binary. Took 2.0 s.');
    assert.match(summaryMessage([summary({ filesIndexed: 1, cancelled: true })]), /^Indexing cancelled after 1 file/);
  });

  it('the summary reports the whole time the user waited, setup included', () => {
    const one = [summary({ filesIndexed: 5, durationMs: 1_400 })];
    assert.match(summaryMessage(one, 72_000), /Took 72 s \(Milvus setup 71 s, indexing 1\.4 s\)\.$/);
    assert.match(summaryMessage(one, 1_600), /Took 1\.6 s\.$/);
    assert.match(summaryMessage(one), /Took 1\.4 s\.$/);
  });

  it("one folder's run in full, for the CLI and the MCP tool", () => {
    const run = summary({ filesTotal: 7, filesIndexed: 4, filesUnchanged: 2, filesDeleted: 1, chunksWritten: 11, chunksEmbedded: 9, chunksDeleted: 3, durationMs: 2_345 });
    assert.equal(
      folderSummaryText(run, 'run'),
      'Indexed /w into c in 2.3 s. Files: 7 (4 written, 2 unchanged, 1 removed). Chunks: 11 written, 9 embedded, 3 deleted.',
    );
    const skipped = summary({ ...run, cancelled: true, skipped: [{ path: 'a.png', reason: 'binary' }, { path: 'b', reason: 'too-large' }, { path: 'c', reason: 'too-large' }] });
    assert.match(folderSummaryText(skipped, 'run'), /^Cancelled indexing \/w; the collection is consistent, run again to finish\. Files: 7 /);
    assert.match(folderSummaryText(skipped, 'call'), /, call again to finish\. .* deleted\. Skipped 3: 2 too large, 1 binary\.$/);
    const dry = summary({ dryRun: true, filesIndexed: 5, bytes: 1234, estimatedChunks: 8, estimatedTokens: 900 });
    assert.equal(folderSummaryText(dry, 'run'), 'Dry run of /w → c: 5 files, 1234 bytes, about 8 chunks and 900 embedding tokens.');
  });
});
