import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WorkspacePaths } from '../../../src/core/agent/workspacePaths';
import { FileError } from '../../../src/core/errors';

describe('WorkspacePaths (the tools\' path guard)', () => {
  let base: string;
  let ws: string;
  let outside: string;
  let guard: WorkspacePaths;

  before(async () => {
    base = await fs.mkdtemp(path.join(os.tmpdir(), 'kmc-paths-'));
    ws = path.join(base, 'ws');
    outside = path.join(base, 'outside');
    await fs.mkdir(path.join(ws, 'src'), { recursive: true });
    await fs.mkdir(outside);
    await fs.writeFile(path.join(ws, 'src', 'a.ts'), 'export const a = 1;\n');
    await fs.writeFile(path.join(ws, '.env'), 'KIMI_API_KEY=sk-nope\n');
    await fs.writeFile(path.join(outside, 'secret.txt'), 'outside\n');
    await fs.symlink(path.join(outside, 'secret.txt'), path.join(ws, 'link-out.txt'));
    await fs.symlink(outside, path.join(ws, 'dir-out'));
    await fs.symlink(path.join(ws, 'src', 'a.ts'), path.join(ws, 'link-in.ts'));
    guard = new WorkspacePaths([ws]);
  });
  after(async () => {
    await fs.rm(base, { recursive: true, force: true });
  });

  it('resolves relative paths against the first workspace folder', async () => {
    const r = await guard.resolve('src/a.ts');
    assert.equal(r.relPath, 'src/a.ts');
    assert.equal(r.absPath, await fs.realpath(path.join(ws, 'src', 'a.ts')));
    assert.equal((await guard.resolve('./src/../src/a.ts')).relPath, 'src/a.ts');
    assert.equal((await guard.resolve(path.join(ws, 'src', 'a.ts'))).relPath, 'src/a.ts');
  });

  it('refuses ../../etc/passwd', async () => {
    await assert.rejects(guard.resolve('../../etc/passwd'), (e: unknown) => e instanceof FileError && /outside the workspace/.test(e.message));
  });

  it('refuses an absolute path outside', async () => {
    await assert.rejects(guard.resolve('/etc/passwd'), /outside the workspace/);
    await assert.rejects(guard.resolve(path.join(outside, 'secret.txt')), /outside the workspace/);
  });

  it('refuses a symlink that points out of the workspace, file or directory', async () => {
    await assert.rejects(guard.resolve('link-out.txt'), /outside the workspace/);
    await assert.rejects(guard.resolve('dir-out/secret.txt'), /outside the workspace/);
  });

  it('follows a symlink that stays inside', async () => {
    assert.equal((await guard.resolve('link-in.ts')).relPath, 'src/a.ts');
  });

  it('refuses secret files even when named explicitly', async () => {
    await assert.rejects(guard.resolve('.env'), /credentials/);
  });

  it('reports a missing file clearly, and rejects empty input', async () => {
    await assert.rejects(guard.resolve('src/missing.ts'), /File not found: src\/missing.ts/);
    await assert.rejects(guard.resolve('  '), /Give a file path/);
    await assert.rejects(new WorkspacePaths([]).resolve('a.ts'), /No workspace folder/);
  });
});
