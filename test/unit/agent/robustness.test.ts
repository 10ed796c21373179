/**
 * Kimi stream and tool robustness: a cut before anything reached the user is retried; an
 * oversized tool argument is refused with a message to the model and never resent or counted;
 * a shortened tool result stays valid JSON.
 */
import { strict as assert } from 'node:assert';
import { Agent, MAX_TOOL_ARGUMENT_CHARS } from '../../../src/core/agent/agent';
import { ChatHistory, DEFAULT_MAX_TOOL_RESULT_CHARS } from '../../../src/core/agent/history';
import { fitToolResult } from '../../../src/core/agent/toolResultFit';
import { ok, ToolRegistry, type Tool } from '../../../src/core/agent/tools/registry';
import { KimiClient } from '../../../src/core/kimi/kimiClient';
import { type FakeKimi, reply, startFakeKimi } from '../../fakes/kimiServer';

function echoTool(ran: string[]): Tool {
  return {
    name: 'save_note',
    description: 'test tool',
    parameters: { type: 'object', properties: { text: { type: 'string' } }, required: [] },
    async run(args) {
      ran.push(String(args.text).slice(0, 20));
      return ok({ message: 'saved' });
    },
  };
}

describe('Kimi stream and tool robustness', () => {
  let kimi: FakeKimi;
  let client: KimiClient;
  beforeEach(async () => {
    kimi = await startFakeKimi();
    client = new KimiClient({ apiKey: 'sk-test', baseUrl: kimi.baseUrl, model: 'kimi-k2.5', temperature: undefined, maxSteps: 16, webSearch: false }, { retry: { baseDelayMs: 5 } });
  });
  afterEach(async () => {
    await kimi.close();
  });

  it('a stream cut inside tool-call arguments (nothing shown yet) is retried, and the retry answers', async () => {
    kimi.script(reply.toolCalls([{ name: 'read_file', arguments: { path: 'src/some/long/path.ts' } }], { chunkChars: 4, cutAfterChunks: 4 }), reply.text('Recovered answer.'));
    const retries: number[] = [];
    const turn = await client.chat({ messages: [{ role: 'user', content: 'x' }] }, { onRetry: (a) => retries.push(a) });
    assert.equal(turn.content, 'Recovered answer.');
    assert.equal(turn.complete, true);
    assert.deepEqual(retries, [1]);
    assert.equal(kimi.chatBodies().length, 2);
  });

  it('a stream that ends without finish_reason before any text is retried too', async () => {
    kimi.script(reply.toolCalls([{ name: 'list_files', arguments: {} }], { noFinish: true }), reply.text('Second try.'));
    const turn = await client.chat({ messages: [{ role: 'user', content: 'x' }] });
    assert.equal(turn.content, 'Second try.');
    assert.equal(kimi.chatBodies().length, 2);
  });

  it('an 8 MB tool argument is refused with a message to the model, kept small in the history, never counted', async () => {
    const ran: string[] = [];
    const huge = 'x'.repeat(8 * 1024 * 1024);
    kimi.script(reply.toolCalls([{ id: 'big', name: 'save_note', arguments: { text: huge } }, { id: 'small', name: 'save_note', arguments: { text: 'short' } }], { chunkChars: 1 << 20 }), reply.text('I will send less.'));
    const history = new ChatHistory();
    const result = await new Agent({ client, tools: new ToolRegistry([echoTool(ran)]) }).run(history, 'save it', () => undefined);
    assert.equal(result.text, 'I will send less.');
    assert.deepEqual(ran, ['short'], 'only the small call ran');
    const second = kimi.chatBodies()[1];
    const tools = second?.messages.filter((m) => m.role === 'tool').map((m) => JSON.parse(String(m.content)) as { success: boolean; message: string });
    assert.equal(tools?.[0]?.success, false);
    assert.match(tools?.[0]?.message ?? '', /over the 256 KB limit/);
    assert.equal(tools?.[1]?.success, true);
    // The round is in the history (not dropped), and small.
    assert.deepEqual(history.messages.map((m) => m.role), ['user', 'assistant', 'tool', 'tool', 'assistant']);
    assert.ok(JSON.stringify(history.toJSON()).length < MAX_TOOL_ARGUMENT_CHARS);
    assert.ok(kimi.requests.every((r) => JSON.stringify(r.body ?? '').length < 1024 * 1024), 'no request carried the 8 MB argument');
  });
});

describe('fitToolResult', () => {
  const hit = (i: number): Record<string, unknown> => ({
    path: `src/module${i}/file${i}.ts`,
    citation: `src/module${i}/file${i}.ts:1-60`,
    start_line: 1,
    end_line: 60,
    score: 0.5,
    text: `line "${i}"\n`.repeat(2000 / 11).padEnd(2000, '.'),
  });

  it('the default search result (8 hits of 2,000 characters) fits whole', () => {
    const content = JSON.stringify({ success: true, message: 'Found 8 results', query: 'q', results: Array.from({ length: 8 }, (_, i) => hit(i)) });
    assert.equal(fitToolResult(content, DEFAULT_MAX_TOOL_RESULT_CHARS), content);
  });

  it('drops whole hits from the end, stays valid JSON and says how many were left out', () => {
    const content = JSON.stringify({ success: true, message: 'Found 30 results', results: Array.from({ length: 30 }, (_, i) => hit(i)) });
    const fitted = fitToolResult(content, 16_000);
    assert.ok(fitted.length <= 16_000);
    const parsed = JSON.parse(fitted) as { results: Array<{ path: string }>; omitted: { results: number; note: string } };
    assert.ok(parsed.results.length > 0 && parsed.results.length < 30);
    assert.equal(parsed.results.length + parsed.omitted.results, 30);
    assert.deepEqual(parsed.results.map((r) => r.path), Array.from({ length: parsed.results.length }, (_, i) => `src/module${i}/file${i}.ts`));
    assert.match(parsed.omitted.note, /of 30 results were left out/);
  });

  it('cuts one over-long text with a note when no list can shrink, still valid JSON', () => {
    const content = JSON.stringify({ success: true, path: 'a.ts', content: 'y'.repeat(50_000) });
    const parsed = JSON.parse(fitToolResult(content, 10_000)) as { content: string; path: string };
    assert.equal(parsed.path, 'a.ts');
    assert.match(parsed.content, /…\[cut: \d+ more characters not shown\]$/);
  });
});
