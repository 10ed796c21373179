import * as iconv from 'iconv-lite';
import { SNIFF_BYTES } from './constants';

export type TextEncodingName = 'utf-8' | 'utf-8-bom' | 'gb18030' | 'latin1';

export interface DecodedText {
  readonly text: string;
  readonly encoding: TextEncodingName;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes file bytes the way the seed did (UTF-8, then the GB family, then Latin-1), but with
 * validation: iconv-lite never throws, so a GB18030 decode that produced replacement characters
 * is treated as "not GB18030" and Latin-1 (which maps every byte) is the last resort.
 */
export function decodeText(bytes: Uint8Array): DecodedText {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    const text = tryUtf8(bytes.subarray(3));
    if (text !== undefined) {
      return { text, encoding: 'utf-8-bom' };
    }
  }
  const text = tryUtf8(bytes);
  if (text !== undefined) {
    return { text, encoding: 'utf-8' };
  }
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const gb = iconv.decode(buffer, 'gb18030');
  if (!gb.includes('\uFFFD')) {
    return { text: gb, encoding: 'gb18030' };
  }
  return { text: iconv.decode(buffer, 'latin1'), encoding: 'latin1' };
}

function tryUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Git's heuristic: a NUL byte in the first 8 KB means binary. */
export function isBinary(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, SNIFF_BYTES);
  for (let i = 0; i < end; i++) {
    if (bytes[i] === 0) {
      return true;
    }
  }
  return false;
}
