/** Helpers shared by the indexer integration tests: snapshots of a collection for "equals a clean index". */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { VectorStore } from '../../src/core/store/types';

/** Every row of a collection as comparable strings (sorted). fileHash is optional: see the edit test. */
export async function snapshot(store: VectorStore, collection: string, withFileHash = true): Promise<string[]> {
  const rows: string[] = [];
  for (const file of await store.listIndexedFiles(collection)) {
    for (const r of await store.queryByPath(collection, file.path)) {
      rows.push(
        [r.path, r.chunkIndex, r.totalChunks, `${r.startLine}-${r.endLine}`, r.language, r.id, withFileHash ? r.fileHash : '', r.text].join('|'),
      );
    }
  }
  return rows.sort();
}

/** A generated workspace of `files` source and prose files, a few chunks each. */
export function createCorpus(files: number): { root: string; cleanup(): void } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'kimi-corpus-'));
  for (let i = 0; i < files; i++) {
    const dir = path.join(root, `pkg${i % 7}`);
    mkdirSync(dir, { recursive: true });
    if (i % 3 === 0) {
      const paras = Array.from({ length: 6 }, (_, p) => `Section ${p} of document ${i} describes feature ${i * 10 + p} and how module ${i} uses it in practice.`);
      writeFileSync(path.join(dir, `doc${i}.md`), `# Document ${i}\n\n${paras.join('\n\n')}\n`);
    } else {
      const fns = Array.from({ length: 4 }, (_, f) =>
        [`export function handler${i}_${f}(input: number): number {`, ...Array.from({ length: 14 }, (_, k) => `  const step${k} = input * ${k} + ${f}; // part ${k}`), '  return input;', '}', ''].join('\n'),
      );
      writeFileSync(path.join(dir, `mod${i}.ts`), fns.join('\n'));
    }
  }
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
