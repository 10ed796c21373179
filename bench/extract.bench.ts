/**
 * npm run bench:extract
 *
 * What reading documents on this machine costs (LocalExtractor): generated files of each format at
 * a few sizes (test/support/documentFiles.ts, so the figures are reproducible), best of three runs,
 * with the chunks the indexer would make. No Milvus, no network. Prints the load average, as every
 * figure in docs/benchmarks.md does.
 */
import { readFileSync } from 'node:fs';
import { documentChunks } from '../src/core/documents/documentChunks';
import { LocalExtractor } from '../src/core/documents/localExtractor';
import { makeDocx, makeEpub, makePdf, makePptx, makeXlsx } from '../test/support/documentFiles';

const line = (i: number): string => `Line ${i}: the uploader retries ${i % 7} times before it reports frame ${i * 13} as lost.`;
const cases: Array<[string, () => Uint8Array]> = [
  ['pdf, 20 pages x 40 lines', () => makePdf(Array.from({ length: 20 }, (_, p) => Array.from({ length: 40 }, (_, i) => line(p * 40 + i))))],
  ['pdf, 200 pages x 40 lines', () => makePdf(Array.from({ length: 200 }, (_, p) => Array.from({ length: 40 }, (_, i) => line(p * 40 + i))))],
  ['docx, 2,000 paragraphs', () => makeDocx(Array.from({ length: 2000 }, (_, i) => (i % 50 === 49 ? { pageBreak: true as const } : line(i))))],
  ['pptx, 100 slides', () => makePptx(Array.from({ length: 100 }, (_, s) => ({ title: `Slide ${s}`, body: Array.from({ length: 8 }, (_, i) => line(s * 8 + i)) })))],
  ['xlsx, 3 sheets x 5,000 rows', () => makeXlsx(Array.from({ length: 3 }, (_, s) => ({ name: `S${s}`, rows: Array.from({ length: 5000 }, (_, r) => [`item ${r}`, r * 3, line(r)]) })))],
  ['epub, 40 chapters', () => makeEpub(Array.from({ length: 40 }, (_, c) => ({ title: `Chapter ${c}`, paragraphs: Array.from({ length: 60 }, (_, i) => line(c * 60 + i)) })))],
];

async function main(): Promise<void> {
  const extractor = new LocalExtractor(600_000);
  console.log(`load average: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  console.log('document                          size KB   parts   chunks   best ms');
  for (const [name, make] of cases) {
    const bytes = make();
    let best = Infinity;
    let parts = 0;
    let chunks = 0;
    for (let run = 0; run < 3; run++) {
      const started = performance.now();
      const doc = await extractor.extract(bytes, `bench.${name.slice(0, name.indexOf(','))}`);
      chunks = documentChunks(doc).length;
      best = Math.min(best, performance.now() - started);
      parts = doc.parts.length;
    }
    console.log(`${name.padEnd(32)} ${String(Math.round(bytes.length / 1024)).padStart(8)} ${String(parts).padStart(7)} ${String(chunks).padStart(8)} ${best.toFixed(0).padStart(9)}`);
  }
}

void main();
