import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, copyFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runNodeScript } from '../support/runNode';

/**
 * The layer rules live in one place, .dependency-cruiser.cjs, and the `check` suite runs them on src/.
 * This test proves the rules themselves: it lays out a small tree shaped like src/, with one import of
 * each kind that must pass and one of each kind that must fail, cruises it with the real configuration
 * and expects exactly the listed violations (so an allowed import that gets flagged fails it too).
 */

const root = path.resolve(__dirname, '..', '..');
const cruiser = path.join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

/** File → its lines. An import ending in `// rule` must trip that rule; every other import must pass. */
const tree: Record<string, string[]> = {
  'src/core/other.ts': ['export interface Other { readonly n: number }'],
  'src/core/good.ts': ["import 'openai';", "import 'node:fs';", "import './other';"],
  'src/core/up.ts': [
    "import '../cli/tool'; // core-imports-only-its-layers",
    "import '../mcp/server'; // core-imports-only-its-layers",
    "import '../extension/ext'; // core-imports-only-its-layers",
    "import '../webview/view'; // core-imports-only-its-layers",
    "import '../text/words'; // core-imports-only-its-layers",
  ],
  // A type-only import counts: it is a dependency of the design even when TypeScript erases it.
  'src/core/host.ts': ["import type { Uri } from 'vscode'; // vscode-only-in-extension"],
  // A cycle is reported once, at the import that closes it as dependency-cruiser walks the tree.
  'src/core/cycleA.ts': ["import './cycleB'; // no-circular"],
  'src/core/cycleB.ts': ["import type { Other } from './other';", "import './cycleA';"],
  'src/core/fromTests.ts': ["import '../../test/helper'; // src-not-tests"],
  'src/core/devDep.ts': ["import 'mocha'; // src-no-dev-dependencies"],
  'src/core/undeclared.ts': ["import 'debug'; // no-undeclared-packages"],
  'src/core/missing.ts': ["import './nowhere'; // resolvable"],
  'src/shared/protocol.ts': ["import './model';"],
  'src/shared/model.ts': ['export {};'],
  'src/shared/bad.ts': [
    "import type { Other } from '../core/other'; // shared-imports-only-its-layers",
    "import 'node:path'; // shared-imports-nothing",
    "import 'dompurify'; // shared-imports-nothing",
  ],
  'src/webview/view.ts': ["import '../shared/protocol';", "import 'dompurify';", "import 'highlight.js/lib/core';"],
  'src/webview/bad.ts': [
    "import '../core/other'; // webview-imports-only-its-layers",
    "import 'node:fs'; // webview-browser-only",
    "import 'openai'; // webview-browser-only",
    "import 'vscode'; // webview-browser-only, vscode-only-in-extension",
  ],
  'src/text/words.ts': ["import type { Other } from '../core/other';", "import '../shared/model';"],
  'src/text/bad.ts': [
    "import 'node:os'; // text-no-node-built-ins",
    "import '../cli/tool'; // text-imports-only-its-layers",
  ],
  'src/mcp/server.ts': ["import '../core/good';", "import '../shared/model';", "import '../text/words';", "import '@modelcontextprotocol/sdk/types.js';"],
  'src/mcp/bad.ts': [
    "import '../cli/tool'; // mcp-imports-only-its-layers",
    "import '../extension/ext'; // mcp-imports-only-its-layers",
    "import 'vscode'; // vscode-only-in-extension",
  ],
  'src/cli/tool.ts': ["import '../core/good';", "import '../mcp/server';", "import '../shared/model';", "import '../text/words';"],
  // Where the MCP server lived before src/mcp/: CLI code, so it may use the CLI's helpers.
  'src/cli/mcp/server.ts': ["import '../tool';", "import '../../core/good';"],
  'src/cli.ts': ["import './cli/tool';"],
  'src/cliMain.ts': ["import './cli/tool';"],
  'src/cli/bad.ts': [
    "import '../extension/ext'; // cli-imports-only-its-layers",
    "import '../webview/view'; // cli-imports-only-its-layers",
    "import 'vscode'; // vscode-only-in-extension",
  ],
  'src/extension/ext.ts': ["import 'vscode';", "import '../core/good';", "import '../shared/protocol';", "import '../mcp/server';", "import '../text/words';"],
  'src/extension/bad.ts': [
    "import '../cli/tool'; // extension-imports-only-its-layers",
    "import '../cli/mcp/server'; // extension-imports-only-its-layers",
    "import '../cliMain'; // extension-imports-only-its-layers",
    "import '../webview/view'; // extension-imports-only-its-layers",
  ],
  'src/elsewhere/stray.ts': ["import '../core/other'; // in-a-layer"],
  'test/helper.ts': ['export {};'],
};

/** "from → to: rule" for every line above that names a rule. */
function expectedViolations(): string[] {
  const found: string[] = [];
  for (const [file, lines] of Object.entries(tree)) {
    for (const line of lines) {
      const rules = /\/\/ ([a-z-]+(?:, [a-z-]+)*)/.exec(line)?.[1];
      if (!rules || !file.startsWith('src/')) {
        continue;
      }
      const spec = /from '([^']+)'|import '([^']+)'/.exec(line);
      // dependency-cruiser names Node built-ins without their `node:` prefix.
      const target = (spec?.[1] ?? spec?.[2] ?? '').replace(/^node:/, '');
      for (const rule of rules.split(', ')) {
        found.push(`${file} → ${target}: ${rule}`);
      }
    }
  }
  return found.sort();
}

interface CruiseViolation {
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string };
}

interface CruiseModule {
  readonly source: string;
  readonly dependencies: readonly { readonly module: string; readonly resolved: string }[];
}

describe('layering rules (.dependency-cruiser.cjs)', function () {
  // Spawns dependency-cruiser, which loads the TypeScript compiler: seconds, more on a busy machine.
  this.timeout(120_000);
  let dir = '';

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kimi-milvus-layers-'));
    for (const [file, lines] of Object.entries(tree)) {
      mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
      writeFileSync(path.join(dir, file), lines.map((l) => l.replace(/\s*\/\/.*$/, '')).join('\n') + '\n');
    }
    // The repository's package.json decides which packages are dependencies, devDependencies or neither.
    copyFileSync(path.join(root, 'package.json'), path.join(dir, 'package.json'));
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'Node16', moduleResolution: 'Node16', strict: true } }));
    symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    // The real rules; keep the symlinked node_modules as seen from the tree, as in the repository.
    writeFileSync(
      path.join(dir, '.dependency-cruiser.cjs'),
      `const real = require(${JSON.stringify(path.join(root, '.dependency-cruiser.cjs'))});\n` +
        'module.exports = { ...real, options: { ...real.options, preserveSymlinks: true } };\n',
    );
  });

  after(() => {
    if (dir) {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('flags exactly the imports that break a rule', async () => {
    const run = await runNodeScript(cruiser, ['src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], { cwd: dir });
    assert.ok(run.stdout.startsWith('{'), `dependency-cruiser printed no report (exit ${run.code}):\n${run.stderr}`);
    const report = JSON.parse(run.stdout) as { modules: CruiseModule[]; summary: { violations: CruiseViolation[] } };
    // A violation names the resolved path; the expectations name the import as written.
    const written = new Map<string, string>();
    for (const m of report.modules) {
      for (const d of m.dependencies) {
        written.set(`${m.source} ${d.resolved}`, d.module);
      }
    }
    const actual = report.summary.violations.map((v) => `${v.from} → ${written.get(`${v.from} ${v.to}`) ?? v.to}: ${v.rule.name}`).sort();
    assert.deepEqual(actual, expectedViolations());
  });
});
