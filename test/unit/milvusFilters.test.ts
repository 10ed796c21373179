import { strict as assert } from 'node:assert';
import { allOf, idsIn, pathEquals, pathHasExtension, pathStartsWith, quote } from '../../src/core/store/filters';

describe('Milvus filter expressions', () => {
  it('quotes strings with the escapes Milvus (Lite) understands', () => {
    assert.equal(quote('plain'), '"plain"');
    assert.equal(quote('a"b'), '"a\\"b"');
    assert.equal(quote('back\\slash'), '"back\\\\slash"');
    assert.equal(quote("it's"), `"it's"`);
    assert.equal(quote('new\nline\ttab\rcr'), '"new\\nline\\ttab\\rcr"');
    // Non-ASCII passes through: Lite rejects \u escapes.
    assert.equal(quote('naïve-日本語 ✓'), '"naïve-日本語 ✓"');
  });

  it('cannot be broken out of by a hostile path', () => {
    const hostile = 'x" or path != "';
    assert.equal(pathEquals(hostile), 'path == "x\\" or path != \\""');
    const trailing = 'evil\\';
    assert.equal(pathEquals(trailing), 'path == "evil\\\\"');
  });

  it('makes LIKE wildcards in prefixes and extensions literal', () => {
    assert.equal(pathStartsWith('src/'), 'path like "src/%"');
    assert.equal(pathStartsWith('a%b_c'), 'path like "a\\\\%b\\\\_c%"');
    assert.equal(pathHasExtension(['ts', '.md', 'ts', ' ']), '(path like "%.ts" or path like "%.md")');
    assert.equal(pathHasExtension([]), undefined);
    assert.equal(pathHasExtension(['', '.']), undefined);
  });

  it('builds id lists and conjunctions', () => {
    assert.equal(idsIn(['ab', 'c"d']), 'id in ["ab", "c\\"d"]');
    assert.equal(allOf(undefined, ''), undefined);
    assert.equal(allOf('a == 1'), 'a == 1');
    assert.equal(allOf('a == 1', undefined, 'b or c'), '(a == 1) and (b or c)');
  });
});
