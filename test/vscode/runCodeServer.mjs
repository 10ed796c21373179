#!/usr/bin/env node
// Runs the `test/vscode` suites inside a real VS Code: code-server 4.100.3 (installed and cached by
// scripts/codeServer.mjs) driven by headless Chromium. The extension under development and the
// in-host runner (test/vscode/index.ts) are loaded through the workbench URL's `payload`; the
// runner writes mocha's spec output and a results file, which this script relays. Exits non-zero on
// any failure, on zero tests, or on a timeout; always stops code-server and the browser.
//
// Env: KIMI_MILVUS_VSCODE_TIMEOUT_MS (overall, default 10 min), KIMI_MILVUS_TEST_GREP (mocha grep).
// On failure, test-results/vscode/ keeps code-server.log, browser-console.log, VS Code's logs
// (vscode-logs/, incl. the extension host's) and failure.png.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, appendFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCodeServer, TEST_SETTINGS } from '../../scripts/codeServer.mjs';
import { copySampleWorkspace } from '../support/sampleWorkspace.mjs';
import { launchChromium } from './browser.mjs';
import { buildVscodeTests } from './build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const resultsDir = path.join(root, 'test-results', 'vscode');
const timeoutMs = Number(process.env.KIMI_MILVUS_VSCODE_TIMEOUT_MS) || 10 * 60_000;

const say = (m) => console.log(`[vscode-harness] ${m}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let server;
let browser;
let page;
/** A fresh copy of test/fixtures/sample-workspace: the suites edit, create and delete files in it. */
let workspace;

async function cleanup() {
  if (browser) {
    await Promise.race([browser.close().catch(() => {}), sleep(10_000)]);
    browser = undefined;
  }
  if (server) {
    await server.stop();
    server = undefined;
  }
  workspace?.remove();
  workspace = undefined;
}

async function failureArtifacts() {
  if (page) {
    try {
      await page.screenshot({ path: path.join(resultsDir, 'failure.png'), timeout: 10_000 });
      say(`screenshot: ${path.relative(root, path.join(resultsDir, 'failure.png'))}`);
    } catch {
      // the page may be gone; the logs remain
    }
  }
}

function printCounts(r) {
  // Same wording as mocha's epilogue, so scripts/test.mjs can read it even if the spec output was cut.
  console.log(`\n  ${r.passes} passing (${Math.round(r.durationMs / 100) / 10}s)`);
  if (r.pending) {
    console.log(`  ${r.pending} pending`);
  }
  if (r.failures) {
    console.log(`  ${r.failures} failing`);
    r.failed.forEach((f, i) => console.log(`\n  ${i + 1}) ${f.title}:\n     ${f.stack.split('\n').join('\n     ')}`));
  }
}

async function main() {
  const started = Date.now();
  rmSync(resultsDir, { recursive: true, force: true });
  mkdirSync(resultsDir, { recursive: true });

  say('building the extension and the in-host test bundles');
  const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) {
    throw new Error(`esbuild.mjs failed:\n${build.stderr}`);
  }
  const testsEntry = await buildVscodeTests();

  workspace = copySampleWorkspace();
  server = await startCodeServer({
    folder: workspace.folder,
    // Desktop VS Code's default (test:electron runs the same suites there). The web workbench's
    // default, afterDelay, starts saving an edited file one second after the edit: on a busy machine
    // that comes before a test's own save(), which then returns false.
    settings: { ...TEST_SETTINGS, 'files.autoSave': 'off' },
    logFile: path.join(resultsDir, 'code-server.log'),
    logDir: resultsDir,
    log: say,
    env: {
      ...process.env,
      // Later UI suites reuse the Milvus Lite venv and data dir the integration tests prepared.
      KIMI_MILVUS_VENV: process.env.KIMI_MILVUS_VENV || path.join(root, '.cache', 'milvus-venv'),
      KIMI_MILVUS_TEST_DATA_DIR: process.env.KIMI_MILVUS_TEST_DATA_DIR || path.join(root, '.cache', 'test-milvus-vscode'),
      KIMI_MILVUS_TEST_RESULTS_DIR: resultsDir,
    },
  });
  say(`code-server ${server.url} (pid ${server.pid})`);

  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const consoleLog = path.join(resultsDir, 'browser-console.log');
  let hostCrash;
  page.on('console', (m) => {
    appendFileSync(consoleLog, `[${m.type()}] ${m.text()}\n`);
    // Without this the harness would wait for results until the overall timeout.
    if (/extension host .*terminated unexpectedly|\[ExtensionHost\].*permanent error occurred/i.test(m.text())) {
      hostCrash ??= m.text().split('\n')[0].replace(/%c\s*\S+ color: #\w+\s*/g, '');
    }
  });
  page.on('pageerror', (e) => appendFileSync(consoleLog, `[pageerror] ${e.stack ?? e.message}\n`));

  const url = server.workbenchUrl([
    ['extensionDevelopmentPath', server.remoteUri(root)],
    ['extensionTestsPath', server.remoteUri(testsEntry)],
  ]);
  await page.goto(url, { timeout: 60_000 });
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  say(`workbench loaded in ${((Date.now() - started) / 1000).toFixed(1)} s; running the suites in the extension host`);

  // Relay the spec output as it grows, until the runner writes results.json.
  const outputFile = path.join(resultsDir, 'output.log');
  const resultsFile = path.join(resultsDir, 'results.json');
  let printed = 0;
  const relay = () => {
    if (existsSync(outputFile) && statSync(outputFile).size > printed) {
      const buf = readFileSync(outputFile);
      process.stdout.write(buf.subarray(printed));
      printed = buf.length;
    }
  };
  for (;;) {
    relay();
    if (existsSync(resultsFile)) {
      break;
    }
    if (hostCrash) {
      throw new Error(`the extension host crashed before the tests finished: ${hostCrash}`);
    }
    if (server.process.exitCode !== null) {
      throw new Error(`code-server exited (${server.process.exitCode}) before the tests finished`);
    }
    await sleep(250);
  }
  await sleep(100);
  relay();
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  say(`VS Code ${results.vscodeVersion} (${results.appHost}); ${((Date.now() - started) / 1000).toFixed(1)} s in all`);
  if (!printed || !/\d+ passing/.test(readFileSync(outputFile, 'utf8'))) {
    printCounts(results);
  } else if (results.failures) {
    // mocha printed them already; the stack is in the spec output above
  }
  const ok = results.failures === 0 && results.passes > 0;
  if (results.passes === 0 && results.failures === 0) {
    say('no tests ran: is test/vscode/suite empty, or did KIMI_MILVUS_TEST_GREP match nothing?');
  }
  return ok;
}

/** From a timer or a signal handler, whose promise nobody awaits: exits with `code` even if stopping fails. */
function stopAndExit(code, { artifacts = false } = {}) {
  (async () => {
    if (artifacts) {
      await failureArtifacts();
    }
    await cleanup();
  })()
    .catch((e) => say(`stopping failed: ${e instanceof Error ? e.message : String(e)}`))
    .finally(() => process.exit(code));
}

const overall = setTimeout(() => {
  say(`timed out after ${timeoutMs / 1000} s (KIMI_MILVUS_VSCODE_TIMEOUT_MS); logs in ${path.relative(root, resultsDir)}/`);
  console.log('\n  0 passing\n  1 failing\n\n  1) vscode harness: timed out');
  stopAndExit(1, { artifacts: true });
}, timeoutMs);

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => stopAndExit(130));
}

let ok = false;
try {
  ok = await main();
  if (!ok) {
    await failureArtifacts();
  }
} catch (e) {
  say(`error: ${e instanceof Error ? e.stack : e}`);
  console.log('\n  1 failing\n\n  1) vscode harness: ' + (e instanceof Error ? e.message : String(e)));
  await failureArtifacts();
} finally {
  clearTimeout(overall);
  await cleanup();
}
if (!ok) {
  say(`logs in ${path.relative(root, resultsDir)}/ (code-server.log, browser-console.log, vscode-logs/, failure.png)`);
}
process.exit(ok ? 0 : 1);
