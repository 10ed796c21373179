import { strict as assert } from 'node:assert';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createToolRegistry, type ToolContext } from '../../../src/core/agent/tools';
import { readCheckedFile, UnsafeReadError } from '../../../src/core/fs/safeRead';
import type { VectorStore } from '../../../src/core/store/types';

const OUTSIDE = 'OUTSIDE-BYTES-must-never-be-read';

function context(folder: string): ToolContext {
  return {
    store: {} as VectorStore,
    embedder: { spec: null, embed: () => Promise.reject(new Error('no embedder')) },
    indexer: { indexFile: () => Promise.reject(new Error('no indexer')) },
    workspaceFolders: [folder],
    collectionFor: () => 'ws',
    trusted: true,
  };
}

/** Another process flips race.txt between a regular file and a link to an outside file, as fast as it can. */
const FLIPPER = `
const fs = require('node:fs');
const [ws, outside] = process.argv.slice(1);
const target = ws + '/race.txt';
for (;;) {
  fs.symlinkSync(outside, ws + '/.flip-link');
  fs.renameSync(ws + '/.flip-link', target);
  fs.writeFileSync(ws + '/.flip-file', 'inside text\\n');
  fs.renameSync(ws + '/.flip-file', target);
}
`;

describe('safe reads (check-then-use)', () => {
  let base: string;
  let ws: string;
  let outside: string;

  before(async () => {
    base = await fs.mkdtemp(path.join(os.tmpdir(), 'kmc-race-'));
    ws = path.join(base, 'ws');
    outside = path.join(base, 'outside.txt');
    await fs.mkdir(ws);
    await fs.writeFile(outside, `${OUTSIDE}\n`);
    await fs.writeFile(path.join(ws, 'race.txt'), 'inside text\n');
  });
  after(async () => {
    await fs.rm(base, { recursive: true, force: true });
  });

  it('read_file returns 0 outside bytes in 400 reads while another process swaps the file for a link', async function () {
    this.timeout(120_000);
    const flipper: ChildProcess = spawn(process.execPath, ['-e', FLIPPER, ws, outside], { stdio: 'ignore' });
    try {
      const registry = createToolRegistry(context(ws));
      let leaked = 0;
      let inside = 0;
      let refused = 0;
      for (let i = 0; i < 400; i++) {
        const r = await registry.execute('read_file', JSON.stringify({ path: 'race.txt' }));
        if (r.content.includes(OUTSIDE)) {
          leaked++;
        } else if (r.success) {
          inside++;
        } else {
          refused++;
        }
      }
      assert.equal(leaked, 0, `${leaked} of 400 reads returned the outside file (${inside} inside, ${refused} refused)`);
      assert.equal(inside + refused, 400);
    } finally {
      flipper.kill();
    }
  });

  it('refuses a FIFO without blocking, and a link in the last component', async () => {
    const fifo = path.join(ws, 'pipe.txt');
    // Like the other FIFO tests: a machine without mkfifo fails here rather than passing silently.
    execFileSync('mkfifo', [fifo]);
    await assert.rejects(readCheckedFile(fifo, { maxBytes: 1024 }), (err: unknown) => err instanceof UnsafeReadError && err.reason === 'not-regular');
    const link = path.join(ws, 'link.txt');
    await fs.symlink(outside, link);
    await assert.rejects(readCheckedFile(link, { maxBytes: 1024 }), (err: unknown) => err instanceof UnsafeReadError && err.reason === 'changed');
    const r = await createToolRegistry(context(ws)).execute('read_file', JSON.stringify({ path: 'pipe.txt' }));
    assert.equal(r.success, false);
    assert.match(r.content, /named pipe/);
  });

  it('read_file refuses a hard link to .env under a harmless name', async () => {
    await fs.writeFile(path.join(ws, '.env'), 'TOKEN=sk-hardlinked-secret\n');
    await fs.mkdir(path.join(ws, 'docs'), { recursive: true });
    await fs.link(path.join(ws, '.env'), path.join(ws, 'docs', 'notes.txt'));
    const r = await createToolRegistry(context(ws)).execute('read_file', JSON.stringify({ path: 'docs/notes.txt' }));
    assert.equal(r.success, false);
    assert.match(r.content, /hard link/);
    assert.ok(!r.content.includes('sk-hardlinked-secret'));
  });

  it('refuses a file over the cap before reading it', async () => {
    await fs.writeFile(path.join(ws, 'big.txt'), 'x'.repeat(5000));
    await assert.rejects(readCheckedFile(path.join(ws, 'big.txt'), { maxBytes: 1000 }), (err: unknown) => err instanceof UnsafeReadError && err.reason === 'too-large');
    const head = await readCheckedFile(path.join(ws, 'big.txt'), { maxBytes: 100, headBytes: 100 });
    assert.equal(head.bytes.length, 100);
    assert.equal(head.size, 5000);
  });
});
