import { strict as assert } from 'node:assert';
import { analyzeQuery, denseQuery, keywordQuery, looksLikeCode } from '../../../src/core/search/queryAnalysis';

const REPORT = [
  'is_upper() raises IndexError for tall matrices',
  'The function Matrix.is_upper raises an IndexError for a 4x2 matrix of zeros.',
  '```',
  '>>> sympy.zeros(4,2).is_upper',
  'Traceback (most recent call last):',
  '  File "<stdin>", line 1, in <module>',
  '  File "/usr/lib/python3/site-packages/pkg/matrices/matrices.py", line 1112, in is_upper',
  '    for i in range(1, self.rows)',
  '  File "pkg/matrices/dense.py", line 119, in __getitem__',
  '    return self.extract(i, j)',
  'IndexError: Index out of range: a[2]',
  '```',
  'The matrix is the the the the the the the the matrix matrix matrix matrix.',
].join('\n');

describe('query analysis', () => {
  it('finds traceback frames and paths, relative to the package, and their functions', () => {
    const a = analyzeQuery(REPORT);
    assert.deepEqual(a.frames.map((f) => `${f.path}#${f.func}`), ['<stdin>#<module>', 'pkg/matrices/matrices.py#is_upper', 'pkg/matrices/dense.py#__getitem__']);
    assert.ok(a.paths.includes('pkg/matrices/matrices.py'));
    assert.ok(a.paths.includes('pkg/matrices/dense.py'));
    assert.ok(a.issueShaped);
  });

  it('weighs names in the title, code and tracebacks above prose, and error names count', () => {
    const a = analyzeQuery(REPORT);
    const weight = (t: string): number => a.identifiers.find((x) => x.text === t)?.weight ?? 0;
    assert.equal(a.identifiers[0].text, 'is_upper');
    assert.ok(weight('IndexError') > 0);
    assert.ok(weight('__getitem__') > 0);
    assert.equal(weight('matrix'), 0, 'a prose word is not an identifier');
    assert.equal(weight('the'), 0);
    assert.ok(a.dotted.includes('Matrix.is_upper'));
  });

  it('a short question is not a report, and keeps its words as typed', () => {
    const q = 'where are rate limit errors retried';
    const a = analyzeQuery(q);
    assert.equal(a.issueShaped, false);
    assert.equal(keywordQuery(q, a), q);
    assert.equal(denseQuery(q, a), q);
  });

  it("a report's keyword query counts each word once and repeats its strongest names", () => {
    const q = keywordQuery(REPORT);
    const count = (w: string): number => q.split(/\W+/).filter((x) => x === w).length;
    assert.equal(count('matrix'), 1, 'prose repeated ten times counts once');
    assert.equal(count('the'), 0, 'stop words are left out');
    assert.ok(count('is_upper') >= 3, q);
    assert.ok(q.length < REPORT.length);
  });

  it('what the dense model reads starts with the title and the names, within its window', () => {
    const long = `${REPORT}\n${'more words here '.repeat(500)}`;
    const d = denseQuery(long);
    assert.ok(d.startsWith('is_upper() raises IndexError for tall matrices\n'));
    assert.ok(d.split('\n')[1].includes('pkg/matrices/matrices.py'));
    assert.ok(d.length <= 1200);
  });

  it('tells code-shaped words from prose', () => {
    for (const w of ['is_upper', 'readAndChunkFile', 'HTTPServer2', '_private', 'LaTeXPrinter']) {
      assert.ok(looksLikeCode(w), w);
    }
    for (const w of ['matrix', 'Matrix', 'the', 'IndexError'.toLowerCase()]) {
      assert.ok(!looksLikeCode(w), w);
    }
  });

  it('JavaScript stack frames and file names in prose are found too', () => {
    const a = analyzeQuery('Crash on save\n    at Indexer.indexFile (src/core/indexing/indexer.ts:120:15)\nsee also utils/retry.ts');
    assert.deepEqual(a.frames, [{ path: 'src/core/indexing/indexer.ts', func: 'indexFile' }]);
    assert.ok(a.paths.includes('utils/retry.ts'));
  });
});
