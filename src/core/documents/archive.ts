/**
 * Reads the entries of an Office or EPUB file (a zip archive) from memory with yauzl, within a
 * budget of uncompressed bytes, so a zip bomb fails with a clear error instead of filling memory.
 */
import * as yauzl from 'yauzl';
import { MAX_ARCHIVE_TEXT_BYTES } from './formats';
import { DocumentError } from './types';

export interface Archive {
  readonly names: readonly string[];
  /** The entry's text (UTF-8), or undefined when the archive has no such entry. */
  text(name: string): Promise<string | undefined>;
  close(): void;
}

function corrupt(fileName: string, why: string, cause?: unknown): DocumentError {
  return new DocumentError(`${fileName} is not a readable document (${why}).`, 'corrupt', { cause });
}

export function openArchive(bytes: Uint8Array, fileName: string, budget = MAX_ARCHIVE_TEXT_BYTES): Promise<Archive> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { lazyEntries: true, autoClose: false }, (err, zip) => {
      if (err || !zip) {
        reject(corrupt(fileName, `not a zip archive: ${err?.message ?? 'unknown error'}`, err));
        return;
      }
      const entries = new Map<string, yauzl.Entry>();
      zip.on('entry', (entry: yauzl.Entry) => {
        entries.set(entry.fileName, entry);
        zip.readEntry();
      });
      zip.on('error', (e: Error) => reject(corrupt(fileName, e.message, e)));
      zip.on('end', () => resolve(archiveOf(zip, entries, fileName, budget)));
      zip.readEntry();
    });
  });
}

function archiveOf(zip: yauzl.ZipFile, entries: Map<string, yauzl.Entry>, fileName: string, budget: number): Archive {
  let left = budget;
  return {
    names: [...entries.keys()],
    text: (name) => {
      const entry = entries.get(name);
      if (!entry) {
        return Promise.resolve(undefined);
      }
      if (entry.uncompressedSize > left) {
        return Promise.reject(new DocumentError(`${fileName} expands to more than ${Math.round(budget / 1024 / 1024)} MB of text; it was not read.`, 'too-large'));
      }
      left -= entry.uncompressedSize;
      return new Promise((resolve, reject) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) {
            reject(corrupt(fileName, `${name}: ${e?.message ?? 'unreadable'}`, e));
            return;
          }
          const parts: Buffer[] = [];
          stream.on('data', (d: Buffer) => parts.push(d));
          // yauzl checks the declared size and the CRC while streaming and fails the stream when they lie.
          stream.on('error', (se: Error) => reject(corrupt(fileName, `${name}: ${se.message}`, se)));
          stream.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
        });
      });
    },
    close: () => zip.close(),
  };
}

/** Resolves a relationship target against the folder of the part that names it (`../media/x` and `/ppt/x` forms). */
export function resolvePart(fromPart: string, target: string): string {
  if (target.startsWith('/')) {
    return target.slice(1);
  }
  const parts = fromPart.split('/').slice(0, -1);
  for (const seg of target.split('/')) {
    if (seg === '..') {
      parts.pop();
    } else if (seg !== '.' && seg !== '') {
      parts.push(seg);
    }
  }
  return parts.join('/');
}
