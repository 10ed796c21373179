// Compaction against the fake Kimi server with a small-window model (moonshot-v1-8k) whose window
// the server enforces: a request that does not fit gets Kimi's 400, so "keeps answering" is real.
import { strict as assert } from 'node:assert';
import { Agent } from '../../../src/core/agent/agent';
import type { AgentEvent, CompactionReport } from '../../../src/core/agent/events';
import { ChatHistory } from '../../../src/core/agent/history';
import { SUMMARY_INSTRUCTIONS } from '../../../src/core/agent/summaryPrompt';
import { ToolRegistry, ok, type Tool } from '../../../src/core/agent/tools/registry';
import { KimiClient } from '../../../src/core/kimi/kimiClient';
import { costAt, PriceBook } from '../../../src/core/kimi/pricing';
import { fakeTokenCount, reply, startFakeKimi, type ChatBody, type FakeKimi } from '../../fakes/kimiServer';

const V1_8K = { input: 0.2, output: 2, currency: 'USD' as const };
const isSummary = (body: ChatBody): boolean => body.messages[0]?.content === SUMMARY_INSTRUCTIONS;

/** About 1,000 tokens of prose that mentions a file path and a decision, different for each turn. */
function longAnswer(i: number): string {
  const body = `The keeper checks the lamp and the lens every night and writes what he sees in the logbook. `.repeat(32);
  return `Turn ${i}: the code is in src/lamp${i}.ts:1-40; we decided to keep retry number ${i}. Open question ${i}: who winds the clock? ${body}`;
}

const searchTool: Tool = {
  name: 'search_workspace',
  description: 'search',
  parameters: { type: 'object', properties: { query: { type: 'string' } }, required: [] },
  // About 3,600 tokens: two of these do not fit the 8k model's budget (5.6k after the answer's 2k), one does.
  run: async () => ok({ results: Array.from({ length: 35 }, (_, i) => ({ path: `src/file${i}.ts`, text: 'x'.repeat(300) })) }, 'found'),
};

describe('compaction: a conversation past a small window (fake Kimi enforces the window)', function () {
  this.timeout(60_000);
  let kimi: FakeKimi;
  let client: KimiClient;

  beforeEach(async () => {
    kimi = await startFakeKimi({ windows: { 'moonshot-v1-8k': 8_192 }, countUsage: true });
    client = new KimiClient({ apiKey: 'sk-test', baseUrl: kimi.baseUrl, model: 'moonshot-v1-8k', temperature: undefined, maxSteps: 16, webSearch: false }, { retry: { baseDelayMs: 5, maxRetries: 0 } });
  });
  afterEach(() => kimi.close());

  const agent = (tools: Tool[] = []): Agent => new Agent({ client, tools: new ToolRegistry(tools), prices: new PriceBook({ region: 'global' }) });

  it('keeps answering with one summary and nothing dropped; the summary and the continued request are checked; every answer is priced from the server\'s usage', async () => {
    let turn = 0;
    kimi.handle((body) => (isSummary(body) ? reply.text('## Files\n- src/lamp1.ts:1-40\n## Decisions\n- keep retry 1\n## Open questions\n- who winds the clock?') : reply.text(longAnswer(++turn))));
    const history = new ChatHistory();
    const reports: CompactionReport[] = [];
    let afterCompaction = 0;
    for (let q = 1; q <= 14 && afterCompaction < 2; q++) {
      const events: AgentEvent[] = [];
      const seen = kimi.usages.length;
      const result = await agent().run(history, `Question ${q}: what about lamp ${q}?`, (e) => events.push(e));
      assert.match(result.text, /^Turn \d+:/, `question ${q} was answered`);
      for (const e of events) {
        if (e.type === 'compaction') {
          reports.push(e);
        }
      }
      afterCompaction += reports.length > 0 ? 1 : 0;
      // The answer's price is the table's arithmetic on what the server reported, summary request included.
      const expected = kimi.usages.slice(seen).reduce((sum, u) => sum + costAt(V1_8K, { promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens }).amount, 0);
      assert.equal(result.usage.cost?.currency, 'USD');
      assert.ok(Math.abs((result.usage.cost?.amount ?? -1) - expected) < 1e-12, `question ${q}: ${result.usage.cost?.amount} ≠ ${expected}`);
    }
    assert.equal(kimi.rejected.length, 0, 'no request passed the window');
    assert.equal(reports.length, 1, 'one compaction');
    const [report] = reports;
    assert.ok(report?.summary, 'with a summary');
    assert.equal(report.leftOut, undefined, 'nothing left out');
    assert.equal(report.manual, false);

    const bodies = kimi.chatBodies();
    const summaryAt = bodies.findIndex(isSummary);
    const summaryBody = bodies[summaryAt];
    const transcript = String(summaryBody.messages[1]?.content);
    // The summary request carries the earlier turns as a transcript, with their paths, and no tools.
    assert.match(transcript, /\[User\]\nQuestion 1: what about lamp 1\?/);
    assert.match(transcript, /src\/lamp1\.ts:1-40/);
    assert.equal(summaryBody.tools, undefined);
    assert.match(String(summaryBody.messages[0]?.content), /file path.*Decisions.*Open questions/s);
    // The continued request: system prompt, the summary, the newest turns verbatim, the question; it fits.
    // (A long transcript is summarised in parts, each folded into the next.)
    const next = bodies.slice(summaryAt).find((b) => !isSummary(b)) as ChatBody;
    assert.equal(next.messages[0]?.role, 'system');
    assert.match(String(next.messages[1]?.content), /^Summary of the earlier part of this conversation \(\d+ turns\):\n## Files/);
    assert.doesNotMatch(JSON.stringify(next.messages), /Question 1: what about lamp 1\?/, 'the summarised turns are not resent');
    assert.match(String(next.messages.at(-1)?.content), /^Question \d+/);
    assert.ok(fakeTokenCount(next) + (next.max_tokens ?? 0) <= 8_192);
    assert.equal(report.summary.messages + history.messages.length, history.length, 'the summarised messages are archived');
  });

  it('shortens old tool results first: no summary when that is enough', async () => {
    const history = new ChatHistory();
    kimi.script(reply.toolCalls([{ name: 'search_workspace', arguments: { query: 'a' } }]), reply.text('first answer'));
    await agent([searchTool]).run(history, 'first', () => undefined);
    const events: AgentEvent[] = [];
    kimi.script(reply.toolCalls([{ name: 'search_workspace', arguments: { query: 'b' } }]), reply.text('second answer'));
    await agent([searchTool]).run(history, 'second', (e) => events.push(e));
    const report = events.find((e): e is Extract<AgentEvent, { type: 'compaction' }> => e.type === 'compaction');
    assert.ok(report && report.shortenedResults === 1 && !report.summary && !report.leftOut, JSON.stringify(report));
    assert.ok(!kimi.chatBodies().some(isSummary), 'no summary request');
    const tool = history.messages.find((m) => m.role === 'tool');
    assert.ok(tool && tool.content.length <= 2_000 && JSON.parse(tool.content).omitted, 'shortened, still JSON, says what was left out');
    assert.equal(kimi.rejected.length, 0);
  });

  it('when no summary can be made, the request still fits and the report says what was left out', async () => {
    let turn = 0;
    kimi.handle((body) => (isSummary(body) ? reply.serverError() : reply.text(longAnswer(++turn))));
    const history = new ChatHistory();
    let report: CompactionReport | undefined;
    for (let q = 1; q <= 12 && !report; q++) {
      await agent().run(history, `Question ${q}?`, (e) => {
        if (e.type === 'compaction') {
          report = e;
        }
      });
    }
    assert.ok(report, 'compaction was needed');
    assert.match(report.failure ?? '', /./, 'the failure is reported');
    assert.ok(report.leftOut && report.leftOut.messages > 0 && report.leftOut.turns > 0, JSON.stringify(report.leftOut));
    const last = kimi.chatBodies().filter((b) => !isSummary(b)).at(-1) as ChatBody;
    assert.match(String(last.messages[0]?.content), /left out to fit/);
    assert.equal(kimi.rejected.length, 0);
    assert.equal(history.summary, undefined, 'nothing was summarised or archived');
    assert.equal(history.messages.length, history.length);
  });

  it('tool schemas count as Kimi counts them: schemas the local estimate undercounts still leave the request inside the window', async () => {
    // Mostly punctuation, as JSON schemas are: the local estimate (characters / 3.2) sees about half
    // of what a tokenizer counting each symbol does. About 1,900 tokens for the fake, 1,000 locally.
    const schema = Object.fromEntries(Array.from({ length: 90 }, (_, i) => [`p${i}`, { type: 'string', enum: ['a', 'b'] }]));
    const wide: Tool = { ...searchTool, name: 'wide_schema', parameters: { type: 'object', properties: schema, required: [] } };
    let turn = 0;
    kimi.handle((body) => (isSummary(body) ? reply.text('- earlier: lamps') : reply.text(longAnswer(++turn))));
    const history = new ChatHistory();
    let compactions = 0;
    for (let q = 1; q <= 6; q++) {
      const result = await agent([wide]).run(history, `Question ${q}: what about lamp ${q}?`, (e) => (compactions += e.type === 'compaction' ? 1 : 0));
      assert.match(result.text, /^Turn \d+:/, `question ${q} was answered`);
    }
    assert.ok(compactions >= 1, 'the window filled');
    assert.equal(kimi.rejected.length, 0, 'no request passed the window');
  });

  it('Compact Conversation summarises now, keeps a small last turn verbatim, and reports it as manual', async () => {
    const history = new ChatHistory({ systemPrompt: 'S' });
    for (let i = 1; i <= 3; i++) {
      history.addUser(`question ${i}`);
      history.addAssistant(`answer ${i} about src/a${i}.ts:1-2`);
    }
    kimi.script(reply.text('- src/a1.ts, src/a2.ts'));
    const { report, usage } = await agent().compact(history);
    assert.equal(report.manual, true);
    assert.equal(report.summary?.turns, 1, `covers the oldest turn only, the newest two stay: ${JSON.stringify(report)}`);
    assert.deepEqual(history.messages.map((m) => m.content), ['question 2', 'answer 2 about src/a2.ts:1-2', 'question 3', 'answer 3 about src/a3.ts:1-2']);
    assert.ok(usage.cost && usage.cost.amount > 0, 'the summary request is priced');
    assert.match(String(kimi.chatBodies()[0]?.messages[1]?.content), /question 1/);
  });
});

describe('ChatHistory with summaries', () => {
  function sample(): ChatHistory {
    const h = new ChatHistory({ systemPrompt: 'SYS' });
    for (let i = 1; i <= 4; i++) {
      h.addUser(`q${i}`);
      h.addAssistant(`a${i}`);
    }
    return h;
  }

  it('sends the summary after the system prompt and archives what it covers', () => {
    const h = sample();
    h.summarise(4, 'two turns', 'id-1');
    assert.equal(h.length, 8);
    assert.deepEqual(h.requestMessages().map((m) => m.content.slice(0, 20)), ['SYS', 'Summary of the earli', 'q3', 'a3', 'q4', 'a4']);
    assert.match(h.window({ maxPromptTokens: 10_000 }).messages[1]?.content ?? '', /\(2 turns\):\ntwo turns/);
    assert.throws(() => h.summarise(1, 'x', 'id-2'), /whole turns/);
  });

  it('rewinds across summaries: a turn the summary covers comes back verbatim, later summaries go', () => {
    const h = sample();
    h.summarise(2, 'turn 1', 's1');
    h.summarise(2, 'turns 1-2', 's2');
    assert.deepEqual(h.summaries.map((s) => [s.id, s.upTo, s.turns]), [['s1', 2, 1], ['s2', 4, 2]]);
    const keep = ChatHistory.fromJSON(JSON.parse(JSON.stringify(h.toJSON())));
    keep.rewind(6);
    assert.equal(keep.summary?.id, 's2');
    assert.deepEqual(keep.messages.map((m) => m.content), ['q3', 'a3']);
    const back = ChatHistory.fromJSON(JSON.parse(JSON.stringify(h.toJSON())));
    back.rewind(3);
    assert.equal(back.summary?.id, 's1');
    assert.deepEqual(back.messages.map((m) => m.content), ['q2']);
    back.rewind(1);
    assert.equal(back.summary, undefined);
    assert.deepEqual(back.messages.map((m) => m.content), ['q1']);
  });

  it('round-trips through JSON, reads version 1, and rejects a summary that does not match the archive', () => {
    const h = sample();
    h.summarise(2, 'turn 1', 's1');
    const json = JSON.parse(JSON.stringify(h.toJSON())) as Record<string, unknown>;
    assert.deepEqual(ChatHistory.fromJSON(json).toJSON(), h.toJSON());
    assert.equal(ChatHistory.fromJSON({ version: 1, systemPrompt: 'S', messages: [{ role: 'user', content: 'q' }] }).length, 1);
    assert.throws(() => ChatHistory.fromJSON({ ...json, summaries: [] }), /does not match/);
    assert.throws(() => ChatHistory.fromJSON({ ...json, summaries: [{ id: 'x', text: 't', upTo: 9, turns: 1 }] }), /impossible range/);
  });
});
