/**
 * The `kimi-milvus` command (dist/cli.js): runs the CLI bundle (dist/cliMain.js, ~2.4 MB) with a V8
 * code cache, so a new process does not parse and compile it again: a `search` starts ~200 ms
 * sooner. Node 22's `module.enableCompileCache` does this for modules; the CLI also runs on Node 20
 * and inside Electron, so it is done here with `vm.Script`'s cachedData.
 *
 * The cache is one file per bundle content, Node version and command, in the user's cache folder
 * (never a shared temp folder: V8 runs what the file holds). A cache V8 rejects is rewritten; a cache
 * that cannot be read or written only costs the compile. KIMI_MILVUS_CODE_CACHE=0 turns it off.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { cacheFileName, codeCacheDir, readCache, writeCache } from './cli/codeCache';

const MAIN = path.join(__dirname, 'cliMain.js');

function main(): void {
  const dir = codeCacheDir();
  const source = dir === undefined ? undefined : readSource();
  if (dir === undefined || source === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle is a file found at run time, loaded as Node loads a CommonJS module
    require(MAIN);
    return;
  }
  const name = cacheFileName(source, process.argv.slice(2));
  const cachedData = readCache(path.join(dir, name));
  // The module scope Node gives a CommonJS file. The bundle starts on the wrapper's second line and
  // lineOffset takes that line back, so stack positions (and their source-map lookups) are the file's.
  const wrapper = `(function (exports, require, module, __filename, __dirname) {\n${source}\n});`;
  process.setSourceMapsEnabled(true); // before compiling, so the bundle's stack traces map to src/
  const script = new vm.Script(wrapper, { filename: MAIN, cachedData, lineOffset: -1 });
  const mod = { exports: {}, filename: MAIN, id: MAIN, loaded: false };
  if (cachedData === undefined || script.cachedDataRejected) {
    // At exit the cache holds every function this run compiled, not only the top level.
    process.once('exit', () => writeCache(dir, name, script.createCachedData()));
  }
  const fn = script.runInThisContext() as (e: unknown, r: NodeJS.Require, m: unknown, f: string, d: string) => void;
  fn.call(mod.exports, mod.exports, createRequire(MAIN), mod, MAIN, path.dirname(MAIN));
}

function readSource(): string | undefined {
  try {
    return fs.readFileSync(MAIN, 'utf8');
  } catch {
    return undefined;
  }
}

main();
