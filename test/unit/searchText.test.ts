import { strict as assert } from 'node:assert';
import { chunkInput, expandIdentifiers, identifierParts, searchQueryOf, keptTerms, searchTextOf, truncateUtf8 } from '../../src/core/store/searchText';

/** The words expandIdentifiers appended (the part after the original text). */
function added(text: string): string {
  const out = expandIdentifiers(text);
  assert.ok(out.startsWith(text), 'the original text comes first, unchanged');
  return out.slice(text.length).trim();
}

describe('identifier expansion for BM25', () => {
  it('splits camelCase, PascalCase and acronym runs', () => {
    assert.equal(added('readAndChunkFile'), 'read and chunk file');
    assert.equal(added('HTTPServerError'), 'http server error');
    assert.equal(added('parseJSON'), 'parse json');
    assert.equal(added('utf8Decode'), 'utf8 decode');
    assert.deepEqual(identifierParts('XMLHttpRequest'), ['xml', 'http', 'request']);
  });

  it('splits snake_case, kebab-case, dotted names and paths', () => {
    assert.equal(added('search_documents'), 'search documents');
    assert.equal(added('MAX_BATCH_ROWS'), 'max batch rows');
    assert.equal(added('kimi-milvus'), 'kimi milvus');
    assert.equal(added('config.kimi.apiKey'), 'config kimi api key');
    assert.equal(added('src/core/kimi/retry.ts'), 'src core kimi retry ts');
    assert.equal(added('C:\\work\\fooBar.py'), 'work foo bar py'); // 'C' before the colon is a plain word
  });

  it('adds one group per occurrence and nothing for plain words', () => {
    assert.equal(expandIdentifiers('just plain words here.'), 'just plain words here.');
    assert.equal(expandIdentifiers(''), '');
    assert.equal(added('const x = getUser(id); return getUser(other);'), 'get user get user');
    assert.equal(added('call fooBar, then baz_qux.'), 'foo bar baz qux');
  });

  it('keeps non-ASCII letters and splits only where case changes', () => {
    assert.equal(added('naïveÜberFunktion'), 'naïve über funktion');
    assert.equal(expandIdentifiers('日本語のテキスト'), '日本語のテキスト');
  });

  it('runs in linear time on hostile input', () => {
    const nasty = ['a.'.repeat(200_000), 'A'.repeat(200_000) + 'b', '_-./'.repeat(100_000), 'aB'.repeat(100_000)];
    for (const text of nasty) {
      const t = Date.now();
      expandIdentifiers(text);
      assert.ok(Date.now() - t < 2000, `took ${Date.now() - t} ms on ${text.slice(0, 12)}…`);
    }
  });

  it('truncates on a UTF-8 byte budget without splitting a character', () => {
    assert.equal(truncateUtf8('abc', 10), 'abc');
    assert.equal(truncateUtf8('abcdef', 3), 'abc');
    const s = 'aé日😀';
    for (let max = 0; max <= Buffer.byteLength(s); max++) {
      const cut = truncateUtf8(s, max);
      assert.ok(Buffer.byteLength(cut) <= max, `${max}: ${Buffer.byteLength(cut)} bytes`);
      assert.ok(s.startsWith(cut), `${max}: "${cut}" is a prefix`);
      assert.ok(!cut.includes('\uFFFD'));
    }
    assert.equal(truncateUtf8(s, 5), 'aé');
  });

  it('builds the stored BM25 text from path and text, within the budget', () => {
    const text = 'export function readAndChunkFile() {}';
    const st = searchTextOf('src/a/fileReader.ts', text, 'identifiers', 65_535);
    assert.ok(st.startsWith(chunkInput('src/a/fileReader.ts', text)));
    assert.ok(!/\d+-\d+/.test(st), 'no line numbers in what BM25 reads');
    for (const w of ['read and chunk file', 'file reader']) {
      assert.ok(st.includes(w), `missing "${w}" in ${st}`);
    }
    assert.equal(searchTextOf('p.ts', text, 'raw', 65_535), `p.ts\n${text}`);
    const big = 'é'.repeat(40_000);
    assert.ok(Buffer.byteLength(searchTextOf('x/yZ.ts', big, 'identifiers', 65_535)) <= 65_535);
    assert.equal(searchQueryOf('readAndChunkFile', 'raw'), 'readAndChunkFile');
    assert.equal(searchQueryOf('where is readAndChunkFile', 'identifiers'), 'where is readAndChunkFile\nread and chunk file');
  });
});

describe('chunkInput with a heading path', () => {
  it('puts the section between path and content, and leaves chunks without one as before', () => {
    assert.equal(chunkInput('docs/a.md', 'body', 'Errors › Rate limits'), 'docs/a.md\nErrors › Rate limits\nbody');
    assert.equal(chunkInput('src/a.ts', 'body'), 'src/a.ts\nbody');
    assert.ok(searchTextOf('docs/a.md', 'body', 'raw', 1000, 'Rate limits').includes('Rate limits'));
  });
});

describe('keptTerms', () => {
  it('keeps the terms the predicate accepts, each occurrence (term counts weigh a BM25 query), by their lowercase form', () => {
    const keep = (t: string): boolean => t !== 'py' && t !== 'is';
    assert.equal(keptTerms('Is is_upper in pkg/mod.py?\nis upper pkg mod py', keep), 'is_upper in pkg mod upper pkg mod');
    assert.equal(keptTerms('déjà_vu Ünïcode', (t) => t !== 'ünïcode'), 'déjà_vu');
  });

  it('leaves the query as it is when nothing would be left, or with no predicate', () => {
    assert.equal(keptTerms('is py', () => false), 'is py');
    assert.equal(keptTerms('a.b  c', undefined), 'a.b  c');
  });
});
