/** Helpers shared by the indexer integration tests: snapshots of a collection for "equals a clean index". */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { VectorStore } from '../../src/core/store/types';

/**
 * Every row of a collection as comparable strings (sorted). fileHash is optional: see the edit test.
 * Milvus Lite 3.2 sometimes answers a query right after writes with a few rows short (seen: 598 of
 * 600, once in six runs, while count(*) said 600), so a file whose rows do not match the listing is
 * read again, and the whole snapshot is taken until two readings agree; a real difference persists.
 */
export async function snapshot(store: VectorStore, collection: string, withFileHash = true): Promise<string[]> {
  let previous: string[] | undefined;
  for (let attempt = 0; attempt < 4; attempt++) {
    const current = await readOnce(store, collection, withFileHash);
    if (previous && JSON.stringify(previous) === JSON.stringify(current)) {
      return current;
    }
    previous = current;
  }
  return previous ?? [];
}

async function readOnce(store: VectorStore, collection: string, withFileHash: boolean): Promise<string[]> {
  const rows: string[] = [];
  for (const file of await store.listIndexedFiles(collection)) {
    let found = await store.queryByPath(collection, file.path);
    for (let retry = 0; retry < 3 && found.length !== file.ids.length; retry++) {
      await new Promise((r) => setTimeout(r, 100));
      found = await store.queryByPath(collection, file.path);
    }
    for (const r of found) {
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
