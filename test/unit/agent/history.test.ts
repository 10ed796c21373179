import { strict as assert } from 'node:assert';
import { ChatHistory } from '../../../src/core/agent/history';
import type { ChatMessage, ToolCall } from '../../../src/core/kimi/types';

const call = (id: string, name = 'search_workspace'): ToolCall => ({ id, type: 'function', function: { name, arguments: '{"query":"x"}' } });
/** One token per character: makes budgets easy to reason about. */
const count = (ms: readonly ChatMessage[]): number => ms.reduce((n, m) => n + m.content.length, 0);

function sample(): ChatHistory {
  const h = new ChatHistory({ systemPrompt: 'SYS' });
  h.addUser('q1'.padEnd(100, '.'));
  h.addAssistant('a1'.padEnd(100, '.'));
  h.addUser('q2'.padEnd(100, '.'));
  h.addToolRound('', [call('s:0'), call('r:1', 'read_file')], [
    { tool_call_id: 's:0', name: 'search_workspace', content: 'r'.repeat(200) },
    { tool_call_id: 'r:1', name: 'read_file', content: 'f'.repeat(200) },
  ]);
  h.addAssistant('a2'.padEnd(100, '.'));
  h.addUser('q3'.padEnd(100, '.'));
  return h;
}

function roles(ms: readonly ChatMessage[]): string {
  return ms.map((m) => (m.role === 'assistant' && m.tool_calls ? 'assistant+calls' : m.role)).join(' ');
}

describe('ChatHistory', () => {
  it('sends everything when it fits, system prompt first', () => {
    const w = sample().window({ maxPromptTokens: 100_000, count });
    assert.equal(w.dropped, 0);
    assert.equal(roles(w.messages), 'system user assistant user assistant+calls tool tool assistant user');
    assert.equal(w.messages[0]?.content, 'SYS');
  });

  it('trims oldest first, keeps the system prompt first and never splits a tool-call round', () => {
    for (let budget = 150; budget < 1100; budget += 10) {
      const w = sample().window({ maxPromptTokens: budget, count });
      assert.equal(w.messages[0]?.role, 'system', `budget ${budget}`);
      const rest = w.messages.slice(1);
      assert.notEqual(rest[0]?.role, 'tool', `no orphan tool message at budget ${budget}`);
      rest.forEach((m, i) => {
        if (m.role === 'assistant' && m.tool_calls) {
          const following = rest.slice(i + 1, i + 1 + m.tool_calls.length);
          assert.deepEqual(following.map((t) => (t.role === 'tool' ? t.tool_call_id : '?')), m.tool_calls.map((c) => c.id), `round whole at ${budget}`);
        }
        if (m.role === 'tool') {
          const owner = rest.slice(0, i).reverse().find((x) => x.role !== 'tool');
          assert.ok(owner?.role === 'assistant' && owner.tool_calls?.some((c) => c.id === m.tool_call_id), `tool result has its call at ${budget}`);
        }
      });
      assert.equal(rest.at(-1)?.content.slice(0, 2), 'q3', 'the current question is always kept');
    }
    const small = sample().window({ maxPromptTokens: 400, count });
    assert.ok(small.dropped > 0);
    assert.match(String(small.messages[0]?.content), /left out/);
  });

  it('keeps the question of the current run even when its own tool rounds do not all fit', () => {
    const h = new ChatHistory({ systemPrompt: 'S' });
    h.addUser('old question');
    h.addAssistant('old answer');
    h.addUser('current question');
    for (let i = 0; i < 5; i++) {
      h.addToolRound('', [call(`c:${i}`)], [{ tool_call_id: `c:${i}`, name: 'search_workspace', content: 'x'.repeat(300) }]);
    }
    const w = h.window({ maxPromptTokens: 900, count });
    assert.equal(w.messages[1]?.content, 'current question');
    assert.equal(roles(w.messages), 'system user assistant+calls tool assistant+calls tool');
    assert.deepEqual(
      w.messages.filter((m) => m.role === 'tool').map((m) => (m.role === 'tool' ? m.tool_call_id : '')),
      ['c:3', 'c:4'],
      'the newest rounds are the ones kept',
    );
  });

  it('truncates over-long non-JSON tool results with a note', () => {
    const h = new ChatHistory({ maxToolResultChars: 100 });
    h.addToolRound('', [call('a')], [{ tool_call_id: 'a', name: 'read_file', content: 'z'.repeat(1000) }]);
    const tool = h.messages[1];
    assert.ok(tool && tool.content.length < 300);
    assert.match(tool.content, /truncated: 900 more characters/);
  });

  it('refuses a tool round whose results do not match its calls', () => {
    const h = new ChatHistory();
    assert.throws(() => h.addToolRound('', [call('a'), call('b')], [{ tool_call_id: 'a', name: 'x', content: '{}' }]), /exactly one result/);
    assert.equal(h.length, 0, 'nothing half-added');
  });

  it('round-trips through JSON and rejects malformed data with a clear error', () => {
    const h = sample();
    const copy = ChatHistory.fromJSON(JSON.parse(JSON.stringify(h)));
    assert.deepEqual(copy.toJSON(), h.toJSON());
    assert.throws(() => ChatHistory.fromJSON({ version: 99 }), /saved chat history is invalid/);
    assert.throws(() => ChatHistory.fromJSON('nonsense'), /invalid/);
    const dangling = h.toJSON();
    assert.throws(
      () => ChatHistory.fromJSON({ ...dangling, messages: dangling.messages.filter((m) => !(m.role === 'tool' && m.tool_call_id === 'r:1')) }),
      /tool calls without their results/,
    );
    assert.throws(() => ChatHistory.fromJSON({ ...dangling, messages: [{ role: 'wizard', content: 'x' }] }), /unexpected role/);
  });

  it('drops reasoning_content found in saved data; it is never sent back', () => {
    const h = ChatHistory.fromJSON({
      version: 1,
      systemPrompt: 'S',
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'a', reasoning_content: 'long thoughts' },
      ],
    });
    assert.ok(!JSON.stringify(h.window({ maxPromptTokens: 10_000 }).messages).includes('long thoughts'));
  });
});
