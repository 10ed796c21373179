#!/usr/bin/env node
// Runs every test suite (or the ones named: check, unit, integration, vscode, e2e, package) and prints
// a summary with mocha's pass/fail counts per suite. Exits non-zero if any suite fails.
//   check        static checks first: tsc per project, ESLint, the layer rules (scripts/check.mjs)
//   unit         plain Node, fast
//   integration  real Milvus Lite, fake Kimi/embedding servers over HTTP
//   vscode       mocha inside a real VS Code extension host (code-server + headless Chromium;
//                test/vscode/runCodeServer.mjs builds what it needs and installs code-server once)
//   e2e          Playwright drives the real workbench (test/e2e)
//   package      builds the VSIX with `npm run package` and checks its contents
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const mocha = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');

const suites = {
  check: { cmd: process.execPath, args: ['scripts/check.mjs'] },
  unit: { cmd: process.execPath, args: [mocha, '--import=tsx', '--timeout', '10000', 'test/unit/**/*.test.ts'] },
  integration: {
    cmd: process.execPath,
    args: [mocha, '--import=tsx', '--timeout', '120000', '--file', 'test/integration/setup.ts', 'test/integration/**/*.test.ts'],
  },
  vscode: { cmd: process.execPath, args: ['test/vscode/runCodeServer.mjs'] },
  e2e: { cmd: process.execPath, args: [mocha, '--import=tsx', '--timeout', '300000', 'test/e2e/**/*.test.ts'], build: true },
  package: { cmd: process.execPath, args: [mocha, '--import=tsx', '--timeout', '240000', 'test/package/**/*.test.ts'] },
};

const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(suites);
for (const name of wanted) {
  if (!suites[name]) {
    console.error(`unknown suite: ${name} (known: ${Object.keys(suites).join(', ')})`);
    process.exit(2);
  }
}

/** A hung suite must not eat CI's time budget: each gets a deadline (minutes, env overridable). */
const SUITE_TIMEOUT_MIN = Number(process.env.KIMI_MILVUS_SUITE_TIMEOUT_MIN) || 30;
const running = new Set();

function run(cmd, args, timeoutMin = SUITE_TIMEOUT_MIN) {
  return new Promise((resolve) => {
    // Own process group, so a timeout or Ctrl+C also ends what the suite started (servers, browsers).
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: process.env, detached: true });
    running.add(child);
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => process.stderr.write(d));
    const timer = setTimeout(() => {
      console.error(`\n[test] ${args.join(' ')} still running after ${timeoutMin} min: stopping it`);
      killTree(child, 'SIGTERM');
      setTimeout(() => killTree(child, 'SIGKILL'), 10_000).unref();
    }, timeoutMin * 60_000);
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code: code ?? (sig ? 1 : 0), out });
    });
  });
}

function killTree(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    for (const child of running) {
      killTree(child, 'SIGTERM');
    }
    setTimeout(() => process.exit(130), 2000).unref();
  });
}

function counts(out) {
  // eslint-disable-next-line no-control-regex
  const plain = out.replace(/\x1b\[[0-9;]*m/g, '');
  const last = (re) => {
    const all = [...plain.matchAll(re)];
    return all.length ? Number(all[all.length - 1][1]) : 0;
  };
  return { passed: last(/^\s*(\d+) passing/gm), failed: last(/^\s*(\d+) failing/gm), pending: last(/^\s*(\d+) pending/gm) };
}

/**
 * One line per failed test ("suite › test: first line of the error"), from mocha's failure list,
 * repeated after the summary: when only the end of a long CI log is kept, it still names them.
 */
function failures(out) {
  // eslint-disable-next-line no-control-regex
  const plain = out.replace(/\x1b\[[0-9;]*m/g, '');
  const start = plain.search(/^\s*\d+ failing\s*$/m);
  if (start < 0) {
    return [];
  }
  const lines = plain.slice(start).split('\n').slice(1);
  const found = [];
  for (let i = 0; i < lines.length; i++) {
    const head = /^\s{2}(\d+)\) (.*)$/.exec(lines[i]);
    if (!head) {
      continue;
    }
    const title = [head[2].trim()];
    let j = i + 1;
    // The title goes on, one indented line per nested suite, up to the test's own line ending in ':'.
    while (j < lines.length && !title[title.length - 1].endsWith(':') && lines[j].trim()) {
      title.push(lines[j].trim());
      j++;
    }
    while (j < lines.length && !lines[j].trim()) {
      j++;
    }
    const error = (lines[j] ?? '').trim().slice(0, 240);
    found.push(`${title.join(' › ').replace(/:$/, '')}: ${error}`);
  }
  return found;
}

if (wanted.some((n) => suites[n].build)) {
  console.log('\n=== build ===');
  const b = await run(process.execPath, ['esbuild.mjs']);
  if (b.code !== 0) {
    console.error('build failed');
    process.exit(1);
  }
}

const results = [];
for (const name of wanted) {
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const { code, out } = await run(suites[name].cmd, suites[name].args);
  const c = counts(out);
  results.push({ name, code, ...c, failures: failures(out), seconds: (Date.now() - started) / 1000 });
}

console.log('\n=== summary ===');
let passed = 0;
let failed = 0;
let pending = 0;
for (const r of results) {
  const ok = r.code === 0 && r.failed === 0 && r.passed > 0;
  console.log(
    `${ok ? 'ok  ' : 'FAIL'} ${r.name.padEnd(12)} ${r.passed} passed, ${r.failed} failed, ${r.pending} skipped (${r.seconds.toFixed(1)} s${r.code !== 0 ? `, exit ${r.code}` : ''})`,
  );
  passed += r.passed;
  // A suite that exits non-zero without reporting a failure (crash, timeout) counts as one failure.
  failed += r.failed + (r.code !== 0 && r.failed === 0 ? 1 : 0) + (r.code === 0 && r.passed === 0 ? 1 : 0);
  pending += r.pending;
}
for (const r of results) {
  for (const f of r.failures.slice(0, 10)) {
    console.log(`failed: ${r.name}: ${f}`);
  }
}
console.log(`${passed} passed, ${failed} failed, ${pending} skipped`);
process.exit(failed > 0 ? 1 : 0);
