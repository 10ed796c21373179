import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as grpc from '@grpc/grpc-js';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StoreError } from '../../src/core/errors';
import { userMessage } from '../../src/extension/errorText';
import { failureMessage } from '../../src/cli/command';
import { MilvusLiteServer } from '../../src/core/milvus/liteServer';
import { isPidAlive } from '../../src/core/milvus/processes';
import { embeddedServer, openStore } from '../../src/core/store/factory';
import type { ChunkRow } from '../../src/core/store/types';
import { REPO_ROOT, getTestStore, testMilvusConfig, testVenvDir, uniqueCollectionName } from './milvusEnv';

const privateDirs: string[] = [];

/** A data dir of its own, so killing its server cannot disturb other tests (or other people's runs). */
function privateDataDir(label: string): string {
  const dir = path.join(REPO_ROOT, '.cache', 'test-milvus-private', `${label}-${process.pid}-${Date.now().toString(36)}`);
  fs.mkdirSync(dir, { recursive: true });
  privateDirs.push(dir);
  return dir;
}

function rows(prefix: string, n: number): ChunkRow[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${Buffer.from(prefix).toString('hex')}${i.toString(16).padStart(6, '0')}`,
    path: `${prefix}/file${i}.ts`,
    startLine: 1,
    endLine: 5,
    chunkIndex: 0,
    totalChunks: 1,
    language: 'typescript',
    fileHash: 'ab'.repeat(32),
    text: `export const ${prefix}Value${i} = ${i}; // survivor${prefix}`,
  }));
}

async function waitDead(pid: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (isPidAlive(pid) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(isPidAlive(pid), false, `pid ${pid} still alive`);
}

describe('embedded Milvus Lite server manager', function () {
  this.timeout(300_000);

  before(async function () {
    this.timeout(900_000);
    await getTestStore(); // provisions the shared venv once
  });

  after(() => {
    for (const dir of privateDirs.splice(0)) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a client is not sent away for pinging: idle for 45 s, the connection stays and answers', async () => {
    // Milvus Lite's gRPC server allows a ping every 5 minutes while it sends nothing; the SDK's
    // default (every 10 s, also without calls) got the connection closed after ~40 s, which also
    // breaks a call that waits that long for its answer.
    const logged: string[] = [];
    const capture = (message?: unknown, ...rest: unknown[]): void => {
      logged.push([message, ...rest].map(String).join(' '));
    };
    grpc.setLogger({ error: capture, info: capture, debug: capture });
    const handle = await openStore(testMilvusConfig(), {});
    try {
      await handle.store.listCollections();
      await new Promise((r) => setTimeout(r, 45_000));
      assert.ok(Array.isArray(await handle.store.listCollections()));
      assert.deepEqual(logged.filter((l) => /excess pings|GOAWAY|ENHANCE_YOUR_CALM/i.test(l)), []);
    } finally {
      grpc.setLogger(console);
      await handle.dispose();
    }
  });

  it('two managers on one data dir share one server process, stopped by the last release', async () => {
    const dataDir = privateDataDir('share');
    const a = new MilvusLiteServer({ dataDir, venvDir: testVenvDir(), pythonPath: undefined });
    const b = new MilvusLiteServer({ dataDir, venvDir: testVenvDir(), pythonPath: undefined });
    const [la, lb] = await Promise.all([a.acquire(), b.acquire()]);
    try {
      assert.equal(la.info.pid, lb.info.pid);
      assert.equal(la.info.port, lb.info.port);
      assert.equal((await a.status()).users, 2);
      await lb.release();
      assert.equal((await a.status()).running, true, 'still used by a');
    } finally {
      await lb.release();
      await la.release();
    }
    assert.equal((await a.status()).running, false);
    await waitDead(la.info.pid);
  });

  it('restarts a killed server on the next call; nothing written before is lost', async () => {
    const config = { ...testMilvusConfig(), dataDir: privateDataDir('kill') };
    const handle = await openStore(config, {});
    try {
      const { store } = handle;
      const name = uniqueCollectionName('kill');
      await store.createCollection(name, { embedding: null });
      await store.upsert(name, rows('before', 50));
      const before = await embeddedServer(config).status();
      assert.ok(before.info);
      process.kill(before.info.pid, 'SIGKILL');
      await waitDead(before.info.pid);

      await store.upsert(name, rows('after', 10));
      const after = await embeddedServer(config).status();
      assert.ok(after.info && after.info.pid !== before.info.pid, 'a new server process');
      assert.equal((await store.describeCollection(name)).rowCount, 60);
      const hits = await store.search(name, 'survivorbefore', { limit: 3 });
      assert.equal(hits.length, 3);
      assert.ok(hits.every((h) => h.path.startsWith('before/')));
    } finally {
      await handle.dispose();
    }
    assert.equal((await embeddedServer(config).status()).running, false);
  });

  it('takes over a stale state file and lock left by a dead process', async () => {
    const dataDir = privateDataDir('stale');
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.once('exit', r));
    const deadPid = dead.pid ?? 999_999;
    fs.writeFileSync(path.join(dataDir, 'milvus-server.json'), JSON.stringify({ pid: deadPid, port: 1, host: '127.0.0.1' }));
    fs.writeFileSync(path.join(dataDir, 'milvus-server.lock'), JSON.stringify({ pid: deadPid, at: Date.now() }));
    const server = new MilvusLiteServer({ dataDir, venvDir: testVenvDir(), pythonPath: undefined });
    const lease = await server.acquire();
    try {
      assert.notEqual(lease.info.pid, deadPid);
      assert.equal((await server.status()).running, true);
    } finally {
      await lease.release();
    }
  });

  it('a server nobody holds a lease on, or nobody can find, stops by itself', async () => {
    const previous = process.env.KIMI_MILVUS_IDLE_CHECK_S;
    process.env.KIMI_MILVUS_IDLE_CHECK_S = '0.25'; // read by the launcher at spawn
    try {
      for (const orphan of ['lease-lost', 'state-deleted']) {
        const dataDir = privateDataDir(orphan);
        const server = new MilvusLiteServer({ dataDir, venvDir: testVenvDir(), pythonPath: undefined });
        const lease = await server.acquire();
        const { pid } = lease.info;
        await new Promise((r) => setTimeout(r, 2000));
        assert.equal(isPidAlive(pid), true, 'alive while leased and findable');
        if (orphan === 'lease-lost') {
          // As if the only user crashed: its lease file points at nobody alive.
          fs.rmSync(path.join(dataDir, 'milvus-users'), { recursive: true, force: true });
        } else {
          fs.rmSync(path.join(dataDir, 'milvus-server.json'));
        }
        await waitDead(pid);
        await lease.release();
      }
    } finally {
      if (previous === undefined) {
        delete process.env.KIMI_MILVUS_IDLE_CHECK_S;
      } else {
        process.env.KIMI_MILVUS_IDLE_CHECK_S = previous;
      }
    }
  });

  it('reports a missing or bad Python quickly, with what to install', async () => {
    for (const pythonPath of ['/nonexistent/python3', process.execPath]) {
      const dataDir = privateDataDir('nopython');
      const server = new MilvusLiteServer({ dataDir, venvDir: path.join(dataDir, 'venv'), pythonPath });
      const started = Date.now();
      await assert.rejects(server.acquire(), (err: unknown) => {
        assert.ok(err instanceof StoreError, String(err));
        assert.equal(err.code, 'python-missing');
        assert.match(err.message, /python3-venv/);
        assert.equal(err.details.purpose, 'milvus');
        // The way around it is worded by each front end, from the code.
        assert.match(userMessage(err), /kimiMilvus\.milvus\.uri/);
        assert.match(userMessage(err), /Docker|Zilliz/);
        assert.match(failureMessage(err), /MILVUS_URI/);
        return true;
      });
      assert.ok(Date.now() - started < 20_000, 'no hang');
      assert.equal(fs.existsSync(path.join(dataDir, 'venv')), false);
    }
  });
});
