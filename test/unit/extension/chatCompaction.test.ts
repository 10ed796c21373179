// The chat session with the real core agent against the fake Kimi server (its 8k window enforced):
// where the "Earlier turns summarised" marker goes, that it is saved, what Compact Conversation and
// going back before a summary do, and that a failed summary is said, not hidden.
import { strict as assert } from 'node:assert';
import { Agent } from '../../../src/core/agent/agent';
import { ChatHistory } from '../../../src/core/agent/history';
import { SUMMARY_INSTRUCTIONS } from '../../../src/core/agent/summaryPrompt';
import { ToolRegistry } from '../../../src/core/agent/tools/registry';
import { KimiClient } from '../../../src/core/kimi/kimiClient';
import { PriceBook } from '../../../src/core/kimi/pricing';
import { nullLogger } from '../../../src/core/logger';
import { ChatSession, type ChatEngine } from '../../../src/extension/chat/chatSession';
import type { ChatStore } from '../../../src/extension/chat/chatStore';
import type { Turn } from '../../../src/shared/chatModel';
import { reply, startFakeKimi, type ChatBody, type FakeKimi } from '../../fakes/kimiServer';

const SUMMARY = '## Files\n- src/lamp.ts\n## Decisions\n- keep the lamp\n## Open questions\n- none';
const isSummary = (b: ChatBody): boolean => b.messages[0]?.content === SUMMARY_INSTRUCTIONS;
const filler = 'The keeper writes the weather, the ships and the lamp hours in the logbook every night. '.repeat(36);

function memoryStore(): ChatStore & { docs: Map<string, unknown> } {
  const docs = new Map<string, unknown>();
  return {
    docs,
    load: async (name) => docs.get(name),
    save: async (name, data) => void docs.set(name, JSON.parse(JSON.stringify(data))),
    remove: async (name) => void docs.delete(name),
  };
}

/** What AgentChatEngine does, without VS Code: the core agent on a saved ChatHistory. */
function agentEngine(client: KimiClient): ChatEngine {
  const agent = (): Agent => new Agent({ client, tools: new ToolRegistry([]), prices: new PriceBook({ region: 'global' }) });
  const load = (h: unknown): ChatHistory => (h === undefined ? new ChatHistory() : ChatHistory.fromJSON(h));
  return {
    size: (h) => load(h).length,
    rewind: (h, n) => {
      const history = load(h);
      history.rewind(n);
      return history.toJSON();
    },
    summaryIds: (h) => load(h).summaries.map((s) => s.id),
    async run(h, question, onEvent, signal) {
      const history = load(h);
      await agent().run(history, question, onEvent, signal);
      return history.toJSON();
    },
    async compact(h, signal) {
      const history = load(h);
      const { report, usage } = await agent().compact(history, signal);
      return { history: history.toJSON(), report, usage };
    },
  };
}

describe('chat session: summaries and notes (real agent, fake Kimi with an 8k window)', function () {
  this.timeout(60_000);
  let kimi: FakeKimi;
  let client: KimiClient;

  beforeEach(async () => {
    kimi = await startFakeKimi({ windows: { 'moonshot-v1-8k': 8_192 }, countUsage: true });
    client = new KimiClient({ apiKey: 'sk-test', baseUrl: kimi.baseUrl, model: 'moonshot-v1-8k', temperature: undefined, maxSteps: 4, webSearch: false }, { retry: { maxRetries: 0 } });
  });
  afterEach(() => kimi.close());

  /** Tokens the server reported for each question's requests (summary requests included). */
  const served: number[] = [];

  async function askUntilCompacted(session: ChatSession, extra = 0): Promise<number> {
    let compactedAt = -1;
    served.length = 0;
    for (let q = 1; q <= 12 && (compactedAt < 0 || q <= compactedAt + extra); q++) {
      const before = kimi.chatBodies().filter(isSummary).length;
      const seen = kimi.usages.length;
      await session.send(`Question ${q} about the lamp?`);
      served.push(kimi.usages.slice(seen).reduce((sum, u) => sum + u.total_tokens, 0));
      if (compactedAt < 0 && kimi.chatBodies().filter(isSummary).length > before) {
        compactedAt = q;
      }
    }
    return compactedAt;
  }

  it('marks the summary once, after the last turn it covers; the marker is saved and comes back after a reload', async () => {
    let n = 0;
    kimi.handle((b) => (isSummary(b) ? reply.text(SUMMARY) : reply.text(`Answer ${++n}. ${filler}`)));
    const store = memoryStore();
    const session = new ChatSession(store, agentEngine(client), nullLogger);
    const at = await askUntilCompacted(session, 1);
    assert.ok(at > 1, 'the conversation passed the threshold');
    const turns = session.allTurns;
    assert.ok(turns.every((t) => t.status === 'done'), 'every question was answered');
    const marked = turns.filter((t) => t.summary);
    assert.equal(marked.length, 1, 'one marker');
    assert.equal(marked[0]?.question, `Question ${at - 1} about the lamp?`, 'after the turn before the one whose request was compacted');
    assert.equal(marked[0]?.summary?.text, SUMMARY);
    assert.equal(marked[0]?.summary?.manual, false);
    assert.ok(turns.every((t) => t.contextNote === undefined), 'nothing was left out or shortened');
    // Each answer's usage is what the server reported for its requests, the summary request included.
    assert.deepEqual(turns.map((t) => t.usage?.totalTokens), served);
    assert.equal(kimi.rejected.length, 0);
    const reloaded = new ChatSession(store, agentEngine(client), nullLogger);
    await reloaded.whenLoaded();
    assert.equal(reloaded.allTurns.filter((t) => t.summary).length, 1);
  });

  it('Compact Conversation marks the last turn (manual, with its own cost); going back before the summary removes the marker and resends the turns', async () => {
    kimi.handle((b) => (isSummary(b) ? reply.text(SUMMARY) : reply.text('Short answer about src/lamp.ts.')));
    const session = new ChatSession(memoryStore(), agentEngine(client), nullLogger);
    for (let q = 1; q <= 3; q++) {
      await session.send(`Question ${q}?`);
    }
    const outcome = await session.compact();
    assert.equal(outcome.kind, 'done');
    const last = session.allTurns.at(-1) as Turn;
    assert.equal(last.summary?.manual, true);
    assert.ok(last.summary?.usage?.cost && last.summary.usage.cost.amount > 0, 'the summary request is priced');
    assert.equal(session.allTurns.filter((t) => t.summary).length, 1);
    await session.send('Question 4?');
    assert.match(JSON.stringify(kimi.chatBodies().at(-1)?.messages), /Summary of the earlier part/);
    // Regenerate the first question: the summary covered it, so the summary (and its marker) go.
    await session.resend(session.allTurns[0]?.id);
    assert.equal(session.allTurns.length, 1);
    assert.equal(session.allTurns.filter((t) => t.summary).length, 0);
    assert.doesNotMatch(JSON.stringify(kimi.chatBodies().at(-1)?.messages), /Summary of the earlier part/);
    assert.equal((await session.compact()).kind, 'done');
    assert.equal((await new ChatSession(memoryStore(), agentEngine(client), nullLogger).compact()).kind, 'empty');
  });

  it('when no summary can be made, the turn says how many messages were left out and why', async () => {
    let n = 0;
    kimi.handle((b) => (isSummary(b) ? reply.serverError() : reply.text(`Answer ${++n}. ${filler}`)));
    const session = new ChatSession(memoryStore(), agentEngine(client), nullLogger);
    await askUntilCompacted(session);
    for (let q = 1; q <= 8 && !session.allTurns.some((t) => t.contextNote); q++) {
      await session.send(`More ${q}?`);
    }
    const noted = session.allTurns.find((t) => t.contextNote);
    assert.ok(noted?.contextNote, 'a note');
    assert.ok((noted.contextNote.leftOutMessages ?? 0) > 0 && (noted.contextNote.leftOutTurns ?? 0) > 0);
    assert.match(noted.contextNote.failure ?? '', /server_error|500/);
    assert.equal(noted.status, 'done', 'and it still answered');
    assert.equal(session.allTurns.filter((t) => t.summary).length, 0);
  });
});
