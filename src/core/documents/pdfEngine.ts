/**
 * The entry of dist/pdf.js: PDF.js as the unpdf package publishes it, built once and loaded on first
 * use by both the extension and the CLI bundle (esbuild.mjs maps their `import('unpdf')` here).
 */
export { getDocumentProxy } from 'unpdf';
