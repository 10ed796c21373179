import type { IndexPhase, IndexProgress } from './events';

/** Counts work done and estimates the time left from the bytes processed so far. */
export class ProgressTracker {
  filesDone = 0;
  filesTotal = 0;
  chunksDone = 0;
  bytesDone = 0;
  bytesTotal = 0;
  phase: IndexPhase = 'discovering';
  private startedAt = 0;

  constructor(private readonly sink: ((p: IndexProgress) => void) | undefined) {}

  /** Marks the start of the timed part (after discovery), from which the ETA is extrapolated. */
  startClock(): void {
    this.startedAt = Date.now();
  }

  emit(currentFile?: string): void {
    if (!this.sink) {
      return;
    }
    this.sink({
      phase: this.phase,
      filesDone: this.filesDone,
      filesTotal: this.filesTotal,
      chunksDone: this.chunksDone,
      etaSeconds: this.eta(),
      currentFile,
    });
  }

  private eta(): number | undefined {
    if (this.phase === 'done') {
      return 0;
    }
    const elapsed = (Date.now() - this.startedAt) / 1000;
    if (this.startedAt === 0 || elapsed < 1 || this.bytesDone === 0 || this.bytesTotal === 0) {
      return undefined;
    }
    const left = Math.max(0, this.bytesTotal - this.bytesDone);
    return Math.round((elapsed * left) / this.bytesDone);
  }
}
