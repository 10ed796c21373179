import { strict as assert } from 'node:assert';
import { citationOf } from '../../../src/core/documents/citation';
import { RANKING, rankFiles } from '../../../src/core/search/fileRanking';
import { isAboutTestsOrDocs, isTestOrDocPath } from '../../../src/core/search/fileKinds';
import { analyzeQuery } from '../../../src/core/search/queryAnalysis';
import { keywordTerms, prepareQuery } from '../../../src/core/search/searchFiles';
import { SymbolIndex, noteSearchedPaths, symbolIndexFor } from '../../../src/core/search/symbolIndex';
import { normalizeBm25 } from '../../../src/core/store/scores';
import { keptTerms, searchQueryOf } from '../../../src/core/store/searchText';
import type { CollectionHeader, OutlineRow, SearchHit, VectorStore } from '../../../src/core/store/types';

let n = 0;
function hit(path: string, bm25: number, startLine = 1): SearchHit {
  n++;
  return { id: `id${n}`, path, startLine, endLine: startLine + 9, chunkIndex: 0, totalChunks: 1, language: 'python', text: `text ${n}`, score: normalizeBm25(bm25) };
}
function row(path: string, section: string, startLine = 1): OutlineRow {
  n++;
  return { id: `row${n}`, path, startLine, endLine: startLine + 20, language: 'python', section };
}
const paths = (files: ReadonlyArray<{ path: string }>): string[] => files.map((f) => f.path);

describe('file ranking', () => {
  it("a file's best chunk counts, not how many chunks it has; evidence is its best chunks", () => {
    const q = 'where is the cache evicted';
    const keyword = [hit('a/cache.py', 20, 40), hit('b/long.py', 12), hit('b/long.py', 11), hit('b/long.py', 11), hit('b/long.py', 10), hit('a/cache.py', 5, 90)];
    const files = rankFiles({ keyword, analysis: analyzeQuery(q), query: q }, 5);
    assert.deepEqual(paths(files), ['a/cache.py', 'b/long.py']);
    assert.deepEqual(files[0].chunks.map((c) => c.startLine), [40, 90]);
    assert.equal(files[1].chunks.length, RANKING.evidence);
  });

  it('a name of the query defined in a file lifts it, more when few files define it', () => {
    const symbols = new SymbolIndex([
      row('pkg/perm.py', 'Permutation Permutation.__init__'),
      row('pkg/cycle.py', 'Cycle Cycle.__init__'),
      row('pkg/other.py', 'Other Other.__init__'),
      row('pkg/mentions.py', ''),
    ]);
    const q = '`Permutation` constructor fails with non-disjoint cycles\nCalling `Permutation([[0,1],[0,1]])` raises a `ValueError`.';
    const keyword = [hit('pkg/mentions.py', 30), hit('pkg/perm.py', 15)];
    const files = rankFiles({ keyword, analysis: analyzeQuery(q), query: q, symbols }, 5);
    assert.equal(files[0].path, 'pkg/perm.py');
    assert.deepEqual(files[0].defines.map((d) => d.qualified), ['Permutation']);
    const common = rankFiles({ keyword: [], analysis: analyzeQuery('`__init__` is slow\nthe `__init__` of everything'), query: '', symbols }, 5);
    const rare = rankFiles({ keyword: [], analysis: analyzeQuery('`Permutation` is slow\nthe `Permutation` class'), query: '', symbols }, 5);
    assert.ok(common[0].score < rare[0].score, 'a name three files define says less than one only one defines');
  });

  it('a path or module the query names is lifted above a better keyword match', () => {
    const symbols = new SymbolIndex([row('src/pkg/assertion/rewrite.py', 'rewrite'), row('src/pkg/main.py', 'main')]);
    const q = 'crash in pkg.assertion.rewrite when a file starts with a number\n```\nimport pkg\n```';
    const files = rankFiles({ keyword: [hit('src/pkg/main.py', 9), hit('src/pkg/assertion/rewrite.py', 5)], analysis: analyzeQuery(q), query: q, symbols }, 5);
    assert.equal(files[0].path, 'src/pkg/assertion/rewrite.py');
    assert.equal(files[0].named, true);
    const traced = 'boom\n  File "/home/u/venv/lib/site-packages/pkg/main.py", line 3, in main\n';
    const viaPath = rankFiles({ keyword: [hit('src/pkg/assertion/rewrite.py', 9), hit('src/pkg/main.py', 2)], analysis: analyzeQuery(traced), query: traced, symbols }, 5);
    assert.equal(viaPath[0].path, 'src/pkg/main.py');
  });

  it('tests and docs count for less unless the question is about them', () => {
    const keyword = [hit('tests/test_cache.py', 20), hit('docs/cache.rst', 19), hit('lib/cache.py', 12)];
    const report = 'Cache never expires\nAfter `set_ttl(5)` the entry stays. Steps: ...\n```\ncache.set_ttl(5)\n```';
    assert.equal(rankFiles({ keyword, analysis: analyzeQuery(report), query: report }, 3)[0].path, 'lib/cache.py');
    const about = 'which tests cover the cache';
    assert.equal(rankFiles({ keyword, analysis: analyzeQuery(about), query: about }, 3)[0].path, 'tests/test_cache.py');
    assert.ok(isTestOrDocPath('pkg/tests/test_a.py') && isTestOrDocPath('src/a.spec.ts') && isTestOrDocPath('README.md') && isTestOrDocPath('conftest.py'));
    assert.ok(!isTestOrDocPath('src/_pytest/assertion/rewrite.py') && !isTestOrDocPath('lib/testing_utils_impl/x.py'.replace('testing_utils_impl', 'core')));
    assert.equal(isAboutTestsOrDocs('Typo in the documentation of foo\nlong text ' + 'x '.repeat(300), analyzeQuery('Typo in the documentation of foo\nlong text ' + 'x '.repeat(300))), true);
  });

  it('dense hits add to keyword hits; files outside the scope are left out', () => {
    const dense = [hit('a.py', 0), hit('b.py', 0), hit('c/d.py', 0)].map((h, i) => ({ ...h, score: 0.9 - i * 0.1 }));
    const q = 'open the socket';
    const files = rankFiles({ keyword: [hit('b.py', 10)], dense, analysis: analyzeQuery(q), query: q, accept: (p) => !p.startsWith('c/') }, 5);
    assert.deepEqual(paths(files), ['b.py', 'a.py']);
  });
});

describe('symbol index', () => {
  const index = new SymbolIndex([
    row('pkg/matrices/matrices.py', 'MatrixProperties MatrixProperties.is_upper', 10),
    row('pkg/matrices/matrices.py', '(in MatrixProperties.is_upper)', 40),
    row('pkg/matrices/sparse.py', 'SparseMatrix.is_upper'),
    row('docs/guide.md', 'Guide › is_upper'),
    row('pkg/printing/latex.py', 'LatexPrinter LatexPrinter._print_Mul latex'),
  ]);

  it('finds definitions by name, by qualified tail and by module path; not continuation or prose rows', () => {
    assert.deepEqual(index.find('is_upper').map((d) => d.path).sort(), ['pkg/matrices/matrices.py', 'pkg/matrices/sparse.py']);
    assert.deepEqual(index.find('SparseMatrix.is_upper').map((d) => d.qualified), ['SparseMatrix.is_upper']);
    assert.deepEqual(index.find('printing.latex.LatexPrinter').map((d) => d.qualified), ['LatexPrinter']);
    assert.deepEqual(index.find('latex').map((d) => `${d.path}:${d.startLine}`), ['pkg/printing/latex.py:1'.replace(':1', `:${index.find('latex')[0].startLine}`)]);
    assert.deepEqual(index.find('IS_UPPER').length, 2, 'another case only when nothing matches exactly');
    assert.deepEqual(index.find('Nope.is_upper'), []);
    assert.equal(index.files.length, 4);
  });
});

describe('sections of documents', () => {
  it('a page, slide or sheet is never a definition, and a ranked document is still cited by its page', () => {
    const index = new SymbolIndex([
      row('specs/spec.pdf', 'Page 12 › Scope', 30),
      row('deck.pptx', 'Slide 3 › Roadmap'),
      row('book.xlsx', 'Sheet 2 › Budget'),
      row('src/scope.py', 'Scope Scope.resolve'),
    ]);
    assert.deepEqual(index.find('Scope').map((d) => d.path), ['src/scope.py']);
    assert.deepEqual(index.find('Roadmap'), []);
    assert.deepEqual(index.find('Budget'), []);
    assert.equal(index.files.length, 4, 'documents are still files a query can name');
    const q = 'What does `Scope` say about the roadmap?';
    const page = { ...hit('specs/spec.pdf', 20, 30), section: 'Page 12 › Scope' };
    const files = rankFiles({ keyword: [page, hit('src/scope.py', 10)], analysis: analyzeQuery(q), query: q, symbols: index }, 5);
    const pdf = files.find((f) => f.path === 'specs/spec.pdf');
    assert.deepEqual(pdf?.defines, []);
    assert.equal(pdf && citationOf(pdf.chunks[0]), 'specs/spec.pdf p.12');
    const code = files.find((f) => f.path === 'src/scope.py');
    assert.deepEqual(code?.defines.map((d) => d.qualified), ['Scope']);
    assert.equal(code && citationOf(code.chunks[0]), 'src/scope.py:1-10');
  });
});

describe('words every path has', () => {
  const files = Array.from({ length: 12 }, (_, i) => row(`mypkg/sub${i % 3}/mod${i}.py`, ''));
  const index = new SymbolIndex([...files, row('README.md', '')]);
  /** The BM25 query the store sends for `q` (identifier parts added, then the terms search keeps). */
  const sent = (q: string): string => {
    const prepared = prepareQuery(q);
    return keptTerms(searchQueryOf(prepared.keyword, 'identifiers'), keywordTerms(prepared, index).keepTerm);
  };

  it('are known from the files', () => {
    assert.deepEqual([...index.commonPathWords].sort(), ['mypkg', 'py']);
    assert.equal(new SymbolIndex([row('a/x.py', ''), row('a/y.py', '')]).commonPathWords.size, 0, 'too few files to tell');
  });

  it('are left out of the keyword query, also as parts of identifiers, unless nothing would be left', () => {
    assert.equal(sent('mypkg.sub1.mod3 crashes in MyPkg'), 'sub1 mod3 crashes in sub1 mod3 my pkg');
    assert.equal(sent('mypkg'), 'mypkg');
    assert.deepEqual(keywordTerms(prepareQuery('where is mod3'), new SymbolIndex([])), {}, 'nothing to leave out');
  });

  it("for a report, parts of identifiers its own words would not count are left out too; a question's stay", () => {
    const report = 'is_upper() fails for a 4x2 matrix\n\n```python\n>>> M.is_upper()\nTraceback\n  File "mypkg/sub1/mod3.py", line 9, in is_upper\nIndexError: x_1 out of range\n```';
    const terms = sent(report).split(' ');
    for (const gone of ['is', 'x', '1', 'mypkg', 'py']) {
      assert.ok(!terms.includes(gone), `"${gone}" should be left out: ${terms.join(' ')}`);
    }
    for (const kept of ['is_upper', 'upper', 'x_1', 'indexerror', 'mod3']) {
      assert.ok(terms.map((t) => t.toLowerCase()).includes(kept), `"${kept}" should stay: ${terms.join(' ')}`);
    }
    assert.equal(sent('what is is_upper'), 'what is is_upper is upper', 'a short question is searched as typed');
  });
});

describe('the definitions index of a collection', () => {
  /** A store whose outline is `rows` (only what symbolIndexFor reads), counting its reads. */
  const storeOf = (rows: OutlineRow[]): { store: VectorStore; reads: () => number } => {
    let reads = 0;
    const store = { outline: () => (reads++, Promise.resolve([...rows])) } as unknown as VectorStore;
    return { store, reads: () => reads };
  };
  const header: CollectionHeader = { name: 'c', description: '', embedding: null, metadata: {}, generation: 'g1' };

  it('is read once per generation, and again when a search meets files it has not seen', async () => {
    const rows = [row('a/one.py', 'One')];
    const { store, reads } = storeOf(rows);
    const first = await symbolIndexFor(store, header, { refreshMs: 0 });
    assert.deepEqual(first?.files, ['a/one.py']);
    await symbolIndexFor(store, header, { refreshMs: 0 });
    noteSearchedPaths(store, header, ['a/one.py']);
    await symbolIndexFor(store, header, { refreshMs: 0 });
    assert.equal(reads(), 1, 'same generation, no unseen file: no new read');

    rows.push(row('a/two.py', 'Two'));
    noteSearchedPaths(store, header, ['a/one.py', 'a/two.py']);
    const meanwhile = await symbolIndexFor(store, header, { refreshMs: 0 });
    assert.equal(meanwhile, first, 'the index it has serves while the new one is read');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual((await symbolIndexFor(store, header, { refreshMs: 0 }))?.find('Two').map((d) => d.path), ['a/two.py']);
    assert.equal(reads(), 2);

    await symbolIndexFor(store, { ...header, generation: 'g2' }, { refreshMs: 0 });
    assert.equal(reads(), 3, 'a new generation is read again');
  });
});
