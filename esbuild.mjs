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

// PDF.js (through unpdf) is about a megabyte minified: the extension and the CLI bundle load it from
// dist/pdf.js, built once below, on the first PDF, instead of each carrying a copy.
const pdfApart = {
  name: 'pdf-apart',
  setup(build) {
    build.onResolve({ filter: /^unpdf$/ }, () => ({ path: './pdf.js', external: true }));
  },
};
// `require('./pdf.js')` rather than `import()`: the extension host loads extensions as CommonJS.
const productNode = { ...nodeCommon, plugins: [...(nodeBundleOptions.plugins ?? []), pdfApart], supported: { 'dynamic-import': false } };

/** @type {esbuild.BuildOptions[]} */
const builds = [
  { ...productNode, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js' },
  // The CLI: `dist/cli.js` (src/cli.ts) is a small launcher that runs the bundle `dist/cliMain.js`
  // (src/cliMain.ts) with a V8 code cache.
  { ...productNode, entryPoints: ['src/cliMain.ts'], outfile: 'dist/cliMain.js' },
  // Third-party code only: no source map (it would add ~2 MB to the VSIX and point into node_modules).
  { ...nodeCommon, entryPoints: ['src/core/documents/pdfEngine.ts'], outfile: 'dist/pdf.js', sourcemap: false },
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
