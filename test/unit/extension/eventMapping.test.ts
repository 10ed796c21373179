import { strict as assert } from 'node:assert';
import { formatArgs, MAX_ARGS_CHARS, toChatEvent } from '../../../src/extension/chat/eventMapping';

describe('agent events → chat events', () => {
  it('maps tool events with args as JSON and sources as links', () => {
    assert.deepEqual(toChatEvent({ type: 'toolStarted', callId: 'c1', name: 'search_workspace', args: { query: 'x' } }), {
      type: 'toolStarted',
      callId: 'c1',
      name: 'search_workspace',
      args: '{"query":"x"}',
    });
    assert.deepEqual(
      toChatEvent({
        type: 'toolFinished',
        callId: 'c1',
        name: 'search_workspace',
        success: true,
        summary: '1 hit',
        sources: [{ path: 'a.ts', startLine: 0, endLine: 0, root: '/w' }],
        durationMs: 3.7,
      }),
      {
        type: 'toolFinished',
        callId: 'c1',
        name: 'search_workspace',
        success: true,
        summary: '1 hit',
        sources: [{ path: 'a.ts', startLine: 1, endLine: 1, root: '/w' }],
        durationMs: 4,
      },
    );
  });

  it('drops step events and passes the rest', () => {
    assert.equal(toChatEvent({ type: 'step', step: 2 }), undefined);
    assert.deepEqual(toChatEvent({ type: 'textDelta', text: 'a' }), { type: 'textDelta', text: 'a' });
    assert.deepEqual(toChatEvent({ type: 'error', message: 'm', cancelled: true }), { type: 'error', message: 'm', cancelled: true });
  });

  it('caps long arguments and keeps raw strings', () => {
    assert.equal(formatArgs('{not json'), '{not json');
    const long = formatArgs({ content: 'x'.repeat(MAX_ARGS_CHARS * 2) });
    assert.ok(long.length < MAX_ARGS_CHARS + 40);
    assert.match(long, /characters\)$/);
  });
});
