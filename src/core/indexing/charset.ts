/**
 * Legacy (non-Unicode) text: which encoding it is in. The original design (docs/reference/design.md) tried GBK and then Latin-1,
 * so Shift-JIS, EUC-KR or Big5 text that happened to be valid GB18030 was stored as mojibake.
 * Here chardet (statistical detection, as in Mozilla's universal detector) ranks candidates; a
 * multi-byte candidate must also decode without a single invalid sequence; and, because the
 * statistics are weak on a short text, a Japanese decoding that yields kana wins over a Chinese
 * one (Chinese never contains kana; Shift-JIS read as GB18030 never produces it). When nothing
 * is convincing, the caller skips the file with a reason instead of storing garbage.
 */
import { analyse } from 'chardet';
import * as iconv from 'iconv-lite';

export type LegacyEncoding =
  | 'gb18030'
  | 'big5'
  | 'shift_jis'
  | 'euc-jp'
  | 'euc-kr'
  | 'windows-1250'
  | 'windows-1251'
  | 'windows-1252'
  | 'windows-1253'
  | 'windows-1254'
  | 'windows-1255'
  | 'windows-1256'
  | 'koi8-r'
  | 'latin1';

/** chardet's names → ours. Single-byte ISO-8859 variants map to their Windows supersets. */
const FROM_CHARDET: Readonly<Record<string, LegacyEncoding>> = {
  GB18030: 'gb18030',
  Big5: 'big5',
  Shift_JIS: 'shift_jis',
  'EUC-JP': 'euc-jp',
  'EUC-KR': 'euc-kr',
  'windows-1250': 'windows-1250',
  'ISO-8859-2': 'windows-1250',
  'windows-1251': 'windows-1251',
  'ISO-8859-5': 'windows-1251',
  'windows-1252': 'windows-1252',
  'ISO-8859-1': 'windows-1252',
  'windows-1253': 'windows-1253',
  'ISO-8859-7': 'windows-1253',
  'windows-1254': 'windows-1254',
  'ISO-8859-9': 'windows-1254',
  'windows-1255': 'windows-1255',
  'ISO-8859-8': 'windows-1255',
  'windows-1256': 'windows-1256',
  'ISO-8859-6': 'windows-1256',
  'KOI8-R': 'koi8-r',
};

const MULTI_BYTE: ReadonlySet<LegacyEncoding> = new Set(['gb18030', 'big5', 'shift_jis', 'euc-jp', 'euc-kr']);
const JAPANESE: ReadonlySet<LegacyEncoding> = new Set(['shift_jis', 'euc-jp']);
/** Below this chardet confidence (0–100) a single-byte guess is not trusted. */
const MIN_SINGLE_BYTE_CONFIDENCE = 20;
/** Bytes looked at for detection: enough for the statistics, bounded for large files. */
const ANALYSE_BYTES = 64 * 1024;
const KANA = /[\u3041-\u3096\u30a1-\u30fa]/gu;

export interface Detected {
  readonly text: string;
  readonly encoding: LegacyEncoding;
}

/** Decodes bytes that are not UTF-8, or undefined when no encoding is convincing. */
export function detectLegacy(bytes: Uint8Array): Detected | undefined {
  const ranked = analyse(bytes.subarray(0, ANALYSE_BYTES));
  const confidence = new Map<LegacyEncoding, number>();
  for (const r of ranked) {
    const enc = FROM_CHARDET[r.name];
    if (enc && !confidence.has(enc)) {
      confidence.set(enc, r.confidence);
    }
  }
  let best: { detected: Detected; score: number } | undefined;
  let tie = false;
  for (const enc of MULTI_BYTE) {
    const text = strictDecode(bytes, enc);
    if (text === undefined) {
      continue;
    }
    const kana = JAPANESE.has(enc) ? (text.match(KANA)?.length ?? 0) : 0;
    const score = (confidence.get(enc) ?? 0) + (kana >= 2 ? 60 : 0);
    if (!best || score > best.score) {
      best = { detected: { text, encoding: enc }, score };
      tie = false;
    } else if (score === best.score) {
      tie = true;
    }
  }
  if (best && !tie && best.score >= 10) {
    return best.detected;
  }
  // Single-byte: chardet's best guess when it is confident enough; mostly-ASCII text with a few
  // accented letters is too short for statistics, and Windows-1252 is its overwhelmingly likely source.
  const single = ranked.map((r) => FROM_CHARDET[r.name]).find((e): e is LegacyEncoding => e !== undefined && !MULTI_BYTE.has(e));
  if (single && (confidence.get(single) ?? 0) >= MIN_SINGLE_BYTE_CONFIDENCE) {
    return { text: iconv.decode(Buffer.from(bytes), single), encoding: single };
  }
  if (mostlyAscii(bytes)) {
    return { text: iconv.decode(Buffer.from(bytes), 'windows-1252'), encoding: 'windows-1252' };
  }
  return undefined;
}

/** The text, or undefined if any byte sequence is invalid in `enc`. */
function strictDecode(bytes: Uint8Array, enc: LegacyEncoding): string | undefined {
  try {
    return new TextDecoder(enc, { fatal: true }).decode(bytes);
  } catch (err) {
    if (err instanceof RangeError) {
      // A runtime without this ICU decoder: iconv-lite, which marks invalid input with U+FFFD.
      const text = iconv.decode(Buffer.from(bytes), enc);
      return text.includes('\uFFFD') ? undefined : text;
    }
    return undefined;
  }
}

function mostlyAscii(bytes: Uint8Array): boolean {
  let high = 0;
  for (const b of bytes) {
    if (b >= 0x80) {
      high++;
    }
  }
  return high <= bytes.length * 0.3;
}
