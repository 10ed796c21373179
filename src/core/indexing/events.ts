/** Progress and results of indexing, observed by the extension (progress UI, status bar) and the CLI. */

export type IndexPhase = 'discovering' | 'diffing' | 'chunking' | 'embedding' | 'writing' | 'deleting' | 'done';

export interface IndexProgress {
  readonly phase: IndexPhase;
  readonly filesDone: number;
  readonly filesTotal: number;
  readonly chunksDone: number;
  /** Estimated seconds left, when it can be estimated. */
  readonly etaSeconds?: number;
  /** The file being processed, relative to the root. */
  readonly currentFile?: string;
}

export type SkipReason =
  | 'ignored'
  | 'excluded'
  | 'not-included'
  | 'secret'
  | 'binary'
  | 'too-large'
  | 'minified'
  | 'symlink-loop'
  /** Another name (symlink or hard link) of a file or folder that is indexed, or judged, under its own name. */
  | 'duplicate'
  /** A FIFO, socket or device: never opened (opening a FIFO blocks). */
  | 'special-file'
  /** Text in an encoding that could not be identified with enough confidence. */
  | 'undecodable'
  | 'outside-root'
  | 'unreadable'
  | 'empty'
  /** Documents: protected by a password. */
  | 'encrypted'
  /** Documents: no text to read (a scan without OCR, an empty deck). */
  | 'no-text'
  /** Documents: damaged, or not what the extension says. */
  | 'corrupt'
  /** Documents: extraction failed for now (timeout, Kimi unreachable, upload not allowed); earlier rows are kept. */
  | 'extract-failed';

export interface SkippedFile {
  readonly path: string;
  readonly reason: SkipReason;
  /** What happened, in words (documents that could not be read). */
  readonly detail?: string;
}

export interface IndexSummary {
  readonly collection: string;
  readonly root: string;
  readonly dryRun: boolean;
  /** Files seen that are indexable (after filtering). */
  readonly filesTotal: number;
  readonly filesIndexed: number;
  readonly filesUnchanged: number;
  readonly filesDeleted: number;
  readonly chunksWritten: number;
  readonly chunksDeleted: number;
  /** Texts sent to the embedder (0 for BM25-only). */
  readonly chunksEmbedded: number;
  readonly bytes: number;
  /** Dry run only: estimates. */
  readonly estimatedChunks?: number;
  readonly estimatedTokens?: number;
  readonly skipped: readonly SkippedFile[];
  readonly durationMs: number;
  readonly cancelled: boolean;
  /** What the files were diffed against: a local cache that agreed with Milvus, or a full read of the collection. */
  readonly diffedAgainst?: 'cache' | 'milvus';
}
