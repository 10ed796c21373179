// In-host test runner: VS Code loads this module as `extensionTestsPath` and calls `run()` inside
// the extension host. It runs every bundled suite with mocha and reports through files, because
// neither the code-server workbench nor the browser hands the host's stdout back to the harness:
//   <results dir>/output.log    mocha's spec output, appended line by line as tests finish
//   <results dir>/results.json  counts and failures, written once at the end (the harness waits for it)
// The results dir is $KIMI_MILVUS_TEST_RESULTS_DIR (set by the harness), else test-results/vscode.
import { appendFileSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';

export interface FailureReport {
  readonly title: string;
  readonly message: string;
  readonly stack: string;
}

export interface ResultsFile {
  readonly passes: number;
  readonly failures: number;
  readonly pending: number;
  readonly durationMs: number;
  readonly vscodeVersion: string;
  readonly appHost: string;
  readonly failed: readonly FailureReport[];
}

function suiteFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) {
        return suiteFiles(full);
      }
      return name.endsWith('.test.js') ? [full] : [];
    });
}

export async function run(): Promise<void> {
  const repo = path.resolve(__dirname, '..', '..', '..');
  const resultsDir = process.env.KIMI_MILVUS_TEST_RESULTS_DIR || path.join(repo, 'test-results', 'vscode');
  mkdirSync(resultsDir, { recursive: true });
  const outputFile = path.join(resultsDir, 'output.log');
  const resultsFile = path.join(resultsDir, 'results.json');
  rmSync(resultsFile, { force: true });
  writeFileSync(outputFile, '');

  // Route the spec reporter's lines to the output file (and the host's console, for its log).
  const base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void };
  const originalLog = base.consoleLog;
  base.consoleLog = (...args: unknown[]) => {
    appendFileSync(outputFile, `${format(...args)}\n`);
    originalLog(...args);
  };

  const vscode = await import('vscode');
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: false,
    timeout: Number(process.env.KIMI_MILVUS_TEST_TIMEOUT_MS) || 60_000,
    grep: process.env.KIMI_MILVUS_TEST_GREP || undefined,
    forbidOnly: true,
  });
  for (const file of suiteFiles(path.join(__dirname, 'suite'))) {
    mocha.addFile(file);
  }

  const failed: FailureReport[] = [];
  const started = Date.now();
  let write: ResultsFile;
  try {
    const runner = await new Promise<Mocha.Runner>((resolve) => {
      const r = mocha.run(() => resolve(r));
      r.on('fail', (test, err: unknown) => {
        const e = err instanceof Error ? err : new Error(String(err));
        failed.push({ title: test.fullTitle(), message: e.message, stack: e.stack ?? e.message });
      });
    });
    const stats = runner.stats ?? { passes: 0, failures: failed.length, pending: 0 };
    write = {
      passes: stats.passes,
      failures: stats.failures,
      pending: stats.pending,
      durationMs: Date.now() - started,
      vscodeVersion: vscode.version,
      appHost: vscode.env.appHost,
      failed,
    };
  } catch (e) {
    // A suite that cannot even load (syntax, missing module) is one failure, not a silent zero.
    const err = e instanceof Error ? e : new Error(String(e));
    appendFileSync(outputFile, `runner error: ${err.stack ?? err.message}\n`);
    write = {
      passes: 0,
      failures: failed.length + 1,
      pending: 0,
      durationMs: Date.now() - started,
      vscodeVersion: vscode.version,
      appHost: vscode.env.appHost,
      failed: [...failed, { title: 'loading the test suites', message: err.message, stack: err.stack ?? err.message }],
    };
  } finally {
    base.consoleLog = originalLog;
  }
  writeFileSync(resultsFile, JSON.stringify(write, null, 2));
  if (write.failures > 0) {
    // Desktop VS Code (@vscode/test-electron) turns a rejected run() into a non-zero exit code.
    throw new Error(`${write.failures} test(s) failed`);
  }
}
