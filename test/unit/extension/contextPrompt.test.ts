import { strict as assert } from 'node:assert';
import { withContext, type Attachment } from '../../../src/extension/chat/contextPrompt';

describe('editor context sent with a question', () => {
  const selection: Attachment = {
    source: { path: 'src/foghorn.js', startLine: 4, endLine: 6 },
    text: 'function nextFoghornTest(from) {\n  const d = new Date(from);\n  return d;\n',
    language: 'javascript',
    kind: 'selection',
  };

  it('a question without context is sent as it is', () => {
    assert.equal(withContext('Why?', []), 'Why?');
  });

  it('puts each attachment under its path:start-end, fenced with its language', () => {
    const text = withContext('What does this do?', [selection]);
    assert.ok(text.startsWith('What does this do?\n'));
    assert.match(text, /src\/foghorn\.js:4-6 \(selected\):\n```javascript\nfunction nextFoghornTest\(from\) \{\n  const d = new Date\(from\);\n  return d;\n```/);
  });

  it('cuts what exceeds the budget at a line end and says which lines are missing', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i + 1} ${'x'.repeat(30)}`);
    const big: Attachment = { source: { path: 'big.py', startLine: 1, endLine: 100 }, text: lines.join('\n'), language: 'python', kind: 'cursor' };
    const text = withContext('Q', [big, selection], 200);
    assert.ok(text.length < 1200, `too long: ${text.length}`);
    assert.match(text, /big\.py:1-100 \(around the cursor\)/);
    const kept = text.match(/^line \d+/gm) ?? [];
    assert.ok(kept.length > 5 && kept.length < 100);
    assert.match(text, new RegExp(`lines ${kept.length + 1}-100 are not shown`));
    // The budget is spent: the second attachment is present but empty, with its note.
    assert.match(text, /src\/foghorn\.js:4-6 \(selected\):\n```javascript\n\n```\n\[Truncated/);
  });

  it('a block containing a fence gets a longer fence', () => {
    const md: Attachment = { ...selection, text: '```js\nx\n```', language: 'markdown' };
    assert.match(withContext('Q', [md]), /````markdown\n```js\nx\n```\n````/);
  });
});
