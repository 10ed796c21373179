import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { FileError, UserAbortError } from '../../../src/core/errors';
import { type DiscoveredEntry, discoverFiles } from '../../../src/core/indexing/discover';
import { classifyPath } from '../../../src/core/indexing/pathFilter';
import { shouldIndexFile } from '../../../src/core/indexing/shouldIndex';
import { EXPECTED_INDEXED, EXPECTED_SKIPPED, FIXTURE_CONFIG, type FixtureWorkspace, createFixtureWorkspace } from './workspaceFixture';

async function collect(root: string, config = FIXTURE_CONFIG, signal?: AbortSignal): Promise<DiscoveredEntry[]> {
  const out: DiscoveredEntry[] = [];
  for await (const e of discoverFiles(root, config, signal)) {
    out.push(e);
  }
  return out;
}

describe('discoverFiles', () => {
  let ws: FixtureWorkspace;
  before(() => {
    ws = createFixtureWorkspace();
  });
  after(() => ws.cleanup());

  it('yields exactly the indexable files, and every skipped one with its reason', async () => {
    const entries = await collect(ws.root);
    const files = entries.filter((e) => e.kind === 'file');
    assert.deepEqual(files.map((f) => f.relPath).sort(), EXPECTED_INDEXED);
    for (const f of files) {
      assert.equal(f.absPath, path.join(ws.root, f.relPath));
      assert.ok(f.size > 0);
    }
    const skipped = entries.flatMap((e) => (e.kind === 'skipped' ? [[e.relPath, e.reason]] : []));
    const interesting = skipped.filter(([p]) => !['.gitignore', 'src/.gitignore', '.kimiignore'].includes(p));
    assert.deepEqual(interesting.sort(), [...EXPECTED_SKIPPED].sort());
  });

  it('honours extra include and exclude globs', async () => {
    ws.write('db/schema.sql', 'CREATE TABLE t (id INT);\n');
    try {
      const entries = await collect(ws.root, { ...FIXTURE_CONFIG, include: ['**/*.sql'], exclude: ['docs/**', '*.py'] });
      const files = entries.filter((e) => e.kind === 'file').map((e) => e.relPath).sort();
      assert.deepEqual(files, ['README.md', 'db/schema.sql', 'src/app.ts', 'src/important.gen.ts']);
      assert.ok(entries.some((e) => e.kind === 'skipped' && e.relPath === 'src/util/math.py' && e.reason === 'excluded'));
    } finally {
      ws.remove('db/schema.sql');
    }
  });

  it('stops with UserAbortError when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(collect(ws.root, FIXTURE_CONFIG, controller.signal), UserAbortError);
  });

  it('shouldIndexFile agrees with the walk for single files', async () => {
    const verdicts: Record<string, string | null> = {};
    for (const rel of ['src/app.ts', 'src/important.gen.ts', 'src/types.gen.ts', 'src/scratch.ts', 'docs/drafts/published.md', 'docs/drafts/wip.md', 'docs/private.md', '.env', 'big.txt', 'data/blob.json', 'node_modules/lib/index.js', 'generated/out.ts', 'public/app.js']) {
      verdicts[rel] = await shouldIndexFile(ws.root, path.join(ws.root, rel), FIXTURE_CONFIG);
    }
    assert.deepEqual(verdicts, {
      'src/app.ts': null,
      'src/important.gen.ts': null,
      'src/types.gen.ts': 'ignored',
      'src/scratch.ts': 'ignored',
      'docs/drafts/published.md': null,
      'docs/drafts/wip.md': 'ignored',
      'docs/private.md': 'ignored',
      '.env': 'secret',
      'big.txt': 'too-large',
      'data/blob.json': 'binary',
      'node_modules/lib/index.js': 'excluded',
      'generated/out.ts': 'ignored',
      'public/app.js': 'minified',
    });
    assert.equal(await shouldIndexFile(ws.root, '/etc/hosts', FIXTURE_CONFIG), 'outside-root');
  });

  it('classifyPath judges by name alone', () => {
    assert.equal(classifyPath('src/a.ts', FIXTURE_CONFIG), null);
    assert.equal(classifyPath('a/node_modules/x.js', FIXTURE_CONFIG), 'excluded');
    assert.equal(classifyPath('keys/server.pem', FIXTURE_CONFIG), 'secret');
    assert.equal(classifyPath('photo.jpg', FIXTURE_CONFIG), 'not-included');
    assert.equal(classifyPath('lib/jquery.min.js', FIXTURE_CONFIG), 'minified');
    assert.equal(classifyPath('Dockerfile', FIXTURE_CONFIG), null);
  });
});

describe('discoverFiles on a missing folder', () => {
  it('fails with a FileError naming the folder', async () => {
    await assert.rejects(collect('/nonexistent/kimi-folder'), (err: unknown) => err instanceof FileError && /nonexistent\/kimi-folder does not exist/.test(err.message));
  });
});
