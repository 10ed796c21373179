import { createHash } from 'node:crypto';

/** Hex length of chunk ids: 128 bits, collision-free in practice and short in Milvus. */
const CHUNK_ID_HEX = 32;

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Bumped when chunking changes what a file's rows are (2: code chunks carry their definitions):
 * it is part of every file hash, so the next run re-reads each file once and replaces exactly the
 * rows whose input changed (the others only move), instead of keeping the old rows until the
 * file is edited.
 */
export const CHUNKING_VERSION = 2;

/** sha256 (hex) of the chunking version and a text file's bytes. */
export function fileHash(bytes: Uint8Array): string {
  return createHash('sha256').update(`chunking ${CHUNKING_VERSION}\n`).update(bytes).digest('hex');
}

/**
 * sha256 (hex) of a document's bytes (PDF, Office, EPUB). The text chunker's version is left out:
 * a document's rows come from its extractor, one part at a time, so a change of the code chunker
 * does not change them, and reading every document again would extract it again (with Kimi's
 * extractor, a paid upload per document).
 */
export function documentHash(bytes: Uint8Array): string {
  return sha256Hex(bytes);
}

/**
 * A chunk's stable id: its path, the hash of what is embedded for it (chunkInput: path and
 * content, never line numbers) and how many earlier chunks of the same file have that very
 * input. It depends on nothing else in the file, so a chunk that only moved (lines inserted
 * above it, a neighbour added or deleted) keeps its id and its vector; only a chunk whose own
 * input changed gets a new id and is embedded again.
 */
export function chunkId(path: string, inputHash: string, ordinal: number): string {
  return sha256Hex(`${path}\u0000${inputHash}\u0000${ordinal}`).slice(0, CHUNK_ID_HEX);
}

/** Ids for a file's chunk inputs in order: equal inputs are told apart by their occurrence ordinal. */
export function chunkIds(path: string, inputs: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return inputs.map((input) => {
    const hash = sha256Hex(input);
    const ordinal = seen.get(hash) ?? 0;
    seen.set(hash, ordinal + 1);
    return chunkId(path, hash, ordinal);
  });
}
