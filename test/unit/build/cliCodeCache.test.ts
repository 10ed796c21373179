import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { cacheFileName, codeCacheDir, writeCache } from '../../../src/cli/codeCache';
import { runNodeScript } from '../../support/runNode';

describe('CLI code cache (src/cli.ts)', () => {
  it('lives in the user cache folder of each platform, and KIMI_MILVUS_CODE_CACHE=0 turns it off', () => {
    assert.equal(codeCacheDir({}, 'linux', '/home/u'), path.join('/home/u', '.cache', 'kimi-milvus', 'code-cache'));
    assert.equal(codeCacheDir({ XDG_CACHE_HOME: '/xdg' }, 'linux', '/home/u'), path.join('/xdg', 'kimi-milvus', 'code-cache'));
    assert.equal(codeCacheDir({}, 'darwin', '/Users/u'), path.join('/Users/u', 'Library', 'Caches', 'kimi-milvus', 'code-cache'));
    assert.equal(codeCacheDir({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32', 'C:\\Users\\u'), path.join('C:\\Users\\u\\AppData\\Local', 'kimi-milvus', 'code-cache'));
    assert.equal(codeCacheDir({}, 'win32', 'C:\\Users\\u'), undefined, 'no LOCALAPPDATA: no cache');
    assert.equal(codeCacheDir({ KIMI_MILVUS_CODE_CACHE: '0', XDG_CACHE_HOME: '/xdg' }, 'linux', '/home/u'), undefined);
  });

  it('names a cache by the bundle content and the command', () => {
    const a = cacheFileName('source one', ['search', 'q']);
    assert.match(a, /^cli-[0-9a-f]{20}-search\.bin$/);
    assert.equal(cacheFileName('source one', ['--json', 'search']), a, 'options before the command do not matter');
    assert.notEqual(cacheFileName('source one', ['index']), a);
    assert.notEqual(cacheFileName('source two', ['search']), a, 'another bundle (even of the same length) never reads this cache');
    assert.match(cacheFileName('source one', ['../../x']), /-other\.bin$/, 'a file name never comes from odd arguments');
    assert.match(cacheFileName('source one', []), /-other\.bin$/);
  });

  it('writes a cache whole, private, and removes the caches of older bundles', () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kimi-cc-')), 'code-cache');
    try {
      const current = cacheFileName('new bundle', ['search']);
      writeCache(dir, cacheFileName('old bundle', ['search']), Buffer.from('old'));
      writeCache(dir, cacheFileName('new bundle', ['index']), Buffer.from('index'));
      writeCache(dir, current, Buffer.from('search'));
      assert.deepEqual(fs.readdirSync(dir).sort(), [cacheFileName('new bundle', ['index']), current].sort());
      assert.equal(fs.readFileSync(path.join(dir, current), 'utf8'), 'search');
      if (process.platform !== 'win32') {
        assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
        assert.equal(fs.statSync(path.join(dir, current)).mode & 0o777, 0o600);
      }
      // A cache that cannot be written (its folder is a file) is no error.
      const blocked = path.join(dir, current);
      assert.doesNotThrow(() => writeCache(path.join(blocked, 'sub'), current, Buffer.from('x')));
    } finally {
      fs.rmSync(path.dirname(dir), { recursive: true, force: true });
    }
  });

  describe('the launcher', function () {
    this.timeout(60_000);
    let dir: string;
    let cacheHome: string;
    const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
      runNodeScript(path.join(dir, 'cli.js'), args, { env: { ...process.env, XDG_CACHE_HOME: cacheHome, ...env }, timeoutMs: 30_000 });
    const cacheFiles = () => {
      const d = path.join(cacheHome, 'kimi-milvus', 'code-cache');
      return fs.existsSync(d) ? fs.readdirSync(d).map((f) => path.join(d, f)) : [];
    };

    before(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kimi-launcher-'));
      cacheHome = path.join(dir, 'cache');
      const { nodeBundleOptions } = await import('../../../scripts/esbuild-node.mjs');
      await esbuild.build({ ...nodeBundleOptions, entryPoints: ['src/cli.ts'], outfile: path.join(dir, 'cli.js'), logLevel: 'error' });
      // A stand-in bundle that shows what the launcher gives it: module scope, arguments, exit code.
      fs.writeFileSync(
        path.join(dir, 'cliMain.js'),
        `if (process.argv.includes('throw')) { const e = new Error('boom'); console.log(e.stack); process.exit(0); }
        const path = require('node:path');
        console.log(JSON.stringify({ file: path.basename(__filename), dir: __dirname, args: process.argv.slice(2), exportsOk: module.exports === exports, req: typeof require('node:fs').readFileSync }));
        process.exitCode = process.argv.includes('fail') ? 3 : 0;`,
      );
    });

    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('runs the bundle in a module scope with the arguments, keeps its exit code, and caches it per command', async () => {
      const first = await run(['search', 'x y']);
      assert.equal(first.code, 0, first.stderr);
      assert.deepEqual(JSON.parse(first.stdout), { file: 'cliMain.js', dir, args: ['search', 'x y'], exportsOk: true, req: 'function' });
      const [cache] = cacheFiles();
      assert.ok(cache && cache.endsWith('-search.bin'), `no cache written: ${cacheFiles().join()}`);
      const written = fs.statSync(cache).mtimeMs;

      // Accepted by V8: not written again.
      assert.equal((await run(['search', 'z'])).code, 0);
      assert.equal(fs.statSync(cache).mtimeMs, written);

      // Damaged: V8 rejects it, the bundle still runs, and a good cache replaces it.
      fs.writeFileSync(cache, Buffer.alloc(64, 7));
      const damaged = await run(['search', 'fail']);
      assert.equal(damaged.code, 3, damaged.stderr);
      assert.deepEqual(JSON.parse(damaged.stdout).args, ['search', 'fail']);
      assert.ok(fs.statSync(cache).size > 64, 'the damaged cache was not rewritten');

      assert.equal((await run(['index'])).code, 0);
      assert.equal(cacheFiles().length, 2, 'one cache per command');
    });

    it("reports the bundle's own line and column in stack traces (what its source map is looked up by)", async () => {
      // The second run reads the cache the first one wrote.
      for (const r of [await run(['throw']), await run(['throw'])]) {
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /cliMain\.js:1:\d+/, r.stdout);
        const column = Number(/cliMain\.js:1:(\d+)/.exec(r.stdout)?.[1]);
        const line1 = fs.readFileSync(path.join(dir, 'cliMain.js'), 'utf8').split('\n')[0];
        assert.equal(column, line1.indexOf('new Error') + 1, r.stdout);
      }
    });

    it('runs without a cache when it is turned off', async () => {
      fs.rmSync(cacheHome, { recursive: true, force: true });
      const r = await run(['search'], { KIMI_MILVUS_CODE_CACHE: '0' });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout).args, ['search']);
      assert.deepEqual(cacheFiles(), []);
    });
  });
});
