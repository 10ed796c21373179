import { strict as assert } from 'node:assert';
import { applyChatEvent, formatSource, MAX_SOURCES_PER_TURN, newTurn, settleInterrupted, type ChatEvent, type Turn } from '../../../src/shared/chatModel';

function fold(events: ChatEvent[]): Turn {
  return events.reduce(applyChatEvent, newTurn('t', 'What does foghorn do?'));
}

const usage = { promptTokens: 100, completionTokens: 20, totalTokens: 120 };

describe('chat model', () => {
  it('builds an answer from deltas, tool lines and sources', () => {
    const turn = fold([
      { type: 'reasoningDelta', text: 'Let me ' },
      { type: 'reasoningDelta', text: 'search.' },
      { type: 'toolStarted', callId: 'c1', name: 'search_workspace', args: '{"query":"foghorn"}' },
      {
        type: 'toolFinished',
        callId: 'c1',
        name: 'search_workspace',
        success: true,
        summary: '2 hits',
        sources: [
          { path: 'src/foghorn.js', startLine: 1, endLine: 11, root: '/w' },
          { path: 'src/foghorn.js', startLine: 1, endLine: 11, root: '/w' },
        ],
        durationMs: 12,
      },
      { type: 'textDelta', text: 'It sounds ' },
      { type: 'textDelta', text: 'the horn.' },
    ]);
    assert.equal(turn.reasoning, 'Let me search.');
    assert.equal(turn.answer, 'It sounds the horn.');
    assert.equal(turn.status, 'streaming');
    assert.deepEqual(turn.tools, [{ callId: 'c1', name: 'search_workspace', args: '{"query":"foghorn"}', status: 'ok', summary: '2 hits', durationMs: 12 }]);
    assert.equal(turn.sources.length, 1, 'duplicate sources are merged');
  });

  it('done makes the final text authoritative and records usage', () => {
    const turn = fold([{ type: 'textDelta', text: 'It so' }, { type: 'done', text: 'It sounds the horn.', usage, incomplete: false }]);
    assert.equal(turn.answer, 'It sounds the horn.');
    assert.equal(turn.status, 'done');
    assert.deepEqual(turn.usage, usage);
  });

  it('a cancelled turn keeps its partial answer and settles running tools', () => {
    const turn = fold([
      { type: 'textDelta', text: 'partial' },
      { type: 'toolStarted', callId: 'c', name: 'read_file', args: '{}' },
      { type: 'error', message: 'Cancelled.', cancelled: true },
    ]);
    assert.equal(turn.status, 'cancelled');
    assert.equal(turn.answer, 'partial');
    assert.equal(turn.error, undefined);
    assert.equal(turn.tools[0].status, 'failed');
  });

  it('an error keeps its message; a retry shows a notice until output resumes', () => {
    const retrying = fold([{ type: 'retry', reason: 'Kimi rate limit reached.', delayMs: 1500, attempt: 2 }]);
    // What happens next comes first: a long reason cut off at a narrow width must not hide it.
    assert.equal(retrying.notice, 'Trying again in 2 s (retry 2)… Kimi rate limit reached.');
    assert.equal(applyChatEvent(retrying, { type: 'textDelta', text: 'x' }).notice, undefined);
    const failed = fold([{ type: 'error', message: 'Kimi rejected the API key (401).', cancelled: false, fix: { action: 'setKimiApiKey', label: 'Set Kimi API Key' } }]);
    assert.equal(failed.status, 'error');
    assert.equal(failed.error, 'Kimi rejected the API key (401).');
    assert.deepEqual(failed.fix, { action: 'setKimiApiKey', label: 'Set Kimi API Key' });
  });

  it('caps the number of sources', () => {
    const sources = Array.from({ length: MAX_SOURCES_PER_TURN + 10 }, (_, i) => ({ path: `f${i}.ts`, startLine: 1, endLine: 2 }));
    const turn = fold([
      { type: 'toolStarted', callId: 'c', name: 's', args: '{}' },
      { type: 'toolFinished', callId: 'c', name: 's', success: true, summary: '', sources, durationMs: 1 },
    ]);
    assert.equal(turn.sources.length, MAX_SOURCES_PER_TURN);
  });

  it('settles turns interrupted by a reload, and formats sources', () => {
    assert.equal(settleInterrupted(newTurn('a', 'q')).status, 'cancelled');
    assert.equal(formatSource({ path: 'a/b.py', startLine: 3, endLine: 9 }), 'a/b.py:3-9');
    assert.equal(formatSource({ path: 'a/b.py', startLine: 3, endLine: 3 }), 'a/b.py:3');
  });
});
