// The context meter against the fake Kimi server: its count of the next request, made before the
// request is sent, is compared with the server's own count of the request that is then sent.
import { strict as assert } from 'node:assert';
import { Agent } from '../../../src/core/agent/agent';
import { ContextMeter } from '../../../src/core/agent/contextMeter';
import { ChatHistory } from '../../../src/core/agent/history';
import { ToolRegistry, ok, type Tool } from '../../../src/core/agent/tools/registry';
import { KimiClient } from '../../../src/core/kimi/kimiClient';
import { fakeTokenCount, reply, startFakeKimi, type FakeKimi } from '../../fakes/kimiServer';

const SYSTEM = 'You are Kimi, a coding assistant. Cite sources as path:start-end. Be concise.';
const tool: Tool = {
  name: 'read_file',
  description: 'Read lines of a workspace file; returns the text with line numbers.',
  parameters: { type: 'object', properties: { path: { type: 'string' }, start_line: { type: 'integer' } }, required: ['path'] },
  run: async () => ok({ path: 'src/foghorn.js', text: 'function nextFoghornTest(now) {\n  const d = new Date(now);\n  return d;\n}\n'.repeat(20) }, 'read'),
};

/** Three conversations: plain prose, one with a tool round, one in Chinese with code. */
async function conversations(kimi: FakeKimi, client: KimiClient): Promise<Array<{ history: ChatHistory; draft: string }>> {
  const agent = new Agent({ client, tools: new ToolRegistry([tool]), systemPrompt: SYSTEM });
  const prose = new ChatHistory();
  kimi.script(reply.text('The fog horn is tested every Friday at noon, and the keeper writes it down. '.repeat(12)));
  await agent.run(prose, 'When is the fog horn tested?', () => undefined);
  const tools = new ChatHistory();
  kimi.script(reply.toolCalls([{ name: 'read_file', arguments: { path: 'src/foghorn.js' } }]), reply.text('See src/foghorn.js:1-4: `nextFoghornTest` returns the date.'));
  await agent.run(tools, 'Where is the test date computed?', () => undefined);
  const chinese = new ChatHistory();
  kimi.script(reply.text('雾笛每周五中午测试。代码在 src/foghorn.js:4-9，函数 nextFoghornTest 把日期移到下一个周五。'.repeat(6)));
  await agent.run(chinese, '雾笛什么时候测试？', () => undefined);
  return [
    { history: prose, draft: 'And on holidays? Look at docs/maintenance.md as well, please.' },
    { history: tools, draft: 'Show me the whole function with its comments.\n\n```js\nconst x = nextFoghornTest(Date.now());\n```' },
    { history: chinese, draft: '节假日也测试吗？' },
  ];
}

describe('context meter', function () {
  this.timeout(30_000);
  let kimi: FakeKimi;
  let client: KimiClient;

  beforeEach(async () => {
    kimi = await startFakeKimi();
    client = new KimiClient({ apiKey: 'sk-test', baseUrl: kimi.baseUrl, model: 'kimi-k2.5', temperature: undefined, maxSteps: 16, webSearch: false }, { retry: { maxRetries: 0 } });
  });
  afterEach(() => kimi.close());

  it('with Kimi\'s count, is within 10 % of the server\'s own count of the request that is then sent', async () => {
    const meter = new ContextMeter();
    const tools = new ToolRegistry([tool]).definitions();
    for (const { history, draft } of await conversations(kimi, client)) {
      const measure = await meter.measure({ model: client.model, systemPrompt: SYSTEM, tools, history, draft }, client);
      assert.equal(measure.source, 'kimi');
      assert.equal(measure.window, 131_072);
      assert.equal(measure.parts.system + measure.parts.tools + measure.parts.history + measure.parts.draft, measure.tokens);
      kimi.script(reply.text('ok'));
      await new Agent({ client, tools: new ToolRegistry([tool]), systemPrompt: SYSTEM }).run(history, draft, () => undefined);
      const sent = fakeTokenCount(kimi.chatBodies().at(-1) ?? {});
      const error = Math.abs(measure.tokens - sent) / sent;
      assert.ok(error <= 0.1, `meter ${measure.tokens} vs server ${sent} (${(error * 100).toFixed(1)} %) for "${draft.slice(0, 20)}"`);
    }
  });

  it('falls back to the local estimate (and says so) when the tokenizer fails, then leaves it alone for a while', async () => {
    let now = 0;
    const meter = new ContextMeter({ now: () => now });
    const history = new ChatHistory();
    history.addUser('question');
    history.addAssistant('answer');
    const noKey = new KimiClient({ ...client.config, apiKey: 'sk-wrong' });
    await kimi.close();
    kimi = await startFakeKimi({ apiKey: 'sk-test' });
    const wrong = new KimiClient({ ...noKey.config, baseUrl: kimi.baseUrl });
    const request = { model: 'moonshot-v1-8k', systemPrompt: SYSTEM, tools: [], history, draft: 'next' };
    const first = await meter.measure(request, wrong);
    assert.equal(first.source, 'local');
    assert.ok(first.tokens > 20 && first.tokens < 200, `${first.tokens}`);
    assert.equal(first.window, 8_192);
    assert.ok(first.compactAt < first.window - 2_048, 'compaction starts before the answer\'s room is reached');
    const asked = kimi.requests.length;
    const right = new KimiClient({ ...client.config, baseUrl: kimi.baseUrl });
    assert.equal((await meter.measure(request, right)).source, 'local', 'paused after a failure');
    assert.equal(kimi.requests.length, asked);
    now += 61_000;
    assert.equal((await meter.measure(request, right)).source, 'kimi');
    // The same request again is answered from the cache.
    await meter.measure(request, right);
    assert.equal(kimi.requests.length, asked + 1);
  });
});
