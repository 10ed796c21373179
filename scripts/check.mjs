#!/usr/bin/env node
// The static checks, all of them or the groups named: typecheck, lint, layers.
//   typecheck  tsc --noEmit for each TypeScript project (one per environment, see tsconfig.json)
//   lint       ESLint with typescript-eslint's type-checked rules (eslint.config.mjs)
//   layers     dependency-cruiser's import rules between the layers of src/ (.dependency-cruiser.cjs)
// Runs them side by side, one per core, prints each one's findings as it finishes, and exits non-zero
// if any has one. It ends with mocha's summary wording, so scripts/test.mjs counts it like a suite.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (...p) => path.join(root, 'node_modules', ...p);

/** tsc keeps what it learnt between runs here (node_modules/.cache: gone after `npm ci`, as on CI). */
const tscCache = bin('.cache', 'tsc');
const PROJECTS = ['tsconfig.json', 'src/core/tsconfig.json', 'src/webview/tsconfig.json', 'test/tsconfig.json', 'bench/tsconfig.json', 'scripts/tsconfig.json'];

/** Longest first, so the slow ones do not start last. */
const CHECKS = [
  { group: 'lint', name: 'eslint', args: [bin('eslint', 'bin', 'eslint.js'), '--max-warnings', '0', '.'] },
  ...PROJECTS.map((project) => ({
    group: 'typecheck',
    name: `tsc -p ${project}`,
    args: [
      bin('typescript', 'bin', 'tsc'),
      ...['-p', project, '--noEmit', '--pretty', 'false'],
      ...['--incremental', '--tsBuildInfoFile', path.join(tscCache, `${project.replace(/[/.]/g, '_')}.tsbuildinfo`)],
    ],
  })),
  {
    group: 'layers',
    name: 'dependency-cruiser',
    args: [bin('dependency-cruiser', 'bin', 'dependency-cruise.mjs'), 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err-long'],
  },
];

const groups = process.argv.slice(2);
for (const g of groups) {
  if (!CHECKS.some((c) => c.group === g)) {
    console.error(`unknown check: ${g} (known: typecheck, lint, layers)`);
    process.exit(2);
  }
}
const wanted = CHECKS.filter((c) => groups.length === 0 || groups.includes(c.group));

/** @returns {Promise<{ code: number, out: string, seconds: number }>} */
function run(args) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (err) => (out += `${err.message}\n`));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), out, seconds: (Date.now() - started) / 1000 }));
  });
}

/** The first line worth quoting from a check's output: a finding, else the first line at all. */
function firstFinding(out) {
  const lines = out.split('\n').map((l) => l.trimEnd()).filter(Boolean);
  const eslintFile = lines.findIndex((l) => l.startsWith('/'));
  if (eslintFile >= 0 && lines[eslintFile + 1]) {
    return `${path.relative(root, lines[eslintFile])}:${lines[eslintFile + 1].trim()}`;
  }
  return (lines.find((l) => /error|✖|warning/.test(l)) ?? lines[0] ?? '').trim();
}

const started = Date.now();
const results = [];
const queue = [...wanted];
async function worker() {
  for (let check = queue.shift(); check; check = queue.shift()) {
    const r = await run(check.args);
    const ok = r.code === 0;
    results.push({ ...check, ...r, ok });
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${check.name} (${r.seconds.toFixed(1)} s)`);
    if (!ok) {
      console.log(r.out.trimEnd().replace(/^/gm, '     '));
    }
  }
}
await Promise.all(Array.from({ length: Math.min(availableParallelism(), wanted.length) }, worker));

const failed = results.filter((r) => !r.ok);
console.log(`\n  ${results.length - failed.length} passing (${((Date.now() - started) / 1000).toFixed(1)}s)`);
if (failed.length) {
  console.log(`  ${failed.length} failing\n`);
  failed.forEach((r, i) => console.log(`  ${i + 1}) ${r.name}:\n     ${firstFinding(r.out)}\n`));
}
process.exit(failed.length ? 1 : 0);
