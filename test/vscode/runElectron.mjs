#!/usr/bin/env node
// `npm run test:electron`: the same test/vscode suites, run in desktop VS Code through
// @vscode/test-electron. It downloads VS Code from update.code.visualstudio.com, so it needs
// internet access (and a display on Linux: use `xvfb-run -a npm run test:electron` on a headless
// box). Where VS Code cannot be downloaded, `npm run test:vscode` runs the suites in code-server.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { copySampleWorkspace } from '../support/sampleWorkspace.mjs';
import { buildVscodeTests } from './build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const resultsDir = path.join(root, 'test-results', 'electron');
/** The newest VS Code the manifest's engines.vscode (^1.100.0) and code-server 4.100.3 agree on. */
const VSCODE_VERSION = process.env.KIMI_MILVUS_VSCODE_VERSION || '1.100.3';
const timeoutMs = Number(process.env.KIMI_MILVUS_VSCODE_TIMEOUT_MS) || 15 * 60_000;

const say = (m) => console.log(`[electron] ${m}`);

setTimeout(() => {
  say(`timed out after ${timeoutMs / 1000} s`);
  console.log('\n  0 passing\n  1 failing\n\n  1) electron harness: timed out');
  process.exit(1);
}, timeoutMs).unref();

rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });

say('building the extension and the in-host test bundles');
const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, encoding: 'utf8' });
if (build.status !== 0) {
  console.error(build.stderr);
  process.exit(1);
}
const extensionTestsPath = await buildVscodeTests();

let vscodeExecutablePath;
try {
  say(`downloading VS Code ${VSCODE_VERSION} (cached in .vscode-test/)`);
  vscodeExecutablePath = await downloadAndUnzipVSCode({ version: VSCODE_VERSION, cachePath: path.join(root, '.vscode-test') });
} catch (e) {
  console.error(
    `\nCould not download VS Code ${VSCODE_VERSION}: ${e instanceof Error ? e.message : e}\n` +
      '@vscode/test-electron needs internet access to update.code.visualstudio.com.\n' +
      'Without it, run the same suites inside code-server instead: npm run test:vscode\n',
  );
  console.log('\n  0 passing\n  1 failing\n\n  1) electron harness: VS Code download failed');
  process.exit(1);
}

if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  say('no DISPLAY: desktop VS Code needs one; if it fails to start, run: xvfb-run -a npm run test:electron');
}

const userDataDir = mkdtempSync(path.join(tmpdir(), 'kimi-milvus-electron-'));
// A fresh copy of test/fixtures/sample-workspace: the suites edit, create and delete files in it.
const workspace = copySampleWorkspace();
let exitCode = 1;
try {
  exitCode = await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: root,
    extensionTestsPath,
    extensionTestsEnv: {
      KIMI_MILVUS_TEST_RESULTS_DIR: resultsDir,
      KIMI_MILVUS_VENV: process.env.KIMI_MILVUS_VENV || path.join(root, '.cache', 'milvus-venv'),
      KIMI_MILVUS_TEST_DATA_DIR: process.env.KIMI_MILVUS_TEST_DATA_DIR || path.join(root, '.cache', 'test-milvus-vscode'),
    },
    launchArgs: [workspace.folder, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--user-data-dir', userDataDir],
  });
} catch (e) {
  say(`VS Code exited with an error: ${e instanceof Error ? e.message : e}`);
} finally {
  rmSync(userDataDir, { recursive: true, force: true });
  workspace.remove();
}

// The in-host runner wrote the spec output and counts; print them in mocha's standard form.
const outputFile = path.join(resultsDir, 'output.log');
const resultsFile = path.join(resultsDir, 'results.json');
if (existsSync(outputFile)) {
  console.log(`\n--- mocha output (${path.relative(root, outputFile)}) ---`);
  process.stdout.write(readFileSync(outputFile, 'utf8'));
}
if (!existsSync(resultsFile)) {
  console.log('\n  0 passing\n  1 failing\n\n  1) electron harness: the test runner wrote no results');
  process.exit(1);
}
const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
say(`VS Code ${results.vscodeVersion} (${results.appHost}): ${results.passes} passing, ${results.failures} failing`);
process.exit(exitCode === 0 && results.failures === 0 && results.passes > 0 ? 0 : 1);
