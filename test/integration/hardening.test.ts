/**
 * The hardening findings end to end: the real CLI, real Milvus Lite, fake Kimi and embedding
 * servers over HTTP. Secrets reached through links never reach the index (and so never the
 * model); a key echoed by a provider never reaches stdout, stderr, --json or the Kimi API.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as iconv from 'iconv-lite';
import { runCli } from '../../src/cli/main';
import { NoneEmbedder } from '../../src/core/embedding/noneEmbedder';
import { collectionNameFor } from '../../src/core/indexing/collectionName';
import { Indexer } from '../../src/core/indexing/indexer';
import type { VectorStore } from '../../src/core/store/types';
import { FakeEmbeddingServer } from '../fakes/embeddingServer';
import { type ChatBody, type FakeKimi, reply, startFakeKimi } from '../fakes/kimiServer';
import { getTestStore, milvusCliEnv, uniqueCollectionName } from './milvusEnv';
import type { Run } from '../support/runNode';

const KIMI_KEY = 'sk-kimi-hardening-0123456789';
const EMBED_KEY = 'sk-embed-hardening-9876543210';
const ENV_SECRET = 'sk-env-file-secret-abcdef';

describe('hardening (CLI end to end)', function () {
  this.timeout(300_000);
  let base: string;
  let ws: string;
  let kimi: FakeKimi;
  let embeddings: FakeEmbeddingServer;
  let store: VectorStore;
  let env: NodeJS.ProcessEnv;
  let collection: string;

  async function cli(argv: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: { ...env, ...extraEnv }, cwd: ws });
    return { code, stdout, stderr };
  }

  before(async () => {
    store = await getTestStore();
    kimi = await startFakeKimi({ apiKey: KIMI_KEY });
    embeddings = await new FakeEmbeddingServer({ dimensions: 32 }).start();
    base = await fs.mkdtemp(path.join(os.tmpdir(), 'kmc-hard-'));
    ws = path.join(base, 'ws');
    await fs.mkdir(path.join(ws, '.docker'), { recursive: true });
    await fs.mkdir(path.join(ws, 'a'));
    await fs.writeFile(path.join(ws, '.env'), `API_KEY=${ENV_SECRET}\n`);
    await fs.writeFile(path.join(ws, '.docker', 'config.json'), `{"auths":{"registry":{"auth":"${ENV_SECRET}"}}}\n`);
    await fs.writeFile(path.join(ws, 'guide.md'), '# Guide\n\nThe deploy script lives in scripts/deploy.sh and uses the API key.\n');
    await fs.symlink('.env', path.join(ws, 'notes.txt'));
    await fs.symlink('.docker', path.join(ws, '+docker'));
    await fs.link(path.join(ws, '.env'), path.join(ws, 'a', 'backup.txt'));
    execFileSync('mkfifo', [path.join(ws, 'pipe.txt')]);
    collection = collectionNameFor(ws);
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      KIMI_API_KEY: KIMI_KEY,
      KIMI_BASE_URL: kimi.baseUrl,
      KIMI_MODEL: 'kimi-k2-turbo-preview',
      KIMI_MILVUS_VENV: process.env.KIMI_MILVUS_VENV,
      KIMI_MILVUS_LOG_LEVEL: 'debug',
      ...milvusCliEnv(),
      ...embeddings.cliEnv(EMBED_KEY),
    };
  });
  after(async () => {
    await store.dropCollection(collection).catch(() => undefined);
    await kimi.close();
    await embeddings.close();
    await fs.rm(base, { recursive: true, force: true });
  });

  it('index: a symlink to .env, a symlinked .docker, a hard link to .env are skipped as secrets; a FIFO is reported', async () => {
    const r = await cli(['index', ws, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout) as { filesIndexed: number; skipped: Array<{ path: string; reason: string }> };
    const reason = (p: string): string | undefined => summary.skipped.find((s) => s.path === p)?.reason;
    assert.equal(reason('notes.txt'), 'secret');
    assert.equal(reason('+docker/'), 'secret');
    assert.equal(reason('a/backup.txt'), 'secret');
    assert.equal(reason('pipe.txt'), 'special-file');
    const files = (await store.listIndexedFiles(collection)).map((f) => f.path).sort();
    assert.deepEqual(files, ['guide.md']);
    const found = await cli(['search', 'API_KEY auths registry', '--collection', collection, '--json']);
    assert.equal(found.code, 0, found.stderr);
    assert.ok(!found.stdout.includes(ENV_SECRET), found.stdout);
  });

  it('indexFile (upload, live sync) judges a link by its target and never reads a secret through it', async () => {
    const indexer = new Indexer({ store, embedder: new NoneEmbedder(), config: { include: [], exclude: [], maxFileSizeKb: 1024 } });
    const name = uniqueCollectionName('hard_single');
    try {
      for (const rel of ['notes.txt', '+docker/config.json']) {
        const r = await indexer.indexFile(path.join(ws, rel), name, ws);
        assert.equal(r.skipped, 'secret', rel);
      }
      assert.equal((await indexer.indexFile(path.join(ws, 'pipe.txt'), name, ws)).skipped, 'special-file');
      assert.equal((await indexer.indexFile(path.join(ws, 'guide.md'), name, ws)).skipped, undefined);
    } finally {
      await store.dropCollection(name).catch(() => undefined);
    }
  });

  it('ask: an embedding 401 that echoes the key never reaches stdout, stderr, --json or the Kimi API', async () => {
    const echo = { status: 401, error: { message: `Incorrect API key provided: ${EMBED_KEY}. Bearer ${EMBED_KEY}`, type: 'invalid_request_error' } };
    kimi.handle((body: ChatBody) => {
      const last = body.messages.at(-1);
      if (last?.role !== 'tool') {
        return reply.toolCalls([{ name: 'search_workspace', arguments: { query: 'deploy script' } }]);
      }
      return reply.text(`The search failed: ${String(last.content)}`);
    });
    for (const json of [false, true]) {
      embeddings.reset();
      embeddings.failAll = echo;
      const r = await cli(['ask', 'Where is the deploy script?', ...(json ? ['--json'] : [])]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(embeddings.requests > 0, 'the embedding server was asked');
      for (const [where, text] of [['stdout', r.stdout], ['stderr', r.stderr]] as const) {
        assert.ok(!text.includes(EMBED_KEY), `${where} (json=${json}) carries the embedding key: ${text}`);
        assert.ok(!text.includes(KIMI_KEY), `${where} (json=${json}) carries the Kimi key`);
      }
      assert.match(r.stdout, /rejected the API key/);
    }
    const sent = JSON.stringify(kimi.requests.map((q) => q.body));
    assert.match(sent, /rejected the API key/, 'the failed tool result did reach Kimi');
    assert.ok(!sent.includes(EMBED_KEY), 'a request body sent to Kimi carries the embedding key');
  });

  it('ask: a stream cut inside tool-call arguments is retried; the user gets the whole answer and exit 0', async () => {
    kimi.handle(undefined);
    embeddings.reset();
    kimi.script(reply.toolCalls([{ name: 'read_file', arguments: { path: 'guide.md' } }], { chunkChars: 4, cutAfterChunks: 5 }), reply.text('The deploy script is scripts/deploy.sh.'));
    const before = kimi.chatBodies().length;
    const r = await cli(['ask', 'Where is the deploy script?']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'The deploy script is scripts/deploy.sh.\n');
    assert.doesNotMatch(r.stdout, /cut off/);
    assert.match(r.stderr, /Retrying/);
    assert.equal(kimi.chatBodies().length - before, 2);
  });
});

describe('hardening: legacy encodings indexed as their original text (CLI, real Milvus Lite)', function () {
  this.timeout(300_000);
  let base: string;
  let store: VectorStore;
  let collection: string;
  const files: Record<string, [string, string]> = {
    'jp-sjis.txt': ['shift_jis', '日本語のテキストです。設定ファイルの説明があります。\n'],
    'kr-euckr.txt': ['euc-kr', '한국어 텍스트입니다. 이 파일은 설정 방법을 설명합니다.\n'],
    'tw-big5.txt': ['big5', '這是繁體中文的說明文件。它描述了設定的方法。\n'],
    'utf16.txt': ['utf16le', 'A UTF-16 file with a byte-order mark: zebra crossing manual.\n'],
  };

  before(async () => {
    store = await getTestStore();
    base = await fs.mkdtemp(path.join(os.tmpdir(), 'kmc-enc-'));
    const ws = path.join(base, 'ws');
    await fs.mkdir(ws);
    for (const [name, [enc, text]] of Object.entries(files)) {
      await fs.writeFile(path.join(ws, name), iconv.encode(text, enc, { addBOM: enc === 'utf16le' }));
    }
    collection = collectionNameFor(ws);
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, KIMI_MILVUS_VENV: process.env.KIMI_MILVUS_VENV, ...milvusCliEnv() };
    let stderr = '';
    const code = await runCli(['index', ws], { stdout: () => undefined, stderr: (t) => void (stderr += t), env, cwd: ws });
    assert.equal(code, 0, stderr);
  });
  after(async () => {
    await store.dropCollection(collection).catch(() => undefined);
    await fs.rm(base, { recursive: true, force: true });
  });

  it('Shift-JIS, EUC-KR, Big5 and UTF-16 files are stored as the original text', async () => {
    for (const [name, [, text]] of Object.entries(files)) {
      const rows = await store.queryByPath(collection, name);
      assert.ok(rows.length > 0, `${name} was not indexed`);
      assert.ok(rows.map((r) => r.text).join('').includes(text.trim()), `${name} was garbled: ${rows.map((r) => r.text).join('')}`);
    }
  });
});
