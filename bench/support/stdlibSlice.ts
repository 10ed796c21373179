/**
 * The 209-file CPython slice that issue 18's targets are measured on, taken from this machine's
 * Python 3 (code this project did not write): every module, tests left out, of asyncio, email,
 * http, json, logging, concurrent, urllib, xml, importlib, multiprocessing, unittest, sqlite3,
 * collections, dbm, html, xmlrpc, wsgiref, zoneinfo, tomllib and ctypes (207 files on CPython
 * 3.11), plus argparse.py and subprocess.py. Copied to a temporary folder so no cache or
 * `__pycache__` of the interpreter's own tree is touched.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const PACKAGES = [
  'asyncio', 'email', 'http', 'json', 'logging', 'concurrent', 'urllib', 'xml', 'importlib', 'multiprocessing', 'unittest',
  'sqlite3', 'collections', 'dbm', 'html', 'xmlrpc', 'wsgiref', 'zoneinfo', 'tomllib', 'ctypes',
];
const MODULES = ['argparse.py', 'subprocess.py'];

function isTestPath(rel: string): boolean {
  return rel.split(path.sep).some((part) => part === 'test' || part === 'tests' || part === '__pycache__');
}

/** The stdlib folder of `python3` (or `python` on Windows). */
export function stdlibDir(): string {
  const python = process.platform === 'win32' ? 'python' : 'python3';
  return execFileSync(python, ['-c', 'import sysconfig; print(sysconfig.get_paths()["stdlib"])'], { encoding: 'utf8' }).trim();
}

/**
 * Copies the slice (or its first `limit` files, for a quicker look on a busy machine) into a new
 * temporary folder; returns it and the number of files.
 */
export function copyStdlibSlice(limit = Infinity, lib = stdlibDir()): { dir: string; files: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-stdlib-slice-'));
  let files = 0;
  const copy = (rel: string): void => {
    if (files >= limit) {
      return;
    }
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.copyFileSync(path.join(lib, rel), path.join(dir, rel));
    files++;
  };
  for (const pkg of PACKAGES) {
    const entries = fs.readdirSync(path.join(lib, pkg), { recursive: true, encoding: 'utf8' }).sort();
    for (const rel of entries.map((e) => path.join(pkg, e))) {
      if (rel.endsWith('.py') && !isTestPath(rel) && fs.statSync(path.join(lib, rel)).isFile()) {
        copy(rel);
      }
    }
  }
  MODULES.forEach(copy);
  return { dir, files };
}
