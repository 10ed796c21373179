// Import rules for src/, checked by dependency-cruiser in `npm test` (the `check` suite) and by
// `npm run lint:layers`. test/unit/layering.test.ts proves that each rule catches what it should.
//
// Each layer lists the layers it may import (imports point downward only). A folder of src/ that is
// in no layer fails the check, so a new layer is placed here before it is used.
//
// The MCP server lived in src/cli/mcp/ before it became its own layer, src/mcp/; while it is there
// it counts as CLI code, so these rules hold before and after that move.
//
// Type-only imports count (tsPreCompilationDeps): `import type` across layers is a dependency of the
// design even though TypeScript erases it from the JavaScript.

/** Paths as dependency-cruiser reports them: relative to the repository root, with `/`. */
const CORE = '^src/core/';
const SHARED = '^src/shared/';
const WEBVIEW = '^src/webview/';
const TEXT = '^src/text/';
const MCP = '^src/mcp/';
/** src/cli/ and the entry files beside it (src/cli.ts, and its launcher or main). */
const CLI = '^src/(cli/|cli[A-Za-z]*\\.ts$)';
const EXTENSION = '^src/extension/';

/** Each layer's files, and the other layers it may import (besides itself). */
const LAYERS = {
  // Everything that is not UI; runs in the extension host, the CLI and the MCP server alike.
  core: { path: CORE, mayImport: [] },
  // The typed protocol between extension and webview, compiled into both: imports nothing else.
  shared: { path: SHARED, mayImport: [] },
  // Browser code in the webview's sandbox; talks to the extension only through src/shared messages.
  webview: { path: WEBVIEW, mayImport: ['shared'] },
  // Wording shared by the front ends (extension, CLI, MCP) over core's types.
  text: { path: TEXT, mayImport: ['core', 'shared'] },
  // The MCP server: driven by the CLI's `mcp` command, configured by the extension.
  mcp: { path: MCP, mayImport: ['core', 'shared', 'text'] },
  // The command line; runs in a terminal, never inside VS Code.
  cli: { path: CLI, mayImport: ['mcp', 'core', 'shared', 'text'] },
  // The VS Code adapter.
  extension: { path: EXTENSION, mayImport: ['mcp', 'core', 'shared', 'text'] },
};

/** `vscode` has no JavaScript package (the host provides it): it resolves to its typings. */
const VSCODE = '^(vscode$|node_modules/@types/vscode/)';
/** npm libraries bundled into the webview; each is browser code (esbuild builds the webview for the browser). */
const WEBVIEW_LIBRARIES = '^node_modules/(dompurify|markdown-it|highlight\\.js|@types/(dompurify|markdown-it))/';

const layerRules = Object.entries(LAYERS).map(([name, layer]) => ({
  name: `${name}-imports-only-its-layers`,
  severity: 'error',
  comment: layer.mayImport.length
    ? `Of src/, the ${name} layer may import only itself and: ${layer.mayImport.join(', ')} (LAYERS in .dependency-cruiser.cjs).`
    : `Of src/, the ${name} layer may import only itself (LAYERS in .dependency-cruiser.cjs).`,
  from: { path: layer.path },
  to: { path: '^src/', pathNot: [layer.path, ...layer.mayImport.map((other) => LAYERS[other].path)] },
}));

/** @type {import('dependency-cruiser', { with: { 'resolution-mode': 'import' } }).IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules that import each other can be neither understood nor moved one at a time: move the shared piece into a third module.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'in-a-layer',
      severity: 'error',
      comment: 'This file of src/ belongs to no layer: add its folder to LAYERS in .dependency-cruiser.cjs (and to the architecture notes).',
      from: { path: '^src/', pathNot: Object.values(LAYERS).map((l) => l.path) },
      to: {},
    },
    {
      name: 'vscode-only-in-extension',
      severity: 'error',
      comment: 'Only src/extension runs inside VS Code; core, the CLI, MCP and the webview run without it.',
      from: { path: '^src/', pathNot: EXTENSION },
      to: { path: VSCODE },
    },
    {
      name: 'webview-browser-only',
      severity: 'error',
      comment:
        'The webview runs in a browser: no Node built-ins and, of npm, only the browser libraries in WEBVIEW_LIBRARIES (add one there only if it is browser code).',
      from: { path: WEBVIEW },
      to: { path: '^(?!src/)', pathNot: WEBVIEW_LIBRARIES },
    },
    {
      name: 'shared-imports-nothing',
      severity: 'error',
      comment: 'src/shared is compiled into the extension and the webview: no Node built-ins, no npm packages.',
      from: { path: SHARED },
      to: { path: '^(?!src/)' },
    },
    {
      name: 'text-no-node-built-ins',
      severity: 'error',
      comment: 'src/text is wording only: no file system, processes or network.',
      from: { path: TEXT },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'src-not-tests',
      severity: 'error',
      comment: 'Shipped code never imports tests, benchmarks or build scripts.',
      from: { path: '^src/' },
      to: { path: '^(test|bench|scripts)/' },
    },
    {
      name: 'src-no-dev-dependencies',
      severity: 'error',
      comment: 'Shipped code imports only `dependencies` of package.json (typings excepted), so package.json says what the product needs.',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], pathNot: '^node_modules/@types/' },
    },
    {
      name: 'no-undeclared-packages',
      severity: 'error',
      comment: 'A package that package.json does not list works only by accident of hoisting: declare it.',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'resolvable',
      severity: 'error',
      comment: 'This import resolves to no file.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|out|test/fixtures)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Resolve as Node and TypeScript do: package.json `exports` with their conditions, and the
    // typings of a package that ships only types (@types/vscode).
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
