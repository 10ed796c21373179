import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { embeddedServer } from '../../src/core/store/factory';
import { type Run, runNodeScript } from '../support/runNode';
import { REPO_ROOT, getTestStore, testMilvusConfig } from './milvusEnv';

const CLI = path.join(REPO_ROOT, '.cache', 'test-build', `cli-${process.pid}.js`);

function cli(args: string[]): Promise<Run> {
  return runNodeScript(CLI, args, { timeoutMs: 120_000 });
}

describe('kimi-milvus server (CLI bundle)', function () {
  this.timeout(300_000);

  before(async function () {
    this.timeout(900_000);
    await getTestStore();
    // The same options as esbuild.mjs, into a private file so parallel builds of dist/ are not disturbed.
    const { nodeBundleOptions } = await import('../../scripts/esbuild-node.mjs');
    await esbuild.build({ ...nodeBundleOptions, entryPoints: ['src/cliMain.ts'], outfile: CLI, logLevel: 'error' });
  });

  after(() => {
    fs.rmSync(CLI, { force: true });
    fs.rmSync(`${CLI}.map`, { force: true });
  });

  it('status --json reports the server the tests use', async () => {
    const { dataDir } = testMilvusConfig();
    const expected = (await embeddedServer(testMilvusConfig()).status()).info;
    assert.ok(expected);
    const { code, stdout } = await cli(['server', 'status', '--json', '--data-dir', dataDir]);
    assert.equal(code, 0);
    const status = JSON.parse(stdout) as Record<string, unknown>;
    assert.equal(status.running, true);
    assert.equal(status.pid, expected.pid);
    assert.equal(status.port, expected.port);
    assert.equal(status.version, '3.2.2');
    assert.ok(typeof status.users === 'number' && status.users >= 1);
  });

  it('start keeps a server running for later commands, stop ends it', async () => {
    const dataDir = path.join(REPO_ROOT, '.cache', 'test-milvus-private', `cli-${process.pid}-${Date.now().toString(36)}`);
    const started = await cli(['server', 'start', '--json', '--data-dir', dataDir]);
    assert.equal(started.code, 0, started.stderr);
    const info = JSON.parse(started.stdout) as { pid: number; keepAlive: boolean; running: boolean };
    assert.equal(info.running, true);
    assert.equal(info.keepAlive, true);
    try {
      const status = await cli(['server', 'status', '--data-dir', dataDir]);
      assert.equal(status.code, 0);
      assert.match(status.stdout, new RegExp(`pid ${info.pid}`));
    } finally {
      const stopped = await cli(['server', 'stop', '--json', '--data-dir', dataDir]);
      assert.equal(stopped.code, 0, stopped.stderr);
      assert.equal((JSON.parse(stopped.stdout) as { stopped: boolean }).stopped, true);
    }
    const after = await cli(['server', 'status', '--json', '--data-dir', dataDir]);
    assert.equal(after.code, 3);
    assert.equal((JSON.parse(after.stdout) as { running: boolean }).running, false);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
