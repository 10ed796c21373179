import type { ChunkPlacement } from '../store/types';
import type { PendingRow } from './fileRows';

/** What one file needs written: rows to embed and insert, rows that only moved, rows that are gone. */
export interface RowDiff {
  /** Ids not stored yet: embedded and inserted. */
  readonly toWrite: readonly PendingRow[];
  /** Stored ids whose line range, index, total or file hash changed: updated in place, never embedded. */
  readonly moved: readonly ChunkPlacement[];
  readonly staleIds: readonly string[];
}

/** Diffs a file's rows as chunked now against its rows as stored (Milvus is the record). */
export function diffRows(next: readonly PendingRow[], stored: readonly ChunkPlacement[]): RowDiff {
  const byId = new Map(stored.map((r) => [r.id, r]));
  const toWrite: PendingRow[] = [];
  const moved: ChunkPlacement[] = [];
  for (const row of next) {
    const old = byId.get(row.id);
    if (!old) {
      toWrite.push(row);
    } else if (!samePlacement(old, row)) {
      moved.push(placementOf(row));
    }
  }
  const ids = new Set(next.map((r) => r.id));
  const staleIds = stored.filter((r) => !ids.has(r.id)).map((r) => r.id);
  return { toWrite, moved, staleIds };
}

export function placementOf(row: ChunkPlacement): ChunkPlacement {
  const { id, startLine, endLine, chunkIndex, totalChunks, fileHash } = row;
  return { id, startLine, endLine, chunkIndex, totalChunks, fileHash };
}

function samePlacement(a: ChunkPlacement, b: ChunkPlacement): boolean {
  return (
    a.startLine === b.startLine &&
    a.endLine === b.endLine &&
    a.chunkIndex === b.chunkIndex &&
    a.totalChunks === b.totalChunks &&
    a.fileHash === b.fileHash
  );
}
