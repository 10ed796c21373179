import * as iconv from 'iconv-lite';
import { detectLegacy, type LegacyEncoding } from './charset';
import { SNIFF_BYTES } from './constants';

export type TextEncodingName = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be' | LegacyEncoding;

export interface DecodedText {
  readonly text: string;
  readonly encoding: TextEncodingName;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Byte-order marks, longest first (the UTF-32LE mark starts with the UTF-16LE one). */
const BOMS: ReadonlyArray<{ bytes: readonly number[]; encoding: TextEncodingName; iconv: string }> = [
  { bytes: [0xff, 0xfe, 0x00, 0x00], encoding: 'utf-32le', iconv: 'utf32le' },
  { bytes: [0x00, 0x00, 0xfe, 0xff], encoding: 'utf-32be', iconv: 'utf32be' },
  { bytes: [0xef, 0xbb, 0xbf], encoding: 'utf-8-bom', iconv: 'utf8' },
  { bytes: [0xff, 0xfe], encoding: 'utf-16le', iconv: 'utf16le' },
  { bytes: [0xfe, 0xff], encoding: 'utf-16be', iconv: 'utf16be' },
];

function bomOf(bytes: Uint8Array): (typeof BOMS)[number] | undefined {
  return BOMS.find((b) => bytes.length >= b.bytes.length && b.bytes.every((v, i) => bytes[i] === v));
}

/**
 * Decodes file bytes: a byte-order mark decides (UTF-8/16/32), then strict UTF-8, then a legacy
 * encoding found by the charset detector (see charset.ts). Undefined when no encoding is
 * convincing: the caller skips the file as 'undecodable' rather than storing mojibake.
 */
export function decodeText(bytes: Uint8Array): DecodedText | undefined {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bom = bomOf(bytes);
  if (bom && bom.encoding !== 'utf-8-bom') {
    return { text: iconv.decode(buffer.subarray(bom.bytes.length), bom.iconv, { stripBOM: false }), encoding: bom.encoding };
  }
  if (bom) {
    const text = tryUtf8(bytes.subarray(3));
    if (text !== undefined) {
      return { text, encoding: 'utf-8-bom' };
    }
  }
  const text = tryUtf8(bytes);
  if (text !== undefined) {
    return { text, encoding: 'utf-8' };
  }
  return detectLegacy(bytes);
}

function tryUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Git's heuristic: a NUL byte in the first 8 KB means binary. UTF-16 and UTF-32 text is full of
 * NULs, so a file that starts with their byte-order mark is text.
 */
export function isBinary(bytes: Uint8Array): boolean {
  const bom = bomOf(bytes);
  if (bom && bom.encoding !== 'utf-8-bom') {
    return false;
  }
  const end = Math.min(bytes.length, SNIFF_BYTES);
  for (let i = 0; i < end; i++) {
    if (bytes[i] === 0) {
      return true;
    }
  }
  return false;
}
