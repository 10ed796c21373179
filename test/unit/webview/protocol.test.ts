import { strict as assert } from 'node:assert';
import { MAX_MESSAGE_CHARS, parseHostMessage, parseWebviewMessage } from '../../../src/shared/protocol';
import { newTurn } from '../../../src/shared/chatModel';

describe('protocol: messages from the webview', () => {
  it('accepts each well-formed message', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseWebviewMessage({ type: 'send', text: 'hi' }), { type: 'send', text: 'hi' });
    assert.deepEqual(parseWebviewMessage({ type: 'stop' }), { type: 'stop' });
    assert.deepEqual(parseWebviewMessage({ type: 'newChat' }), { type: 'newChat' });
    assert.deepEqual(parseWebviewMessage({ type: 'copyCode', code: 'x' }), { type: 'copyCode', code: 'x' });
    assert.deepEqual(parseWebviewMessage({ type: 'insertCode', code: '' }), { type: 'insertCode', code: '' });
    assert.deepEqual(parseWebviewMessage({ type: 'action', action: 'setKimiApiKey' }), { type: 'action', action: 'setKimiApiKey' });
    assert.deepEqual(parseWebviewMessage({ type: 'setModel', model: 'kimi-k2-turbo-preview' }), { type: 'setModel', model: 'kimi-k2-turbo-preview' });
    assert.deepEqual(parseWebviewMessage({ type: 'openSource', source: { path: 'src/a.ts', startLine: 3, endLine: 9, root: '/w' } }), {
      type: 'openSource',
      source: { path: 'src/a.ts', startLine: 3, endLine: 9, root: '/w' },
    });
  });

  it('accepts the messages of context chips, Edit/Regenerate and Apply, and refuses malformed ones', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'send', text: 'hi', context: ['active', 'added-1'] }), {
      type: 'send',
      text: 'hi',
      context: ['active', 'added-1'],
    });
    assert.equal(parseWebviewMessage({ type: 'send', text: 'hi', context: 'active' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'send', text: 'hi', context: [1] }), undefined);
    assert.deepEqual(parseWebviewMessage({ type: 'removeContext', id: 'added-1' }), { type: 'removeContext', id: 'added-1' });
    assert.deepEqual(parseWebviewMessage({ type: 'resend', turnId: 't1' }), { type: 'resend', turnId: 't1' });
    assert.deepEqual(parseWebviewMessage({ type: 'resend', turnId: 't1', text: 'new' }), { type: 'resend', turnId: 't1', text: 'new' });
    assert.equal(parseWebviewMessage({ type: 'resend', turnId: 't1', text: '  ' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'resend', turnId: '' }), undefined);
    const target = { path: 'src/a.ts', startLine: 3, endLine: 9 };
    assert.deepEqual(parseWebviewMessage({ type: 'applyCode', code: 'x', target, wholeFile: false }), {
      type: 'applyCode',
      code: 'x',
      target,
      wholeFile: false,
    });
    assert.equal(parseWebviewMessage({ type: 'applyCode', code: 'x', target: { path: 'a', startLine: 9, endLine: 1 }, wholeFile: false }), undefined);
    assert.equal(parseWebviewMessage({ type: 'applyCode', code: 'x', target }), undefined);
    assert.deepEqual(parseHostMessage({ type: 'context', added: [] }), { type: 'context', added: [] });
    assert.equal(parseHostMessage({ type: 'context' }), undefined);
    assert.ok(parseHostMessage({ type: 'snapshotTurns', turns: [newTurn('a', 'q')] }));
    assert.equal(parseHostMessage({ type: 'snapshotTurns', turns: [{}] }), undefined);
  });

  it('accepts @ mentions and conversation messages; refuses paths that leave the workspace', () => {
    const file = { kind: 'file', path: 'src/a.ts', root: '/ws' };
    assert.deepEqual(parseWebviewMessage({ type: 'send', text: 'hi', mentions: [file, { kind: 'folder', path: 'src/' }] }), {
      type: 'send',
      text: 'hi',
      mentions: [file, { kind: 'folder', path: 'src/' }],
    });
    assert.deepEqual(parseWebviewMessage({ type: 'mentionQuery', query: 'fog', seq: 3 }), { type: 'mentionQuery', query: 'fog', seq: 3 });
    assert.deepEqual(parseWebviewMessage({ type: 'conversations' }), { type: 'conversations' });
    for (const bad of [
      { kind: 'file', path: '../secret' },
      { kind: 'file', path: 'src/../../x' },
      { kind: 'file', path: '/etc/passwd' },
      { kind: 'file', path: 'C:\\x' },
      { kind: 'file', path: '' },
      { kind: 'link', path: 'a' },
      { kind: 'file', path: 'a', root: 5 },
    ]) {
      assert.equal(parseWebviewMessage({ type: 'send', text: 'hi', mentions: [bad] }), undefined, JSON.stringify(bad));
    }
    assert.equal(parseWebviewMessage({ type: 'send', text: 'hi', mentions: 'src/a.ts' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'send', text: 'hi', mentions: new Array(21).fill(file) }), undefined);
    assert.equal(parseWebviewMessage({ type: 'mentionQuery', query: 'x'.repeat(501), seq: 1 }), undefined);
    assert.equal(parseHostMessage({ type: 'mentionResults', seq: 1, items: [{ kind: 'file', path: '../x' }] }), undefined);
    assert.deepEqual(parseHostMessage({ type: 'mentionResults', seq: 1, items: [file] }), { type: 'mentionResults', seq: 1, items: [file] });
  });

  it('drops unknown fields instead of passing them on', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'stop', extra: 'x' }), { type: 'stop' });
    assert.deepEqual(parseWebviewMessage({ type: 'send', text: 'q', command: 'rm -rf' }), { type: 'send', text: 'q' });
  });

  it('rejects malformed and hostile messages', () => {
    const bad: unknown[] = [
      undefined,
      null,
      'send',
      [],
      { type: 'nope' },
      { type: 'send' },
      { type: 'send', text: '   ' },
      { type: 'send', text: 'x'.repeat(MAX_MESSAGE_CHARS + 1) },
      { type: 'send', text: 42 },
      { type: 'action', action: 'workbench.action.terminal.new' },
      { type: 'action', action: 'toString' },
      { type: 'copyCode' },
      { type: 'setModel', model: '' },
      { type: 'setModel', model: 'kimi"; rm -rf /' },
      { type: 'setModel', model: 'x'.repeat(200) },
      { type: 'openSource', source: { path: 'a.ts', startLine: 0, endLine: 1 } },
      { type: 'openSource', source: { path: 'a.ts', startLine: 5, endLine: 2 } },
      { type: 'openSource', source: { path: 'a.ts', startLine: 1.5, endLine: 2 } },
      { type: 'openSource', source: { path: '', startLine: 1, endLine: 1 } },
      { type: 'openSource', source: { path: 'a.ts', startLine: 1, endLine: 1, root: 7 } },
      { type: 'openSource' },
    ];
    for (const m of bad) {
      assert.equal(parseWebviewMessage(m), undefined, JSON.stringify(m));
    }
  });
});

describe('protocol: messages from the host', () => {
  const setup = { hasKimiKey: true, indexed: false, indexing: false, trusted: true, hasWorkspace: true };

  it('accepts snapshots with valid turns and rejects broken ones', () => {
    const turn = newTurn('t1', 'q');
    assert.ok(parseHostMessage({ type: 'snapshot', turns: [turn], busy: false, setup }));
    assert.equal(parseHostMessage({ type: 'snapshot', turns: [{ id: 't1' }], busy: false, setup }), undefined);
    assert.equal(parseHostMessage({ type: 'snapshot', turns: [turn], busy: false, setup: { hasKimiKey: true } }), undefined);
  });

  it('checks events and ignores foreign messages', () => {
    assert.ok(parseHostMessage({ type: 'event', turnId: 't', event: { type: 'textDelta', text: 'a' } }));
    assert.equal(parseHostMessage({ type: 'event', turnId: 't' }), undefined);
    assert.equal(parseHostMessage({ type: 'webviewDidLoad' }), undefined);
    assert.ok(parseHostMessage({ type: 'models', models: ['kimi-k2.5'], current: 'kimi-k2.5' }));
    assert.equal(parseHostMessage({ type: 'models', models: [1], current: 'kimi-k2.5' }), undefined);
    assert.deepEqual(parseHostMessage({ type: 'focusInput' }), { type: 'focusInput' });
  });

  it('accepts the context meter\'s reading, the totals and a draft to restore; refuses broken ones', () => {
    const reading = { tokens: 120, window: 8192, compactAt: 6963, source: 'kimi', parts: { system: 40, tools: 30, history: 40, draft: 10 } };
    assert.ok(parseHostMessage({ type: 'contextMeter', seq: 3, reading }));
    assert.equal(parseHostMessage({ type: 'contextMeter', seq: 3, reading: { ...reading, tokens: -1 } }), undefined);
    assert.equal(parseHostMessage({ type: 'contextMeter', reading }), undefined);
    const total = { promptTokens: 1, cachedTokens: 0, completionTokens: 1, answers: 1, costs: { USD: 0.1 }, unpricedTokens: 0 };
    assert.ok(parseHostMessage({ type: 'totals', conversation: total, today: total, dailyLimit: { amount: 1, currency: 'USD' } }));
    assert.equal(parseHostMessage({ type: 'totals', conversation: total }), undefined);
    assert.deepEqual(parseHostMessage({ type: 'restoreDraft', text: 'not sent' }), { type: 'restoreDraft', text: 'not sent' });
  });
});

describe('protocol: the context meter and Compact Conversation from the webview', () => {
  it('accepts a measure query (an empty draft too) with its chips and mentions, and compact', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'measure', seq: 2, text: '' }), { type: 'measure', seq: 2, text: '' });
    assert.deepEqual(parseWebviewMessage({ type: 'measure', seq: 5, text: 'q', context: ['active'], mentions: [{ kind: 'file', path: 'src/a.ts' }] }), {
      type: 'measure',
      seq: 5,
      text: 'q',
      context: ['active'],
      mentions: [{ kind: 'file', path: 'src/a.ts' }],
    });
    assert.deepEqual(parseWebviewMessage({ type: 'compact' }), { type: 'compact' });
  });

  it('refuses a measure query without a sequence number, too long, or mentioning a path outside the workspace', () => {
    assert.equal(parseWebviewMessage({ type: 'measure', text: 'q' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'measure', seq: 1.5, text: 'q' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'measure', seq: 1, text: 'x'.repeat(MAX_MESSAGE_CHARS + 1) }), undefined);
    assert.equal(parseWebviewMessage({ type: 'measure', seq: 1, text: 'q', mentions: [{ kind: 'file', path: '../etc/passwd' }] }), undefined);
  });
});
