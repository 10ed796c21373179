/**
 * npm run bench:chunks [-- --code-min-fill F --code-anchor-mask M]
 *
 * What code chunking costs on real code this project did not write: CPython's Lib/ from the
 * machine's Python 3 (without tests) plus this repository's src/. Prints the chunk count and
 * average size, and for four edits per file (append a function, insert a line at the top, delete
 * a top-level definition picked at random with a fixed seed, add a space to a random line) how
 * many chunk texts the re-chunked file has that it did not have before: what an edit re-embeds.
 * No Milvus, no embedder: chunking only, deterministic.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { chunkDocument, type ChunkOptions } from '../src/core/indexing/chunker';

const { values } = parseArgs({ options: { 'code-min-fill': { type: 'string' }, 'code-anchor-mask': { type: 'string' } } });
const options: ChunkOptions = {
  ...(values['code-min-fill'] ? { codeMinFill: Number(values['code-min-fill']) } : {}),
  ...(values['code-anchor-mask'] ? { codeAnchorMask: Number(values['code-anchor-mask']) } : {}),
};

function walk(dir: string, ext: RegExp, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    const s = statSync(p, { throwIfNoEntry: false });
    if (!s) {
      continue;
    }
    if (s.isDirectory()) {
      if (!/test|site-packages|__pycache__|node_modules/.test(name)) {
        walk(p, ext, out);
      }
    } else if (ext.test(name) && s.size < 200_000) {
      out.push(p);
    }
  }
}

const stdlib = execFileSync(process.platform === 'win32' ? 'python' : 'python3', ['-c', 'import sysconfig; print(sysconfig.get_paths()["stdlib"])'], { encoding: 'utf8' }).trim();
const files: string[] = [];
walk(stdlib, /\.py$/, files);
walk(path.resolve(__dirname, '..', 'src'), /\.ts$/, files);

let seed = 12345;
const random = (n: number): number => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};
const chunks = (text: string, name: string): string[] => chunkDocument(text, name, options).map((c) => c.content);
/** Chunk texts of `after` that `before` does not have (as a multiset). */
function fresh(before: readonly string[], after: readonly string[]): number {
  const left = new Map<string, number>();
  for (const t of before) {
    left.set(t, (left.get(t) ?? 0) + 1);
  }
  let n = 0;
  for (const t of after) {
    const k = left.get(t) ?? 0;
    if (k > 0) {
      left.set(t, k - 1);
    } else {
      n++;
    }
  }
  return n;
}

const edits: Record<'append' | 'top' | 'delete' | 'line', number[]> = { append: [], top: [], delete: [], line: [] };
let total = 0;
let chars = 0;
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const name = path.basename(file);
  const base = chunks(text, name);
  total += base.length;
  chars += text.length;
  if (base.length < 3) {
    continue;
  }
  const lines = text.split('\n');
  const py = file.endsWith('.py');
  const fn = py ? '\n\ndef added_function(x):\n    """Added."""\n    return x + 1\n' : '\n\nexport function addedFunction(x: number): number {\n  return x + 1;\n}\n';
  edits.append.push(fresh(base, chunks(text + fn, name)));
  edits.top.push(fresh(base, chunks(`\n${text}`, name)));
  const defs = lines.flatMap((l, i) => (i > 0 && (py ? /^(def|class) / : /^(export )?(async )?(function|class|const|interface|type) /).test(l) ? [i] : []));
  if (defs.length >= 3) {
    const k = 1 + random(defs.length - 2);
    edits.delete.push(fresh(base, chunks([...lines.slice(0, defs[k]), ...lines.slice(defs[k + 1])].join('\n'), name)));
  }
  const at = random(lines.length);
  const edited = lines.slice();
  edited[at] = `${edited[at]} `;
  edits.line.push(fresh(base, chunks(edited.join('\n'), name)));
}

const mean = (a: number[]): string => (a.reduce((x, y) => x + y, 0) / a.length).toFixed(2);
process.stdout.write(`${files.length} files (${stdlib} without tests, and src/), rule: ${JSON.stringify(options)} (empty: the product's)\n`);
process.stdout.write(`chunks ${total}, average ${(chars / total).toFixed(0)} characters of file per chunk\n\n`);
process.stdout.write('| edit | files | chunks re-embedded, mean | max | files with more than 2 |\n|---|---:|---:|---:|---:|\n');
for (const [edit, counts] of Object.entries(edits)) {
  process.stdout.write(`| ${edit} | ${counts.length} | ${mean(counts)} | ${Math.max(...counts)} | ${counts.filter((n) => n > 2).length} |\n`);
}
