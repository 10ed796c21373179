import { strict as assert } from 'node:assert';
import { orderSources } from '../../../src/webview/sourcesView';

describe('Sources under an answer', () => {
  const hits = [
    { path: 'json/scanner.py', startLine: 1, endLine: 30, root: '/w' },
    { path: 'json/decoder.py', startLine: 250, endLine: 290, root: '/w' },
    { path: 'http/client.py', startLine: 5, endLine: 9, root: '/w' },
  ];

  it('lists what the answer cited first (with the root), the other hits after', () => {
    const order = orderSources([{ path: 'json/decoder.py', startLine: 254, endLine: 282 }, { path: 'README.md', startLine: 1, endLine: 2 }], hits);
    assert.deepEqual(order.cited, [
      { path: 'json/decoder.py', startLine: 254, endLine: 282, root: '/w' },
      { path: 'README.md', startLine: 1, endLine: 2 },
    ]);
    // The hit the citation falls in is not repeated; the unrelated ones are the rest.
    assert.deepEqual(
      order.rest.map((s) => s.path),
      ['json/scanner.py', 'http/client.py'],
    );
  });

  it('nothing cited: everything is in the rest; duplicates are dropped', () => {
    const order = orderSources([], hits);
    assert.deepEqual(order.cited, []);
    assert.equal(order.rest.length, 3);
    const twice = orderSources([hits[0], hits[0]], hits);
    assert.equal(twice.cited.length, 1);
  });
});
