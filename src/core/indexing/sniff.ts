import { isDocumentPath } from '../documents/formats';
import { readCheckedFile, realPathNoFollow, type SafeReadResult, UnsafeReadError } from '../fs/safeRead';
import { MINIFIED_AVG_LINE, MINIFIED_LONGEST_LINE, SNIFF_BYTES } from './constants';
import { isBinary } from './decode';
import type { SkipReason } from './events';
import { familyOf } from './language';

/**
 * Reads up to SNIFF_BYTES from the head of a regular file, with its size and identity. Never
 * follows a link in the last component and never opens a FIFO or device (see safeRead).
 */
export async function readHead(absPath: string): Promise<SafeReadResult> {
  return readCheckedFile(await realPathNoFollow(absPath), { maxBytes: SNIFF_BYTES, headBytes: SNIFF_BYTES });
}

/** The skip reason for a file that could not be read safely. */
export function skipReasonOf(err: unknown): SkipReason {
  if (!(err instanceof UnsafeReadError)) {
    return 'unreadable';
  }
  return err.reason === 'too-large' ? 'too-large' : err.reason === 'not-regular' ? 'special-file' : 'unreadable';
}

/** Judges a file by its first bytes: binary (NUL), or a minified bundle (lines far longer than code's). */
export function classifyContent(relPath: string, head: Uint8Array): SkipReason | null {
  if (head.length === 0) {
    return 'empty';
  }
  if (isDocumentPath(relPath)) {
    // Binary by nature; an extractor reads it (documents/).
    return null;
  }
  if (isBinary(head)) {
    return 'binary';
  }
  return familyOf(relPath) !== 'prose' && looksMinified(head) ? 'minified' : null;
}

/** Generated bundles put thousands of characters on a line; hand-written code rarely averages 300. */
export function looksMinified(head: Uint8Array): boolean {
  if (head.length < 1024) {
    return false;
  }
  let lines = 1;
  let longest = 0;
  let current = 0;
  for (const byte of head) {
    if (byte === 0x0a) {
      lines++;
      longest = Math.max(longest, current);
      current = 0;
    } else {
      current++;
    }
  }
  longest = Math.max(longest, current);
  return head.length / lines > MINIFIED_AVG_LINE || (longest > MINIFIED_LONGEST_LINE && longest > head.length / 2);
}
