import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type DiscoveredEntry, type DiscoverOptions, discoverFiles } from '../../../src/core/indexing/discover';
import { shouldIndexFile } from '../../../src/core/indexing/shouldIndex';
import { FIXTURE_CONFIG } from './workspaceFixture';

async function collect(root: string, options?: DiscoverOptions): Promise<DiscoveredEntry[]> {
  const out: DiscoveredEntry[] = [];
  for await (const e of discoverFiles(root, FIXTURE_CONFIG, undefined, options)) {
    out.push(e);
  }
  return out;
}

/**
 * Discovery judges a file by its real target: a harmless name that leads to a secret (symlink,
 * symlinked folder, hard link) is a secret, every real file is seen once, and pipes are reported.
 */
describe('discoverFiles: aliases, hard links and special files', () => {
  let base: string;
  let ws: string;
  let entries: DiscoveredEntry[];
  const reasonOf = (rel: string): string | undefined => {
    const e = entries.find((x) => x.relPath === rel);
    return e === undefined ? undefined : e.kind === 'file' ? 'file' : e.reason;
  };

  before(async () => {
    base = await fs.mkdtemp(path.join(os.tmpdir(), 'kmc-alias-'));
    ws = path.join(base, 'ws');
    await fs.mkdir(path.join(ws, '.docker'), { recursive: true });
    await fs.mkdir(path.join(ws, 'docs'), { recursive: true });
    await fs.writeFile(path.join(ws, '.env'), 'API_KEY=sk-env-secret\n');
    await fs.writeFile(path.join(ws, '.docker', 'config.json'), '{"auths":{"x":{"auth":"c2VjcmV0"}}}\n');
    await fs.writeFile(path.join(ws, 'docs', 'guide.md'), '# Guide\n\nPlain text.\n');
    await fs.symlink('.env', path.join(ws, 'notes.txt'));
    await fs.symlink('.docker', path.join(ws, '+docker'));
    await fs.symlink('docs', path.join(ws, 'alias-docs'));
    await fs.symlink('docs/guide.md', path.join(ws, 'guide-link.md'));
    // A hard link to .env under a name that sorts before it and in a folder walked first.
    await fs.mkdir(path.join(ws, 'a'));
    await fs.link(path.join(ws, '.env'), path.join(ws, 'a', 'backup.txt'));
    // Two hard links to one harmless file: indexed once.
    await fs.writeFile(path.join(ws, 'docs', 'twin.md'), '# Twin\n\nSame inode.\n');
    await fs.link(path.join(ws, 'docs', 'twin.md'), path.join(ws, 'twin-copy.md'));
    execFileSync('mkfifo', [path.join(ws, 'pipe.txt')]);
    entries = await collect(ws);
  });
  after(async () => {
    await fs.rm(base, { recursive: true, force: true });
  });

  it('a symlink to .env and a symlinked .docker folder are secrets, never files', () => {
    assert.equal(reasonOf('notes.txt'), 'secret');
    assert.equal(reasonOf('+docker/'), 'secret');
    assert.equal(reasonOf('.docker/config.json'), 'secret');
    assert.ok(!entries.some((e) => e.kind === 'file' && /docker|notes|\.env/.test(e.relPath)), JSON.stringify(entries));
  });

  it('a hard link to .env is skipped as a secret', () => {
    assert.equal(reasonOf('a/backup.txt'), 'secret');
  });

  it('each real file and folder is indexed once, under its own name', () => {
    const files = entries.filter((e) => e.kind === 'file').map((e) => e.relPath).sort();
    assert.deepEqual(files, ['docs/guide.md', 'docs/twin.md']);
    assert.equal(reasonOf('alias-docs/'), 'duplicate');
    assert.equal(reasonOf('guide-link.md'), 'duplicate');
    assert.equal(reasonOf('twin-copy.md'), 'duplicate');
  });

  it('a FIFO is reported as a special file (and the walk does not block on it)', () => {
    assert.equal(reasonOf('pipe.txt'), 'special-file');
  });

  it('an index cache that vouches for every file changes no verdict by name, link, type or hard link', async () => {
    const asked: string[] = [];
    const vouched = await collect(ws, {
      known: (rel) => {
        asked.push(rel);
        return true;
      },
    });
    const verdicts = (list: DiscoveredEntry[]): string[] => list.map((e) => `${e.relPath}=${e.kind === 'file' ? 'file' : e.reason}`).sort();
    assert.deepEqual(verdicts(vouched), verdicts(entries));
    // Only plain single-name files are offered to the cache: never a secret, a link, a pipe or a hard link.
    assert.deepEqual(asked.sort(), ['docs/guide.md']);
  });

  it('shouldIndexFile agrees for a file reached through links', async () => {
    assert.equal(await shouldIndexFile(ws, path.join(ws, 'notes.txt'), FIXTURE_CONFIG), 'secret');
    assert.equal(await shouldIndexFile(ws, path.join(ws, '+docker', 'config.json'), FIXTURE_CONFIG), 'secret');
    assert.equal(await shouldIndexFile(ws, path.join(ws, 'alias-docs', 'guide.md'), FIXTURE_CONFIG), 'duplicate');
    assert.equal(await shouldIndexFile(ws, path.join(ws, 'pipe.txt'), FIXTURE_CONFIG), 'special-file');
    assert.equal(await shouldIndexFile(ws, path.join(ws, 'docs', 'guide.md'), FIXTURE_CONFIG), null);
    assert.equal(await shouldIndexFile(ws, path.join(ws, 'a', 'backup.txt'), FIXTURE_CONFIG), 'secret', 'a hard link to .env (live sync)');
    assert.equal(await shouldIndexFile(ws, path.join(ws, 'twin-copy.md'), FIXTURE_CONFIG), null, 'a hard link to a harmless file');
  });
});

describe('discoverFiles with an index cache', () => {
  let ws: string;
  before(async () => {
    ws = await fs.mkdtemp(path.join(os.tmpdir(), 'kmc-known-'));
    await fs.writeFile(path.join(ws, 'blob.txt'), Buffer.from([0x61, 0x00, 0x62, 0x0a]));
  });
  after(async () => {
    await fs.rm(ws, { recursive: true, force: true });
  });

  it('does not read the head of a file whose size and mtime the cache vouches for, and reads it otherwise', async () => {
    const stat = await fs.stat(path.join(ws, 'blob.txt'));
    // The NUL byte makes the sniff say binary: a vouched file is listed without that read.
    const vouched = await collect(ws, { known: (_rel, s) => s.size === stat.size && s.mtimeMs === stat.mtimeMs });
    assert.deepEqual(vouched, [{ kind: 'file', absPath: path.join(ws, 'blob.txt'), relPath: 'blob.txt', size: stat.size, mtimeMs: stat.mtimeMs }]);
    const doubted = await collect(ws, { known: () => false });
    assert.deepEqual(doubted, [{ kind: 'skipped', relPath: 'blob.txt', reason: 'binary' }]);
  });
});
