// Bundles the in-host test runner and every `test/vscode/suite/**/*.test.ts` into
// `out/test/vscode/**` for the extension host: CommonJS for Node, `vscode` and `mocha` left as
// runtime requires (the host provides `vscode`; mocha must be the one copy whose globals the suites use).
// Suites may import from src/core and test/fakes; those are bundled in.
import * as esbuild from 'esbuild';
import { nodeBundleOptions } from '../../scripts/esbuild-node.mjs';
import { readdirSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OUT_DIR = path.join(root, 'out', 'test', 'vscode');

function testFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) {
      return testFiles(full);
    }
    return name.endsWith('.test.ts') ? [full] : [];
  });
}

/**
 * Builds the bundles and returns the path of the runner module (the `extensionTestsPath`).
 * @param {{ logLevel?: esbuild.LogLevel }} [options]
 */
export async function buildVscodeTests({ logLevel = 'warning' } = {}) {
  rmSync(OUT_DIR, { recursive: true, force: true });
  const suiteDir = path.join(root, 'test', 'vscode', 'suite');
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: [path.join(root, 'test', 'vscode', 'index.ts'), ...testFiles(suiteDir)],
    outdir: OUT_DIR,
    outbase: path.join(root, 'test', 'vscode'),
    ...nodeBundleOptions,
    sourcemap: 'inline',
    logLevel,
    external: [...nodeBundleOptions.external, 'mocha'],
  });
  return path.join(OUT_DIR, 'index.js');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(await buildVscodeTests({ logLevel: 'info' }));
}
