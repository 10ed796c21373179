/**
 * kimi-milvus: the product's command line, a thin shell over src/core.
 * Each command lives in src/cli/<group>.ts; this file only dispatches.
 */
import { runCli } from './cli/main';

// Stack traces of the minified bundle point at src/ (esbuild writes dist/cliMain.js.map).
process.setSourceMapsEnabled(true);

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`kimi-milvus: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
