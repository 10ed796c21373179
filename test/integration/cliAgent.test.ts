/** `kimi-milvus ask` and `chat` end to end: real CLI code, real Milvus Lite, fake Kimi over HTTP. */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCli } from '../../src/cli/main';
import { SUMMARY_INSTRUCTIONS } from '../../src/core/agent/summaryPrompt';
import { reply, startFakeKimi, type ChatBody, type FakeKimi } from '../fakes/kimiServer';
import { REPO_ROOT, getTestStore, testMilvusConfig } from './milvusEnv';
import type { Run } from '../support/runNode';

function lastTool(body: ChatBody): { name: string; result: { success: boolean; message?: string; [k: string]: unknown } } | undefined {
  const m = body.messages.at(-1);
  return m?.role === 'tool' ? { name: String(m.name), result: JSON.parse(String(m.content)) as { success: boolean } } : undefined;
}

describe('CLI: ask and chat', function () {
  this.timeout(300_000);
  let kimi: FakeKimi;
  let ws: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    await getTestStore(); // provisions Milvus Lite once; the CLI then reuses the running server
    kimi = await startFakeKimi({ apiKey: 'sk-cli-test' });
    ws = await fs.mkdtemp(path.join(os.tmpdir(), 'kmc-cli-'));
    await fs.writeFile(path.join(ws, 'notes.md'), '# Notes\n\nThe deploy script lives in scripts/deploy.sh.\n');
    const milvus = testMilvusConfig();
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      KIMI_API_KEY: 'sk-cli-test',
      KIMI_BASE_URL: kimi.baseUrl,
      KIMI_MODEL: 'kimi-k2-turbo-preview',
      KIMI_MILVUS_DATA_DIR: milvus.dataDir,
      KIMI_MILVUS_VENV: process.env.KIMI_MILVUS_VENV,
    };
  });
  after(async () => {
    await kimi.close();
    await fs.rm(ws, { recursive: true, force: true });
  });
  afterEach(() => kimi.handle(undefined));

  async function cli(argv: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, {
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
      env: { ...env, ...extraEnv },
      cwd: ws,
    });
    return { code, stdout, stderr };
  }

  it('without KIMI_API_KEY: exit 2 and an error that names the variable', async () => {
    const r = await cli(['ask', 'hello'], { KIMI_API_KEY: '' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /KIMI_API_KEY is not set/);
    assert.equal(r.stdout, '');
    assert.equal(kimi.requests.length, 0);
  });

  it('ask --json: everything, tool calls included, as one JSON document on stdout', async () => {
    kimi.handle((body) => {
      const last = lastTool(body);
      if (!last) {
        return reply.toolCalls([{ name: 'list_all_collections', arguments: {} }]);
      }
      assert.equal(last.result.success, true);
      return reply.text(`There are ${String(last.result.total_collections)} collections.`);
    });
    const r = await cli(['ask', 'list all the collections', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { answer: string; steps: number; model: string; workspace: string; toolCalls: Array<{ name: string; success: boolean }> };
    assert.match(out.answer, /^There are \d+ collections\.$/);
    assert.equal(out.steps, 2);
    assert.equal(out.model, 'kimi-k2-turbo-preview');
    assert.equal(out.workspace, ws);
    assert.deepEqual(out.toolCalls.map((c) => [c.name, c.success]), [['list_all_collections', true]]);
    assert.equal(kimi.chatBodies().at(-1)?.model, 'kimi-k2-turbo-preview');
  });

  it('ask --json carries each answer\'s price (cache hits included) and today\'s total; an unknown model is tokens only', async () => {
    const priced = { KIMI_MODEL: 'kimi-k2-0711-preview', KIMI_PRICE_REGION: 'global' };
    type Out = { usage: { promptTokens: number; cachedTokens?: number; cost?: { amount: number; currency: string } }; totals: { conversation: { answers: number }; today: { answers: number; costs: Record<string, number>; unpricedTokens: number } } };
    kimi.script(reply.text('Cached.', { usage: { prompt_tokens: 12_000, cached_tokens: 8_000, completion_tokens: 500, total_tokens: 12_500 } }));
    const first = JSON.parse((await cli(['ask', 'one', '--json'], priced)).stdout) as Out;
    // The table's arithmetic: 4,000 uncached at $0.60, 8,000 cached at $0.15, 500 out at $2.50 per 1M.
    const expected = (4_000 * 0.6 + 8_000 * 0.15 + 500 * 2.5) / 1_000_000;
    assert.equal(first.usage.cachedTokens, 8_000);
    assert.equal(first.usage.cost?.currency, 'USD');
    assert.ok(Math.abs((first.usage.cost?.amount ?? 0) - expected) < 1e-12, JSON.stringify(first.usage));
    assert.equal(first.totals.conversation.answers, 1);
    kimi.script(reply.text('Again.', { usage: { prompt_tokens: 12_000, cached_tokens: 8_000, completion_tokens: 500, total_tokens: 12_500 } }));
    const second = JSON.parse((await cli(['ask', 'two', '--json'], priced)).stdout) as Out;
    // Today's total for this workspace (earlier tests here asked unpriced questions too) grew by this answer.
    assert.equal(second.totals.today.answers, first.totals.today.answers + 1);
    assert.ok(Math.abs((second.totals.today.costs.USD ?? 0) - (first.totals.today.costs.USD ?? 0) - expected) < 1e-12);
    kimi.script(reply.text('No price.'));
    const unpriced = JSON.parse((await cli(['ask', 'three', '--json'])).stdout) as Out;
    assert.equal(unpriced.usage.cost, undefined, 'kimi-k2-turbo-preview is not in the table');
    assert.equal(unpriced.totals.today.unpricedTokens, second.totals.today.unpricedTokens + 120);
    kimi.script(reply.text('Four.'));
    const human = (await cli(['ask', 'four'], priced)).stderr;
    // 100 prompt tokens at $0.60 and 20 completion tokens at $2.50 per 1M; today's total names the unpriced tokens apart.
    assert.match(human, /^\(1 step, 120 tokens · \$0\.000110; today \$0\.\d+ \+ [\d,]+ tokens unpriced\)$/m);
  });

  it('ask: the answer alone on stdout, tool calls on stderr; a path escape is refused and the model recovers', async () => {
    kimi.handle((body) => {
      const last = lastTool(body);
      if (!last) {
        return reply.toolCalls([
          { name: 'read_file', arguments: { path: '../../etc/passwd' } },
          { name: 'read_file', arguments: { path: 'notes.md' } },
        ]);
      }
      const tools = body.messages.filter((m) => m.role === 'tool').map((m) => JSON.parse(String(m.content)) as { success: boolean; message?: string; content?: string });
      assert.equal(tools[0]?.success, false);
      assert.match(tools[0]?.message ?? '', /outside the workspace/);
      assert.match(tools[1]?.content ?? '', /deploy script/);
      return reply.text('The deploy script is scripts/deploy.sh (notes.md:3-3).');
    });
    const r = await cli(['ask', 'Where is the deploy script?']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'The deploy script is scripts/deploy.sh (notes.md:3-3).\n');
    assert.match(r.stderr, /→ read_file \{"path":"\.\.\/\.\.\/etc\/passwd"\}/);
    assert.match(r.stderr, /✗ .*outside the workspace/);
    assert.match(r.stderr, /✓ notes\.md:1-4/);
  });

  it('ask: an API error is reported with exit 1 and without the key', async () => {
    kimi.script(reply.quota());
    const r = await cli(['ask', 'anything']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no balance left/);
    assert.ok(!r.stderr.includes('sk-cli-test'));
  });

  it('chat: answers line by line, remembers the conversation, leaves on "quit"', async () => {
    kimi.handle((body) => {
      const users = body.messages.filter((m) => m.role === 'user').map((m) => String(m.content));
      return reply.text(users.length === 1 ? 'BM25 ranks by term frequency.' : `You asked: ${users[0]}`);
    });
    // tsx by absolute URL: the child's cwd is the temp workspace, where `tsx` cannot be resolved.
    const tsx = pathToFileURL(path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
    const child = spawn(process.execPath, ['--import', tsx, path.join(REPO_ROOT, 'src', 'cliMain.ts'), 'chat'], {
      cwd: ws,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end('What is BM25?\nWhat did I ask first?\nquit\nnever asked\n');
    const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
    assert.equal(code, 0, stderr);
    assert.equal(stdout, 'BM25 ranks by term frequency.\nYou asked: What is BM25?\n');
    assert.match(stderr, /Goodbye!/);
    assert.equal(kimi.chatBodies().filter((b) => b.messages.some((m) => m.content === 'never asked')).length, 0);
  });

  it('chat: a conversation past a small window keeps answering, summarises earlier turns when the window fills (not again on the next turn), and never passes the window', async () => {
    const small = await startFakeKimi({ apiKey: 'sk-cli-test', windows: { 'moonshot-v1-8k': 8_192 }, countUsage: true });
    try {
      let n = 0;
      const filler = 'The keeper writes the weather, the ships and the lamp hours in the logbook every night. '.repeat(36);
      small.handle((body) => (body.messages[0]?.content === SUMMARY_INSTRUCTIONS ? reply.text('- earlier: lamp questions, src/lamp.ts') : reply.text(`Answer ${++n}. ${filler}`)));
      const tsx = pathToFileURL(path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
      const child = spawn(process.execPath, ['--import', tsx, path.join(REPO_ROOT, 'src', 'cliMain.ts'), 'chat'], {
        cwd: ws,
        env: { ...env, KIMI_BASE_URL: small.baseUrl, KIMI_MODEL: 'moonshot-v1-8k', KIMI_PRICE_REGION: 'global' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      // Seven questions pass the 8k window (its room depends on the size of the tool schemas); each
      // summary frees enough for more than one further turn.
      const questions = Array.from({ length: 7 }, (_, i) => `Question ${i + 1} about the lamp?`);
      child.stdin.end(`${questions.join('\n')}\nquit\n`);
      const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
      assert.equal(code, 0, stderr);
      assert.equal((stdout.match(/^Answer \d+\./gm) ?? []).length, 7, `every question answered: ${stderr}`);
      const marks: string[] = stderr.match(/earlier turns summarised|\(1 step/g) ?? [];
      const turnsBetween = marks.join(' ').split('earlier turns summarised').slice(1, -1).map((s) => (s.match(/\(1 step/g) ?? []).length);
      assert.ok(marks.includes('earlier turns summarised'), stderr);
      assert.ok(turnsBetween.every((n) => n >= 2), `turns between summaries: ${turnsBetween.join(', ')}\n${stderr}`);
      assert.doesNotMatch(stderr, /left out/);
      assert.equal(small.rejected.length, 0);
      assert.match(stderr, /chat \$0\.\d+ · today \$0\.\d+/);
    } finally {
      await small.close();
    }
  });
});
