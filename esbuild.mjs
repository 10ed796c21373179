// Builds the three bundles of the product: the extension host, the webview script and the CLI.
// `--production` minifies; every bundle has source maps so stack traces point at src/.
import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import { nodeBundleOptions } from './scripts/esbuild-node.mjs';

const root = path.dirname(fileURLToPath(import.meta.url));
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {esbuild.BuildOptions} */
const common = {
  bundle: true,
  minify: production,
  sourcemap: true,
  sourcesContent: false,
  logLevel: 'info',
  absWorkingDir: root,
};

const nodeCommon = { ...common, ...nodeBundleOptions };

/** @type {esbuild.BuildOptions[]} */
const builds = [
  { ...nodeCommon, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js' },
  // The CLI: `dist/cli.js` (src/cli.ts) is a small launcher that runs the bundle `dist/cliMain.js`
  // (src/cliMain.ts) with a V8 code cache.
  { ...nodeCommon, entryPoints: ['src/cliMain.ts'], outfile: 'dist/cliMain.js' },
  {
    ...nodeCommon,
    entryPoints: ['src/cli.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: ['src/webview/webview.ts'],
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
