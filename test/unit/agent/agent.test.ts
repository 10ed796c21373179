import { strict as assert } from 'node:assert';
import { Agent } from '../../../src/core/agent/agent';
import type { AgentEvent } from '../../../src/core/agent/events';
import { ChatHistory } from '../../../src/core/agent/history';
import { ToolRegistry, ok, type Tool } from '../../../src/core/agent/tools/registry';
import { WEB_SEARCH_TOOL } from '../../../src/core/agent/tools';
import { KimiClient } from '../../../src/core/kimi/kimiClient';
import { UserAbortError } from '../../../src/core/errors';
import { SUMMARY_INSTRUCTIONS } from '../../../src/core/agent/summaryPrompt';
import { fakeTokenCount, reply, startFakeKimi, type ChatBody, type FakeKimi } from '../../fakes/kimiServer';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A read-only tool that waits `ms` and records when it ran. */
function slowTool(name: string, ms: number, log: string[], mutates = false): Tool {
  return {
    name,
    description: `test tool ${name}`,
    mutates,
    parameters: { type: 'object', properties: { q: { type: 'string' } }, required: [] },
    async run(args, signal) {
      log.push(`start ${name}`);
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(resolve, ms);
        signal?.addEventListener('abort', () => {
          clearTimeout(t);
          reject(new UserAbortError());
        });
      });
      log.push(`end ${name}`);
      return ok({ message: `${name} ran`, echo: args.q ?? null }, `${name} ok`, [{ path: 'src/a.ts', startLine: 1, endLine: 5 }]);
    },
  };
}

function toolMessages(body: ChatBody): Array<Record<string, unknown>> {
  return body.messages.filter((m) => m.role === 'tool');
}

describe('Agent loop against the fake Kimi server', () => {
  let kimi: FakeKimi;
  let client: KimiClient;
  const log: string[] = [];

  beforeEach(async () => {
    kimi = await startFakeKimi();
    client = new KimiClient({ apiKey: 'sk-test', baseUrl: kimi.baseUrl, model: 'kimi-k2.5', temperature: undefined, maxSteps: 16, webSearch: false }, { retry: { baseDelayMs: 5 } });
    log.length = 0;
  });
  afterEach(async () => {
    await kimi.close();
  });

  function agent(tools: Array<Tool | typeof WEB_SEARCH_TOOL>, maxSteps?: number): Agent {
    return new Agent({ client, tools: new ToolRegistry(tools), maxSteps, now: () => new Date('2026-01-02T03:04:05Z') });
  }

  it('answers a general question directly, with the system prompt first and today\'s date in it', async () => {
    kimi.script(reply.text('Milvus is a vector database.'));
    const events: AgentEvent[] = [];
    const history = new ChatHistory();
    const result = await agent([slowTool('t', 1, log)]).run(history, 'What is Milvus?', (e) => events.push(e));
    assert.equal(result.text, 'Milvus is a vector database.');
    assert.equal(result.steps, 1);
    assert.equal(result.incomplete, false);
    assert.deepEqual(events.map((e) => e.type).filter((t) => t !== 'textDelta'), ['step', 'usage', 'done']);
    const [body] = kimi.chatBodies();
    assert.equal(body?.messages[0]?.role, 'system');
    assert.match(String(body?.messages[0]?.content), /2026-01-02/);
    assert.match(String(body?.messages[0]?.content), /path:start-end/);
    assert.deepEqual(body?.messages[1], { role: 'user', content: 'What is Milvus?' });
    assert.equal(body?.tool_choice, 'auto');
    assert.deepEqual(history.messages.map((m) => m.role), ['user', 'assistant']);
  });

  it('runs independent tool calls of one turn concurrently and sends one result per call back', async () => {
    kimi.script(
      reply.toolCalls(
        [
          { name: 'slow_a', arguments: { q: 'one' } },
          { name: 'slow_b', arguments: { q: 'two' } },
        ],
        { reasoning: 'I should look at both.', chunkChars: 2 },
      ),
    );
    kimi.handle((body) => {
      const tools = toolMessages(body);
      assert.deepEqual(tools.map((t) => t.tool_call_id), ['slow_a:0', 'slow_b:1']);
      assert.deepEqual(JSON.parse(String(tools[0]?.content)), { success: true, message: 'slow_a ran', echo: 'one' });
      return reply.text('Both done.');
    });
    const events: AgentEvent[] = [];
    const result = await agent([slowTool('slow_a', 300, log), slowTool('slow_b', 300, log)]).run(new ChatHistory(), 'go', (e) => events.push(e));
    assert.equal(result.text, 'Both done.');
    // Concurrency shown by order, not by a clock (a loaded machine stretches any time bound).
    assert.deepEqual(log.slice(0, 2), ['start slow_a', 'start slow_b'], 'both started before either ended');
    const bodies = kimi.chatBodies();
    assert.equal(bodies.length, 2);
    const assistant = bodies[1]?.messages.find((m) => m.role === 'assistant');
    assert.ok(assistant && Array.isArray(assistant.tool_calls) && assistant.tool_calls.length === 2);
    assert.ok(!('reasoning_content' in assistant), 'reasoning is never sent back');
    const finished = events.filter((e): e is Extract<AgentEvent, { type: 'toolFinished' }> => e.type === 'toolFinished');
    assert.equal(finished.length, 2);
    assert.deepEqual(finished[0]?.sources, [{ path: 'src/a.ts', startLine: 1, endLine: 5 }]);
    const started2 = events.filter((e) => e.type === 'toolStarted').map((e) => (e as { callId: string }).callId);
    assert.equal(new Set(started2).size, 2, 'call ids are unique in the run');
    assert.ok(events.some((e) => e.type === 'reasoningDelta'));
  });

  it('runs state-changing calls alone and in order', async () => {
    kimi.script(
      reply.toolCalls([
        { name: 'make', arguments: {} },
        { name: 'fill', arguments: {} },
      ]),
      reply.text('ok'),
    );
    await agent([slowTool('make', 60, log, true), slowTool('fill', 10, log, true)]).run(new ChatHistory(), 'x', () => undefined);
    assert.deepEqual(log, ['start make', 'end make', 'start fill', 'end fill']);
  });

  it('returns invalid JSON arguments and unknown tools to the model as failures it can recover from', async () => {
    kimi.script(
      reply.toolCalls([
        { name: 'slow_a', arguments: '{"q": "unterminated' },
        { name: 'no_such_tool', arguments: {} },
      ]),
    );
    kimi.handle((body) => {
      const [bad, unknown] = toolMessages(body).map((t) => JSON.parse(String(t.content)) as { success: boolean; message: string });
      assert.equal(bad?.success, false);
      assert.match(bad?.message ?? '', /not valid JSON/);
      assert.equal(unknown?.success, false);
      assert.match(unknown?.message ?? '', /Unknown tool: no_such_tool/);
      return reply.text('Recovered.');
    });
    const result = await agent([slowTool('slow_a', 1, log)]).run(new ChatHistory(), 'x', () => undefined);
    assert.equal(result.text, 'Recovered.');
    assert.deepEqual(log, [], 'the tool never ran with broken arguments');
  });

  it('validates arguments against the schema', async () => {
    kimi.script(reply.toolCalls([{ name: 'slow_a', arguments: { q: 42 } }]));
    kimi.handle((body) => {
      const [r] = toolMessages(body).map((t) => JSON.parse(String(t.content)) as { success: boolean; message: string });
      assert.equal(r?.success, false);
      assert.match(r?.message ?? '', /arguments\/q must be string/);
      return reply.text('fine');
    });
    await agent([slowTool('slow_a', 1, log)]).run(new ChatHistory(), 'x', () => undefined);
  });

  it('ends at the step limit with a final answer, not an error', async () => {
    kimi.handle((body) =>
      body.tool_choice === 'none' ? reply.text('Here is what I found so far.') : reply.toolCalls([{ name: 'slow_a', arguments: { q: 'again' } }]),
    );
    const history = new ChatHistory();
    const result = await agent([slowTool('slow_a', 1, log)], 3).run(history, 'loop forever', () => undefined);
    assert.equal(result.text, 'Here is what I found so far.');
    assert.equal(result.incomplete, true);
    assert.equal(result.steps, 4);
    const last = kimi.chatBodies().at(-1);
    assert.equal(last?.tool_choice, 'none');
    assert.match(String(last?.messages.at(-1)?.content), /used all 3 tool steps/);
    assert.ok(!history.messages.some((m) => m.role === 'system'), 'the note is not stored');
  });

  it('never executes the tool calls of a stream cut mid-way, and keeps the history consistent', async () => {
    kimi.script(reply.toolCalls([{ name: 'slow_a', arguments: { q: 'x'.repeat(50) } }], { text: 'Looking.', chunkChars: 3, cutAfterChunks: 8 }));
    const history = new ChatHistory();
    const events: AgentEvent[] = [];
    const result = await agent([slowTool('slow_a', 1, log)]).run(history, 'q', (e) => events.push(e));
    assert.equal(result.incomplete, true);
    assert.deepEqual(log, []);
    assert.ok(!events.some((e) => e.type === 'toolStarted'));
    assert.deepEqual(history.messages.map((m) => m.role), ['user', 'assistant']);
    assert.ok(!('tool_calls' in (history.messages[1] ?? {})));
    assert.match(result.text, /cut off/);
  });

  it('aborts mid-stream: rejects with UserAbortError, emits a cancelled error, leaves no dangling tool call', async () => {
    kimi.script(reply.toolCalls([{ name: 'slow_a', arguments: {} }]), reply.text('y'.repeat(300), { chunkChars: 3, chunkDelayMs: 10 }));
    const controller = new AbortController();
    const events: AgentEvent[] = [];
    const history = new ChatHistory();
    let deltas = 0;
    await assert.rejects(
      agent([slowTool('slow_a', 1, log)]).run(
        history,
        'q',
        (e) => {
          events.push(e);
          if (e.type === 'textDelta' && ++deltas === 2) {
            controller.abort();
          }
        },
        controller.signal,
      ),
      UserAbortError,
    );
    const last = events.at(-1);
    assert.deepEqual(last, { type: 'error', message: 'Cancelled.', cancelled: true });
    // The completed tool round stays whole; nothing half-written follows it.
    assert.deepEqual(history.messages.map((m) => m.role), ['user', 'assistant', 'tool']);
    const round = ChatHistory.fromJSON(JSON.parse(JSON.stringify(history.toJSON())));
    assert.equal(round.messages.length, 3);
  });

  it('aborts while a tool runs', async () => {
    kimi.script(reply.toolCalls([{ name: 'slow_a', arguments: {} }]));
    const controller = new AbortController();
    const history = new ChatHistory();
    const run = agent([slowTool('slow_a', 5000, log)]).run(history, 'q', () => undefined, controller.signal);
    await sleep(100);
    controller.abort();
    await assert.rejects(run, UserAbortError);
    assert.deepEqual(history.messages.map((m) => m.role), ['user']);
  });

  it('declares $web_search as a builtin and echoes its arguments back unchanged', async () => {
    const args = '{"search_result":{"search_id":"abc"},"usage":{"total_tokens":13046}}';
    kimi.script(reply.toolCalls([{ name: '$web_search', arguments: args }]));
    kimi.handle((body) => {
      const [t] = toolMessages(body);
      assert.equal(t?.content, args);
      assert.equal(t?.name, '$web_search');
      return reply.text('From the web.');
    });
    await agent([slowTool('slow_a', 1, log), WEB_SEARCH_TOOL]).run(new ChatHistory(), 'news?', () => undefined);
    const tools = kimi.chatBodies()[0]?.tools ?? [];
    assert.deepEqual(tools.at(-1), { type: 'builtin_function', function: { name: '$web_search' } });
  });

  it('keeps memory across runs of one history, and runs on one history never interleave', async () => {
    kimi.handle((body) => reply.text(`answer ${body.messages.filter((m) => m.role === 'user').length}`, { ttftMs: 30 }));
    const history = new ChatHistory();
    // Two Agent instances on one history (the extension builds one per question): still one at a time.
    const [r1, r2] = await Promise.all([
      agent([slowTool('slow_a', 1, log)]).run(history, 'first', () => undefined),
      agent([slowTool('slow_a', 1, log)]).run(history, 'second', () => undefined),
    ]);
    assert.equal(r1.text, 'answer 1');
    assert.equal(r2.text, 'answer 2');
    assert.deepEqual(history.messages.map((m) => m.content), ['first', 'answer 1', 'second', 'answer 2']);
  });

  it('compacts a long history for a small context window, asking Kimi\'s tokenizer when the budget is tight', async () => {
    const small = new KimiClient({ apiKey: 'sk-test', baseUrl: kimi.baseUrl, model: 'moonshot-v1-8k', temperature: undefined, maxSteps: 16, webSearch: false });
    const history = new ChatHistory();
    for (let i = 0; i < 20; i++) {
      history.addUser(`question ${i} ${'q'.repeat(2000)}`);
      history.addAssistant(`answer ${i} ${'a'.repeat(2000)}`);
    }
    kimi.handle((body) => reply.text(body.messages[0]?.content === SUMMARY_INSTRUCTIONS ? 'Summary: twenty questions about q.' : 'short'));
    const events: AgentEvent[] = [];
    await new Agent({ client: small, tools: new ToolRegistry([slowTool('t', 1, log)]) }).run(history, 'the current question', (e) => events.push(e));
    assert.ok(kimi.requests.some((r) => r.path === '/v1/tokenizers/estimate-token-count'), 'asked the tokenizer');
    const body = kimi.chatBodies().at(-1);
    assert.ok(body);
    assert.equal(body.messages[0]?.role, 'system');
    assert.doesNotMatch(String(body.messages[0]?.content), /left out/, 'nothing was left out: it was summarised');
    assert.match(String(body.messages[1]?.content), /twenty questions about q/);
    assert.deepEqual(body.messages.at(-1), { role: 'user', content: 'the current question' });
    assert.ok(fakeTokenCount(body) + (body.max_tokens ?? 0) < 8192, 'prompt + max_tokens fit the window');
    assert.equal(history.length, 42, 'the summarised messages are archived, not deleted');
    const report = events.find((e) => e.type === 'compaction');
    assert.ok(report && report.type === 'compaction' && report.summary && !report.leftOut, 'one compaction, with a summary and nothing left out');
  });

  it('reports a rate-limit wait as a retry event, then answers', async () => {
    kimi.script(reply.rateLimit(1), reply.text('after waiting'));
    const events: AgentEvent[] = [];
    const result = await agent([slowTool('t', 1, log)]).run(new ChatHistory(), 'q', (e) => events.push(e));
    assert.equal(result.text, 'after waiting');
    const retry = events.find((e): e is Extract<AgentEvent, { type: 'retry' }> => e.type === 'retry');
    assert.ok(retry, 'a retry event');
    assert.equal(retry.attempt, 1);
    assert.ok(retry.delayMs >= 1000);
    assert.match(retry.reason, /try again after 1 seconds\.$/);
  });

  it('marks an answer cut by max_tokens (finish_reason "length") as incomplete and does not run its tool calls', async () => {
    kimi.script(reply.toolCalls([{ name: 'slow_a', arguments: '{"q": "tru' }], { text: 'Partial answer', finishReason: 'length' }));
    const result = await agent([slowTool('slow_a', 1, log)]).run(new ChatHistory(), 'q', () => undefined);
    assert.equal(result.incomplete, true);
    assert.match(result.text, /^Partial answer\n\n_\(The answer reached the length limit/);
    assert.deepEqual(log, []);
  });
});
