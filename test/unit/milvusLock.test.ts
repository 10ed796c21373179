import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StoreError, UserAbortError } from '../../src/core/errors';
import { acquireLock, readLockOwner } from '../../src/core/milvus/fileLock';
import { isPidAlive } from '../../src/core/milvus/processes';
import { liveUsers, readState, registerUser, serverPaths, writeState } from '../../src/core/milvus/serverState';

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => child.once('exit', r));
  assert.ok(child.pid);
  return child.pid;
}

describe('Milvus Lite lock and state files', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kimi-milvus-lock-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('acquires, records the owner pid, and releases', async () => {
    const file = path.join(dir, 'x.lock');
    const lock = await acquireLock(file, { timeoutMs: 1000, purpose: 'test' });
    assert.equal(readLockOwner(file)?.pid, process.pid);
    lock.release();
    assert.equal(fs.existsSync(file), false);
    lock.release(); // twice is harmless
  });

  it('makes a second taker wait until the first releases', async () => {
    const file = path.join(dir, 'x.lock');
    const first = await acquireLock(file, { timeoutMs: 1000, purpose: 'test' });
    let secondGot = false;
    const second = acquireLock(file, { timeoutMs: 5000, pollMs: 20, purpose: 'test' }).then((l) => {
      secondGot = true;
      return l;
    });
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(secondGot, false);
    first.release();
    (await second).release();
    assert.equal(secondGot, true);
  });

  it('times out with a clear StoreError while a live process holds it', async () => {
    const file = path.join(dir, 'x.lock');
    const held = await acquireLock(file, { timeoutMs: 1000, purpose: 'test' });
    const started = Date.now();
    await assert.rejects(acquireLock(file, { timeoutMs: 300, pollMs: 20, purpose: 'the widget' }), (err: unknown) => {
      assert.ok(err instanceof StoreError);
      assert.equal(err.code, 'unavailable');
      assert.match(err.message, /the widget/);
      assert.match(err.message, new RegExp(`pid ${process.pid}`));
      return true;
    });
    assert.ok(Date.now() - started < 2000);
    held.release();
  });

  it('takes over a lock whose owner is dead', async () => {
    const file = path.join(dir, 'x.lock');
    fs.writeFileSync(file, JSON.stringify({ pid: await deadPid(), at: Date.now() }));
    const lock = await acquireLock(file, { timeoutMs: 1000, purpose: 'test' });
    assert.equal(readLockOwner(file)?.pid, process.pid);
    lock.release();
  });

  it('stops waiting when cancelled', async () => {
    const file = path.join(dir, 'x.lock');
    const held = await acquireLock(file, { timeoutMs: 1000, purpose: 'test' });
    const controller = new AbortController();
    const waiting = acquireLock(file, { timeoutMs: 10_000, pollMs: 20, purpose: 'test', signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(waiting, UserAbortError);
    held.release();
  });

  it('round-trips server state and counts only live users', async () => {
    const paths = serverPaths(dir);
    assert.equal(readState(paths), undefined);
    writeState(paths, {
      pid: 42,
      port: 1234,
      host: '127.0.0.1',
      address: '127.0.0.1:1234',
      version: '3.2.2',
      startedAt: 'now',
      keepAlive: false,
      milvusDir: paths.milvusDir,
    });
    assert.equal(readState(paths)?.address, '127.0.0.1:1234');
    fs.writeFileSync(paths.stateFile, '{"pid": 4'); // torn write
    assert.equal(readState(paths), undefined);

    registerUser(paths, 'aaaa');
    const dead = await deadPid();
    fs.writeFileSync(path.join(paths.usersDir, `${dead}-bbbb`), '');
    assert.equal(isPidAlive(dead), false);
    assert.equal(liveUsers(paths), 1);
    assert.deepEqual(fs.readdirSync(paths.usersDir), [`${process.pid}-aaaa`]);
  });
});
