import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import type { VectorStore } from '../../src/core/store/types';
import { FakeEmbeddingServer } from '../fakes/embeddingServer';
import { EXPECTED_INDEXED, FIXTURE_QUESTION, type FixtureWorkspace, createFixtureWorkspace } from '../unit/indexing/workspaceFixture';
import { type Run, runNodeScript } from '../support/runNode';
import { getTestStore, milvusCliEnv, uniqueCollectionName } from './milvusEnv';

const repo = path.resolve(__dirname, '..', '..');
const cli = path.join(repo, 'dist', 'cli.js');

describe('CLI: index, search, add, collections (end to end)', function () {
  this.timeout(300_000);
  let ws: FixtureWorkspace;
  let server: FakeEmbeddingServer;
  let store: VectorStore;
  let env: NodeJS.ProcessEnv;
  const created: string[] = [];

  const run = (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> => runNodeScript(cli, args, { cwd: ws.root, env: { ...env, ...extraEnv } });

  before(async () => {
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: repo, stdio: 'ignore' });
    store = await getTestStore();
    server = await new FakeEmbeddingServer({ dimensions: 32 }).start();
    ws = createFixtureWorkspace();
    env = { ...process.env, ...milvusCliEnv(), ...server.cliEnv('sk-cli-test') };
  });
  after(async () => {
    for (const name of created) {
      await store.dropCollection(name).catch(() => undefined);
    }
    ws.cleanup();
    await server.close();
  });

  it('index --json, then search --json finds the answer with its lines', async () => {
    const name = uniqueCollectionName('cli_idx');
    created.push(name);
    const indexed = await run(['index', ws.root, '--collection', name, '--max-file-size-kb', '64', '--json']);
    assert.equal(indexed.code, 0, indexed.stderr);
    const summary = JSON.parse(indexed.stdout) as {
      filesIndexed: number;
      chunksEmbedded: number;
      chunksWritten: number;
      collection: string;
      skipped: unknown[];
      vectors: { withVector: number; total: number };
    };
    assert.equal(summary.collection, name);
    assert.deepEqual(summary.vectors, { withVector: summary.chunksWritten, total: summary.chunksWritten }, 'how many chunks have vectors');
    assert.equal(summary.filesIndexed, EXPECTED_INDEXED.length);
    assert.ok(summary.chunksEmbedded > 0);
    assert.ok(summary.skipped.length > 0);

    const found = await run(['search', FIXTURE_QUESTION.query, '--collection', name, '--limit', '3', '--json']);
    assert.equal(found.code, 0, found.stderr);
    const hits = JSON.parse(found.stdout) as Array<{ path: string; startLine: number; endLine: number; score: number; text: string }>;
    assert.ok(hits.length > 0 && hits.length <= 3);
    // RRF gives equal scores to a chunk first in one list and second in the other: a tie may come first.
    const top = hits.find((h) => h.score === hits[0].score && h.startLine <= FIXTURE_QUESTION.line && FIXTURE_QUESTION.line <= h.endLine);
    assert.ok(top, 'the answer is a top hit');
    assert.equal(top.path, FIXTURE_QUESTION.path);
    assert.ok(top.text.includes(FIXTURE_QUESTION.answer));
    assert.ok(hits.every((h, i) => i === 0 || hits[i - 1].score >= h.score), 'best first');

    const human = await run(['search', 'compute_fibonacci', '--collection', name, '--limit', '1']);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^1\. src\/util\/math\.py:1-\d+ {2}score /);

    const again = await run(['index', ws.root, '--collection', name, '--max-file-size-kb', '64', '--json']);
    const second = JSON.parse(again.stdout) as { filesUnchanged: number; chunksEmbedded: number };
    assert.equal(second.filesUnchanged, EXPECTED_INDEXED.length);
    assert.equal(second.chunksEmbedded, 0);

    // Another embedding model: refused with the ways out, nothing changed; --replace-vectors copies
    // the index in place and embeds again; --rebuild indexes from scratch.
    const otherModel = { EMBEDDING_MODEL: 'other-embed' };
    const modelOf = async (): Promise<string | undefined> => (await store.describeCollection(name)).embedding?.model;
    const before = await modelOf();
    const refused = await run(['index', ws.root, '--collection', name, '--max-file-size-kb', '64'], otherModel);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /--replace-vectors/);
    assert.match(refused.stderr, /--rebuild/);
    assert.match(refused.stderr, /Nothing was changed/);
    assert.equal(await modelOf(), before);
    const replaced = await run(['index', ws.root, '--collection', name, '--max-file-size-kb', '64', '--replace-vectors', '--json'], otherModel);
    assert.equal(replaced.code, 0, replaced.stderr);
    const copied = JSON.parse(replaced.stdout) as { filesIndexed: number; chunksEmbedded: number; vectors: { withVector: number; total: number } };
    assert.equal(copied.filesIndexed, 0, 'the rows were copied, not indexed again');
    assert.ok(copied.vectors.total > 0);
    assert.equal(copied.vectors.withVector, copied.vectors.total);
    assert.equal(copied.chunksEmbedded, copied.vectors.total, 'every chunk embedded again with the new model');
    assert.match(replaced.stderr, new RegExp(`copying ${name} for the new embedding setting: \\d+/\\d+ rows`));
    assert.match((await modelOf()) ?? '', /other-embed$/);
    const rebuilt = await run(['index', ws.root, '--collection', name, '--max-file-size-kb', '64', '--rebuild', '--json'], otherModel);
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    assert.equal((JSON.parse(rebuilt.stdout) as { filesIndexed: number }).filesIndexed, EXPECTED_INDEXED.length);
    const searchOther = await run(['search', FIXTURE_QUESTION.query, '--collection', name, '--json'], otherModel);
    assert.equal(searchOther.code, 0, searchOther.stderr);
    const mismatch = await run(['search', FIXTURE_QUESTION.query, '--collection', name, '--json']);
    assert.notEqual(mismatch.code, 0);
    assert.match(mismatch.stderr, /was indexed with 127\.0\.0\.1:other-embed/);

    const list = await run(['collections', '--json']);
    assert.equal(list.code, 0, list.stderr);
    const collections = JSON.parse(list.stdout) as Array<{ name: string; rowCount: number; metadata: Record<string, string> }>;
    const mine = collections.find((c) => c.name === name);
    assert.ok(mine && mine.rowCount > 0);
    assert.equal(mine.metadata.root, ws.root);
  });

  it('a keyword-only index gets vectors in place once an embedding is set, without a flag', async () => {
    const name = uniqueCollectionName('cli_kw');
    created.push(name);
    const keywordOnly = await run(['index', ws.root, '--collection', name, '--max-file-size-kb', '64', '--json'], { EMBEDDING_PROVIDER: 'none' });
    assert.equal(keywordOnly.code, 0, keywordOnly.stderr);
    assert.equal((await store.describeCollection(name)).embedding, null);
    const withVectors = await run(['index', ws.root, '--collection', name, '--max-file-size-kb', '64', '--json']);
    assert.equal(withVectors.code, 0, withVectors.stderr);
    const summary = JSON.parse(withVectors.stdout) as { filesIndexed: number; vectors: { withVector: number; total: number } };
    assert.equal(summary.filesIndexed, 0);
    assert.ok(summary.vectors.total > 0);
    assert.equal(summary.vectors.withVector, summary.vectors.total);
    assert.ok((await store.describeCollection(name)).embedding);
  });

  it('add creates a collection for one file; secrets are refused', async () => {
    const name = uniqueCollectionName('cli_add');
    created.push(name);
    const added = await run(['add', 'src/app.ts', '--collection', name, '--json']);
    assert.equal(added.code, 0, added.stderr);
    const result = JSON.parse(added.stdout) as { path: string; chunks: number; embedded: number };
    assert.equal(result.path, 'src/app.ts');
    assert.ok(result.chunks > 0 && result.embedded === result.chunks);
    const secret = await run(['add', '.env', '--collection', name]);
    assert.equal(secret.code, 1);
    assert.match(secret.stderr, /Not added: \.env is a secret file/);
  });

  it('index --dry-run reports without Milvus or an embedder', async () => {
    const before = server.requests;
    const dry = await run(['index', '.', '--dry-run', '--json', '--max-file-size-kb', '64']);
    assert.equal(dry.code, 0, dry.stderr);
    const summary = JSON.parse(dry.stdout) as { dryRun: boolean; filesIndexed: number; estimatedChunks: number; estimatedTokens: number };
    assert.equal(summary.dryRun, true);
    assert.equal(summary.filesIndexed, EXPECTED_INDEXED.length);
    assert.ok(summary.estimatedChunks >= EXPECTED_INDEXED.length && summary.estimatedTokens > 0);
    assert.equal(server.requests, before);
  });

  it('explains bad input clearly', async () => {
    const missing = await run(['search', 'anything', '--collection', uniqueCollectionName('cli_none')]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /no collection/i);
    const badName = await run(['index', '.', '--collection', 'bad-name', '--dry-run']);
    assert.notEqual(badName.code, 0);
    assert.match(badName.stderr, /not a valid collection name/);
    const badDims = await run(['index', '.', '--collection', 'x_dims'], { EMBEDDING_DIMENSIONS: 'many' });
    assert.notEqual(badDims.code, 0);
    assert.match(badDims.stderr, /EMBEDDING_DIMENSIONS\) must be a positive integer \(got "many"\)/);
  });

  it('every command has complete --help', async () => {
    for (const cmd of ['index', 'add', 'search', 'collections']) {
      const help = await run([cmd, '--help']);
      assert.equal(help.code, 0);
      assert.match(help.stdout, new RegExp(`^Usage: kimi-milvus ${cmd}`));
      assert.match(help.stdout, /--json/);
      if (cmd !== 'collections') {
        assert.match(help.stdout, /EMBEDDING_BASE_URL/);
      }
    }
  });
});
