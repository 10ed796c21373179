// Builds the three bundles of the product: the extension host, the webview script and the CLI.
// `--production` minifies; every bundle has source maps so stack traces point at src/.
import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';

const root = path.dirname(fileURLToPath(import.meta.url));
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** The SDK eagerly loads its BulkWriter (parquet + aws-sdk); we never use it, so it is stubbed. */
const parquetStub = path.join(root, 'scripts', 'parquet-stub.cjs');

const common = {
  bundle: true,
  minify: production,
  sourcemap: true,
  sourcesContent: false,
  logLevel: 'info',
  absWorkingDir: root,
};

const nodeCommon = {
  ...common,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  alias: { '@shanghaikid/parquetjs': parquetStub },
  // Optional native accelerators that some dependencies try to require inside try/catch.
  external: ['vscode', 'bufferutil', 'utf-8-validate', '@aws-sdk/signature-v4-crt'],
};

const builds = [
  { ...nodeCommon, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js' },
  {
    ...nodeCommon,
    entryPoints: ['src/cli.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: ['src/webview/main.ts'],
    outfile: 'dist/webview.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
];

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('[watch] watching for changes');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
