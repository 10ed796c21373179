/**
 * The reference the swebench benchmark compares against: plain Okapi BM25 over whole files
 * (k1 1.2, b 0.75; no chunks, no index, no identifier splitting), the way a short script would
 * rank a repository's files for an issue. Files are the ones the product would index.
 */
import { promises as fs } from 'node:fs';
import { discoverFiles } from '../../src/core/indexing/discover';

const K1 = 1.2;
const B = 0.75;
const TOKEN = /[\p{L}\p{N}_]+/gu;

function terms(text: string): Map<string, number> {
  const tf = new Map<string, number>();
  for (const m of text.toLowerCase().matchAll(TOKEN)) {
    tf.set(m[0], (tf.get(m[0]) ?? 0) + 1);
  }
  return tf;
}

export class PlainBm25 {
  private constructor(
    private readonly docs: ReadonlyArray<{ path: string; tf: Map<string, number>; len: number }>,
    private readonly df: ReadonlyMap<string, number>,
    private readonly avgLen: number,
  ) {}

  static async build(root: string): Promise<PlainBm25> {
    const docs: Array<{ path: string; tf: Map<string, number>; len: number }> = [];
    const df = new Map<string, number>();
    for await (const entry of discoverFiles(root, { include: [], exclude: [], maxFileSizeKb: 1024 })) {
      if (entry.kind !== 'file') {
        continue;
      }
      const tf = terms(await fs.readFile(entry.absPath, 'utf8'));
      let len = 0;
      for (const [t, n] of tf) {
        len += n;
        df.set(t, (df.get(t) ?? 0) + 1);
      }
      docs.push({ path: entry.relPath, tf, len });
    }
    const avg = docs.reduce((s, d) => s + d.len, 0) / Math.max(1, docs.length);
    return new PlainBm25(docs, df, avg);
  }

  /** Paths best first (the first `limit`). */
  rank(query: string, limit: number): string[] {
    const n = this.docs.length;
    const q = [...terms(query).keys()].filter((t) => this.df.has(t));
    const idf = new Map(q.map((t) => [t, Math.log(1 + (n - (this.df.get(t) ?? 0) + 0.5) / ((this.df.get(t) ?? 0) + 0.5))]));
    const scored = this.docs.map((d) => {
      let s = 0;
      for (const t of q) {
        const f = d.tf.get(t);
        if (f) {
          s += (idf.get(t) ?? 0) * ((f * (K1 + 1)) / (f + K1 * (1 - B + (B * d.len) / this.avgLen)));
        }
      }
      return { path: d.path, s };
    });
    scored.sort((a, b) => b.s - a.s);
    return scored.slice(0, limit).map((x) => x.path);
  }
}
