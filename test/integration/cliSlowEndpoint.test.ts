import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import type { VectorStore } from '../../src/core/store/types';
import { FakeEmbeddingServer } from '../fakes/embeddingServer';
import { type Run, runNodeScript } from '../support/runNode';
import { createCorpus } from './indexerHelpers';
import { getTestStore, milvusCliEnv, uniqueCollectionName } from './milvusEnv';

const repo = path.resolve(__dirname, '..', '..');
const cli = path.join(repo, 'dist', 'cli.js');

/**
 * Time in this test runs SCALE times faster than on a real machine: the fake endpoint needs
 * 45 s / SCALE for a default batch of 64 (in proportion to the batch, as a CPU server does), and
 * the deadline settings are the defaults / SCALE (30 s to respond, 60 s idle, 600 s a request).
 * The logic under test is the product's, unchanged.
 */
const SCALE = 200;
const DEFAULT_BATCH = 64;

describe('CLI: a slow embedding endpoint indexes to the end, with the embedding phase in its progress', function () {
  this.timeout(300_000);
  let server: FakeEmbeddingServer;
  let store: VectorStore;
  let corpus: { root: string; cleanup(): void };
  let env: NodeJS.ProcessEnv;
  const name = uniqueCollectionName('cli_slow');

  const run = (args: string[]): Promise<Run> => runNodeScript(cli, args, { cwd: corpus.root, env });

  before(async () => {
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: repo, stdio: 'ignore' });
    store = await getTestStore();
    server = await new FakeEmbeddingServer({ dimensions: 32, latencyPerInputMs: 45_000 / DEFAULT_BATCH / SCALE }).start();
    corpus = createCorpus(90);
    env = {
      ...process.env,
      ...milvusCliEnv(),
      ...server.cliEnv('sk-cli-slow'),
      KIMI_MILVUS_CONNECT_TIMEOUT: String(30 / SCALE),
      KIMI_MILVUS_IDLE_TIMEOUT: String(60 / SCALE),
      KIMI_MILVUS_REQUEST_TIMEOUT: String(600 / SCALE),
    };
  });
  after(async () => {
    await store.dropCollection(name).catch(() => undefined);
    corpus.cleanup();
    await server.close();
  });

  it('every chunk gets its vector, and stderr shows chunks embedded / total, tokens/s and time left', async () => {
    const indexed = await run(['index', corpus.root, '--collection', name, '--json']);
    assert.equal(indexed.code, 0, indexed.stderr);
    const summary = JSON.parse(indexed.stdout) as { chunksWritten: number; chunksEmbedded: number; vectors: { withVector: number; total: number } };
    assert.ok(summary.chunksWritten > DEFAULT_BATCH * 2, `several default batches (${summary.chunksWritten} chunks)`);
    assert.deepEqual(summary.vectors, { withVector: summary.chunksWritten, total: summary.chunksWritten });
    assert.equal(summary.chunksEmbedded, summary.chunksWritten);
    assert.ok(server.batchSizes.includes(DEFAULT_BATCH), `default batches were sent: ${server.batchSizes.join(',')}`);

    const lines = indexed.stderr.split('\n').filter((l) => l.startsWith('embedding: '));
    const total = summary.chunksWritten.toLocaleString('en-US');
    assert.ok(lines.some((l) => new RegExp(`^embedding: [\\d,]+/${total} chunks, [\\d,]+ tokens/s`).test(l)), indexed.stderr);
    assert.ok(lines.at(-1)?.startsWith(`embedding: ${total}/${total} chunks`), indexed.stderr);
  });

  it('a request that misses its deadline is split, and the retry is printed with its reason', async () => {
    await store.dropCollection(name);
    server.reset();
    // One default batch that stalls (no response at all): its halves go through.
    server.script({ stall: 'no-headers' });
    const indexed = await run(['index', corpus.root, '--collection', name, '--json']);
    assert.equal(indexed.code, 0, indexed.stderr);
    const summary = JSON.parse(indexed.stdout) as { chunksWritten: number; vectors: { withVector: number; total: number } };
    assert.deepEqual(summary.vectors, { withVector: summary.chunksWritten, total: summary.chunksWritten });
    assert.deepEqual(server.batchSizes.slice(0, 2), [DEFAULT_BATCH, DEFAULT_BATCH / 2]);
    assert.match(indexed.stderr, /embedding: The embedding endpoint 127\.0\.0\.1:\d+ sent no response within 600 ms\. \(sending its 64 chunks again as two smaller requests\)/);
    assert.match(indexed.stderr, /1 request sent again/);
  });
});
