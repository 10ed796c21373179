import { strict as assert } from 'node:assert';
import type { AgentEvent } from '../../../src/core/agent/events';
import { ConfigError, UserAbortError } from '../../../src/core/errors';
import { nullLogger } from '../../../src/core/logger';
import { Redactor } from '../../../src/core/redaction';
import type { ChatEngine } from '../../../src/extension/chat/chatSession';
import { ChatSession } from '../../../src/extension/chat/chatSession';
import type { ChatStore } from '../../../src/extension/chat/chatStore';
import { Conversations, MAX_CONVERSATIONS, MAX_TITLE_CHARS, titleFrom } from '../../../src/extension/chat/conversations';
import type { HostToWebview } from '../../../src/shared/protocol';

/**
 * A ChatStore in memory that records every save of a conversation (the extension's own port, not
 * a library). `initial` is a conversation as the single-conversation versions saved it: loading
 * it goes through the migration.
 */
function memoryStore(initial?: unknown): ChatStore & { saved: unknown[] } {
  const saved: unknown[] = [];
  const docs = new Map<string, unknown>(initial === undefined ? [] : [['chat', initial]]);
  return {
    saved,
    load: async (name) => docs.get(name),
    save: async (name, data) => {
      const copy: unknown = JSON.parse(JSON.stringify(data));
      docs.set(name, copy);
      if (name.startsWith('chat-')) {
        saved.push(copy);
      }
    },
    remove: async (name) => void docs.delete(name),
  };
}

const usage = { promptTokens: 10, completionTokens: 5, totalTokens: 15 };

/** An engine that plays a script of agent events, then returns a history marker. */
function scripted(events: AgentEvent[], options: { fail?: Error; waitForAbort?: boolean } = {}): ChatEngine & { histories: unknown[] } {
  const histories: unknown[] = [];
  return {
    histories,
    size: (h) => (Array.isArray(h) ? h.length : h === undefined ? 0 : 1),
    rewind: (h, n) => (Array.isArray(h) ? h.slice(0, n) : n === 0 ? undefined : h),
    async run(history, question, onEvent, signal) {
      histories.push(history);
      for (const e of events) {
        onEvent(e);
      }
      if (options.waitForAbort) {
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
        onEvent({ type: 'error', message: 'Cancelled.', cancelled: true });
        throw new UserAbortError();
      }
      if (options.fail) {
        throw options.fail;
      }
      return { after: question };
    },
  };
}

describe('ChatSession (host side of the chat)', () => {
  it('never posts or saves a known key, even in an error thrown by the engine', async () => {
    const key = 'sk-session-secret-42';
    const store = memoryStore();
    const engine = scripted([{ type: 'textDelta', text: `echo ${key}` }], { fail: new Error(`provider said: bad key ${key}`) });
    const session = new ChatSession(store, engine, nullLogger, new Redactor([key]));
    const posted: HostToWebview[] = [];
    session.onDidPost((m) => posted.push(m));
    await session.send('Hi?');
    assert.ok(posted.length > 0);
    assert.ok(!JSON.stringify(posted).includes(key), JSON.stringify(posted));
    assert.ok(!JSON.stringify(store.saved).includes(key));
    assert.match(JSON.stringify(posted), /bad key \*\*\*/);
  });

  it('runs a question, forwards events in order, and saves the turn and the history', async () => {
    const store = memoryStore();
    const engine = scripted([
      { type: 'step', step: 1 },
      { type: 'textDelta', text: 'Hel' },
      { type: 'textDelta', text: 'lo' },
      { type: 'done', text: 'Hello', usage, steps: 1, incomplete: false },
    ]);
    const session = new ChatSession(store, engine, nullLogger);
    const posted: HostToWebview[] = [];
    session.onDidPost((m) => posted.push(m));
    await session.send('Hi?');
    assert.deepEqual(
      posted.map((m) => (m.type === 'event' ? `event:${m.event.type}` : m.type)),
      ['turnStarted', 'event:textDelta', 'event:textDelta', 'event:done', 'busy'],
    );
    assert.equal(session.busy, false);
    assert.equal(session.allTurns[0].answer, 'Hello');
    assert.equal(session.allTurns[0].status, 'done');
    const last = store.saved.at(-1) as { turns: { question: string }[]; history: unknown };
    assert.equal(last.turns[0].question, 'Hi?');
    assert.deepEqual(last.history, { after: 'Hi?' });

    await session.send('Again');
    assert.deepEqual(engine.histories, [undefined, { after: 'Hi?' }], 'the next question continues the saved history');
  });

  it('Stop cancels: the turn keeps its partial answer and is marked cancelled', async () => {
    const session = new ChatSession(memoryStore(), scripted([{ type: 'textDelta', text: 'partial' }], { waitForAbort: true }), nullLogger);
    const running = session.send('long question');
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(session.busy, true);
    session.stop();
    await running;
    const [turn] = session.allTurns;
    assert.equal(turn.status, 'cancelled');
    assert.equal(turn.answer, 'partial');
    assert.equal(turn.error, undefined);
  });

  it('an engine failure becomes an error turn with the user-facing message; nothing throws', async () => {
    const session = new ChatSession(memoryStore(), scripted([], { fail: new ConfigError('No Kimi API key is set.') }), nullLogger);
    await session.send('hello');
    const [turn] = session.allTurns;
    assert.equal(turn.status, 'error');
    assert.equal(turn.error, 'No Kimi API key is set.');
  });

  it('restores a saved conversation, settling a turn a reload interrupted, and ignores garbage', async () => {
    const saved = {
      turns: [
        { id: 'a', question: 'q1', answer: 'a1', reasoning: '', tools: [], sources: [], status: 'done' },
        { id: 'b', question: 'q2', answer: 'half', reasoning: '', tools: [], sources: [], status: 'streaming' },
        { id: 'c', question: 42 },
      ],
      history: { h: 1 },
    };
    const session = new ChatSession(memoryStore(saved), scripted([]), nullLogger);
    await session.whenLoaded();
    assert.deepEqual(
      session.allTurns.map((t) => [t.id, t.status]),
      [
        ['a', 'done'],
        ['b', 'cancelled'],
      ],
    );
    const broken = new ChatSession(memoryStore('not a chat'), scripted([]), nullLogger);
    await broken.whenLoaded();
    assert.deepEqual(broken.allTurns, []);
  });

  it('New chat opens an empty conversation and keeps the previous one in the list', async () => {
    const store = memoryStore();
    const engine = scripted([{ type: 'done', text: 'x', usage, steps: 1, incomplete: false }]);
    const session = new ChatSession(store, engine, nullLogger);
    await session.send('q');
    const first = session.currentConversation;
    await session.newConversation();
    assert.equal(session.allTurns.length, 0);
    assert.notEqual(session.currentConversation, first);
    // The empty chat gets no entry until it has a turn; the first one is still there, titled.
    assert.deepEqual((await session.list()).map((c) => c.title), ['q']);
    await session.send('next');
    assert.deepEqual(engine.histories.at(-1), undefined, 'the new chat started without the old history');
    assert.equal(await session.switchTo(first), true);
    assert.deepEqual(session.allTurns.map((t) => t.question), ['q']);
  });

  it('keeps at most MAX_CONVERSATIONS, dropping the least recently used with its file', async () => {
    let clock = 0;
    const docs = new Map<string, unknown>();
    const store: ChatStore = {
      load: async (name) => docs.get(name),
      save: async (name, data) => void docs.set(name, data),
      remove: async (name) => void docs.delete(name),
    };
    const conversations = new Conversations(store, () => ++clock);
    await conversations.open();
    const ids: string[] = [];
    for (let i = 0; i <= MAX_CONVERSATIONS; i++) {
      await conversations.select();
      ids.push(conversations.current);
      await conversations.save({ turns: [] }, `question ${i}`);
    }
    assert.equal(conversations.list().length, MAX_CONVERSATIONS);
    assert.equal(conversations.has(ids[0] ?? ''), false, 'the oldest stayed');
    assert.equal(docs.has(`chat-${ids[0]}`), false, 'its file stayed');
    assert.equal(conversations.list()[0]?.title, `question ${MAX_CONVERSATIONS}`);
    assert.equal(titleFrom(`  ${'long '.repeat(40)}\nsecond line`).length, MAX_TITLE_CHARS);
  });

  it('a question\'s @ mentions are saved with its turn; folders scope the search, also when asked again', async () => {
    const store = memoryStore();
    const engine = scripted([{ type: 'done', text: 'x', usage, steps: 1, incomplete: false }]);
    const scopes: unknown[] = [];
    const run = engine.run.bind(engine);
    engine.run = async (history, question, onEvent, signal, options) => {
      scopes.push(options?.searchScope);
      return run(history, question, onEvent, signal);
    };
    const session = new ChatSession(store, engine, nullLogger);
    const mentions = [
      { kind: 'file' as const, path: 'src/a.ts', root: '/ws' },
      { kind: 'folder' as const, path: 'docs/', root: '/ws' },
    ];
    await session.send('Why?', { prompt: 'Why?\n\n---\nfile text', attachments: [], mentions });
    const saved = store.saved.at(-1) as { turns: Array<{ mentions?: unknown }> };
    assert.deepEqual(saved.turns[0]?.mentions, mentions);
    await session.resend(session.allTurns[0]?.id ?? '');
    assert.deepEqual(scopes, [['docs/'], ['docs/']]);
    assert.deepEqual(session.allTurns[0]?.mentions, mentions);
  });

  it('Regenerate and Edit go back to before the turn: later turns and their history are dropped', async () => {
    // The history is the list of questions asked, so what each run saw is visible.
    const seen: unknown[] = [];
    const engine: ChatEngine = {
      size: (h) => (Array.isArray(h) ? h.length : 0),
      rewind: (h, n) => (Array.isArray(h) ? h.slice(0, n) : h),
      async run(history, question, onEvent) {
        seen.push(history);
        onEvent({ type: 'done', text: `answer to ${question}`, usage, steps: 1, incomplete: false });
        return [...(Array.isArray(history) ? history : []), question];
      },
    };
    const store = memoryStore();
    const session = new ChatSession(store, engine, nullLogger);
    await session.send('one');
    await session.send('two');
    await session.send('three');
    const [, second] = session.allTurns;
    await session.resend(second.id, 'two, reworded');
    assert.deepEqual(session.allTurns.map((t) => t.question), ['one', 'two, reworded']);
    assert.deepEqual(seen.at(-1), ['one']);
    // Regenerate the last answer: same question, from the same point.
    await session.resend(session.allTurns[1].id);
    assert.deepEqual(session.allTurns.map((t) => t.question), ['one', 'two, reworded']);
    assert.deepEqual(seen.at(-1), ['one']);
    assert.equal(session.allTurns[1].answer, 'answer to two, reworded');
    // The marks survive a reload, so Edit still works after one.
    const reloaded = new ChatSession(memoryStore(store.saved.at(-1)), engine, nullLogger);
    await reloaded.whenLoaded();
    await reloaded.resend(reloaded.allTurns[0].id, 'zero');
    assert.deepEqual(seen.at(-1), []);
    assert.deepEqual(reloaded.allTurns.map((t) => t.question), ['zero']);
  });

  it('Retry after a failure; an error a later action fixed leaves the conversation', async () => {
    let fail = true;
    const engine: ChatEngine = {
      size: () => 0,
      rewind: () => undefined,
      async run(_history, question, onEvent) {
        if (fail) {
          throw new ConfigError('No Kimi API key is set.', 'kimi-key-missing');
        }
        onEvent({ type: 'done', text: `answer to ${question}`, usage, steps: 1, incomplete: false });
        return undefined;
      },
    };
    const session = new ChatSession(memoryStore(), engine, nullLogger);
    const posted: HostToWebview[] = [];
    session.onDidPost((m) => posted.push(m));
    await session.send('hello?');
    assert.equal(session.allTurns[0].status, 'error');
    assert.equal(session.allTurns[0].errorCode, 'config/kimi-key-missing');
    session.clearErrors((code) => code === 'kimi/connection');
    assert.ok(session.allTurns[0].error, 'another code leaves the error');
    session.clearErrors((code) => code === 'config/kimi-key-missing');
    assert.equal(session.allTurns[0].error, undefined);
    assert.ok(posted.some((m) => m.type === 'snapshotTurns'));
    fail = false;
    await session.resend(session.allTurns[0].id);
    assert.equal(session.allTurns.length, 1);
    assert.equal(session.allTurns[0].status, 'done');
    assert.equal(session.allTurns[0].answer, 'answer to hello?');
  });
});
