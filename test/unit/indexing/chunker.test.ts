import { strict as assert } from 'node:assert';
import { type Chunk, chunkDocument, languageOf } from '../../../src/core/indexing/chunker';

/** The chunk's content really sits at its line range: starts in startLine, ends in endLine. */
function assertAtLines(file: string, c: Chunk): void {
  const lines = file.split('\n');
  const contentLines = c.content.split('\n');
  assert.equal(contentLines.length, c.endLine - c.startLine + 1, `line count of chunk ${c.index}`);
  if (contentLines.length === 1) {
    assert.ok(lines[c.startLine - 1].includes(c.content), `chunk ${c.index} is in line ${c.startLine}`);
    return;
  }
  assert.ok(lines[c.startLine - 1].endsWith(contentLines[0]), `chunk ${c.index} starts in line ${c.startLine}`);
  assert.ok(lines[c.endLine - 1].startsWith(contentLines[contentLines.length - 1]), `chunk ${c.index} ends in line ${c.endLine}`);
  for (let k = 1; k < contentLines.length - 1; k++) {
    assert.equal(contentLines[k], lines[c.startLine - 1 + k]);
  }
}

function assertWellFormed(file: string, path: string, chunks: Chunk[]): void {
  chunks.forEach((c, i) => {
    assert.equal(c.index, i);
    assert.equal(c.total, chunks.length);
    assert.ok(c.content.trim().length > 0);
    assertAtLines(file, c);
  });
}

const PROSE_PARAGRAPH =
  'Milvus is a vector database. It stores embeddings and searches them fast! Does it support BM25? Yes, since 2.5. ' +
  '向量数据库用于检索增强生成。它支持全文检索！真的吗？是的。 ';

describe('chunkDocument: prose', () => {
  it('packs short paragraphs up to the chunk size, as the seed does', () => {
    const file = ['First paragraph.', '', 'Second paragraph.', '', 'Third paragraph.'].join('\n');
    const chunks = chunkDocument(file, 'notes.txt');
    assert.equal(chunks.length, 1);
    assert.equal(chunks[0].content, file);
    assert.equal(chunks[0].startLine, 1);
    assert.equal(chunks[0].endLine, 5);
    assert.equal(chunks[0].language, 'text');
  });

  it('splits long paragraphs at sentence ends (。！？ too) and keeps the original punctuation', () => {
    const long = PROSE_PARAGRAPH.repeat(6).trim();
    const file = `Intro line.\n\n${long}\n\nOutro line.\n`;
    const chunks = chunkDocument(file, 'doc.txt', { chunkSize: 200, overlap: 0 });
    assert.ok(chunks.length >= 4, `got ${chunks.length}`);
    assertWellFormed(file, 'doc.txt', chunks);
    for (const c of chunks) {
      assert.ok(c.content.length <= 200, `chunk ${c.index} has ${c.content.length} chars`);
      assert.ok(!c.content.includes('。。'), 'no invented terminators');
    }
    const middle = chunks.slice(1, -1);
    assert.ok(middle.every((c) => /[.!?。！？]$/.test(c.content)), 'inner chunks end at a sentence end');
    const all = chunks.map((c) => c.content).join(' ');
    assert.ok(all.includes('Does it support BM25?') && all.includes('它支持全文检索！') && all.includes('真的吗？'));
  });

  it('carries ~50 characters of overlap from the previous chunk, starting at a word', () => {
    const file = Array.from({ length: 12 }, (_, i) => `Paragraph ${i} talks about topic number ${i} in some detail here.`).join('\n\n');
    const chunks = chunkDocument(file, 'a.md');
    assert.ok(chunks.length >= 2);
    assertWellFormed(file, 'a.md', chunks);
    for (let i = 1; i < chunks.length; i++) {
      const prev = chunks[i - 1].content;
      const head = chunks[i].content.slice(0, 20);
      assert.ok(prev.includes(head), `chunk ${i} starts with the tail of chunk ${i - 1}`);
      assert.ok(/^\S/.test(chunks[i].content) && /(^|\s)$/.test(prev.slice(0, prev.indexOf(head))), 'overlap starts at a word');
    }
  });

  it('starts a new chunk at every Markdown heading (outside code fences), without overlap', () => {
    const file = [
      '# Title',
      '',
      'Intro text.',
      '',
      '## Install',
      '',
      'Run the installer.',
      '',
      '```bash',
      '# not a heading',
      'npm install',
      '```',
      '',
      '## Usage',
      '',
      'Call it.',
    ].join('\n');
    const chunks = chunkDocument(file, 'README.md');
    assertWellFormed(file, 'README.md', chunks);
    assert.deepEqual(
      chunks.map((c) => c.content.split('\n')[0]),
      ['# Title', '## Install', '## Usage'],
    );
    assert.deepEqual(
      chunks.map((c) => [c.startLine, c.endLine]),
      [[1, 3], [5, 12], [14, 16]],
    );
    assert.equal(chunks[0].language, 'markdown');
  });

  it('handles CRLF files and gives exact line ranges', () => {
    const file = 'Line one.\r\n\r\nLine two is here.\r\n';
    const chunks = chunkDocument(file, 'crlf.txt', { chunkSize: 20, overlap: 0 });
    assert.deepEqual(chunks.map((c) => [c.startLine, c.endLine]), [[1, 1], [3, 3]]);
  });

  it('cuts a sentence longer than a chunk at spaces (or anywhere, for CJK)', () => {
    const file = 'word '.repeat(300) + '\n\n' + '字'.repeat(700);
    const chunks = chunkDocument(file, 'x.txt', { chunkSize: 100, overlap: 10 });
    assertWellFormed(file, 'x.txt', chunks);
    assert.ok(chunks.every((c) => c.content.length <= 100 + 10 + 2));
  });

  it('has no chunks for a whitespace-only document', () => {
    assert.deepEqual(chunkDocument('  \n\n \t\n', 'empty.md'), []);
    assert.deepEqual(chunkDocument('', 'empty.ts'), []);
  });
});

function tsFile(functions: number, bodyLines: number): string {
  const out = ["import { x } from './x';", "import { y } from './y';", ''];
  for (let f = 0; f < functions; f++) {
    out.push(`/**`, ` * Does thing ${f}.`, ` */`, `export function thing${f}(a: number): number {`);
    for (let b = 0; b < bodyLines; b++) {
      out.push(`  const v${b} = a + ${b}; // step ${b}`);
    }
    out.push('  return a;', '}', '');
  }
  return out.join('\n');
}

describe('chunkDocument: code', () => {
  it('cuts at top-level definitions with their doc comments, within 60 lines', () => {
    const file = tsFile(6, 12);
    const chunks = chunkDocument(file, 'src/things.ts');
    assertWellFormed(file, 'src/things.ts', chunks);
    for (const c of chunks) {
      assert.ok(c.endLine - c.startLine + 1 <= 60);
      const first = c.content.split('\n')[0];
      assert.ok(first === '/**' || first.startsWith('import'), `chunk starts at a definition: ${first}`);
      assert.equal(c.language, 'typescript');
    }
    // Each function (17 lines with its comment) stays whole.
    for (let f = 0; f < 6; f++) {
      assert.equal(chunks.filter((c) => c.content.includes(`function thing${f}(`) && c.content.includes(`step 11`)).length >= 1, true);
    }
  });

  it('covers every non-blank line exactly once', () => {
    const file = tsFile(9, 30);
    const chunks = chunkDocument(file, 'big.ts');
    assertWellFormed(file, 'big.ts', chunks);
    const lines = file.split('\n');
    const seen = new Array<number>(lines.length).fill(0);
    for (const c of chunks) {
      for (let l = c.startLine; l <= c.endLine; l++) {
        seen[l - 1]++;
      }
    }
    lines.forEach((line, i) => {
      if (line.trim() !== '') {
        assert.equal(seen[i], 1, `line ${i + 1} covered once`);
      }
    });
  });

  it('splits a definition too large for one chunk at its inner definitions', () => {
    const methods = Array.from({ length: 8 }, (_, m) =>
      [`    def method_${m}(self):`, ...Array.from({ length: 14 }, (_, k) => `        self.v${k} = ${k}`), '        return self', ''].join('\n'),
    );
    const file = ['class Big:', '    """A big class."""', '', ...methods].join('\n');
    const chunks = chunkDocument(file, 'big.py');
    assertWellFormed(file, 'big.py', chunks);
    assert.ok(chunks.length >= 2);
    for (const c of chunks.slice(1)) {
      assert.match(c.content, /^ {4}def method_\d+\(self\):/, 'inner chunks start at a method');
    }
    assert.equal(chunks[0].content.split('\n')[0], 'class Big:');
  });

  it('falls back to windows for flat code and splits very long lines by characters', () => {
    const flat = Array.from({ length: 150 }, (_, i) => `x${i} = ${i}`).join('\n');
    const chunks = chunkDocument(flat, 'flat.py');
    assertWellFormed(flat, 'flat.py', chunks);
    assert.ok(chunks.every((c) => c.endLine - c.startLine + 1 <= 60));
    const long = `a = "${'z'.repeat(6000)}"\nb = 1\n`;
    const longChunks = chunkDocument(long, 'long.py');
    assert.ok(longChunks.length >= 3);
    assert.ok(longChunks.filter((c) => c.startLine === 1).every((c) => c.endLine === 1 && c.content.length <= 2400));
  });
});

describe('languageOf', () => {
  it('maps extensions and well-known names', () => {
    assert.equal(languageOf('a/b.py'), 'python');
    assert.equal(languageOf('x.TSX'), 'typescriptreact');
    assert.equal(languageOf('README.md'), 'markdown');
    assert.equal(languageOf('Dockerfile'), 'dockerfile');
    assert.equal(languageOf('notes.txt'), 'text');
    assert.equal(languageOf('LICENSE'), 'text');
    assert.equal(languageOf('query.sql'), 'sql');
  });
});

describe('Markdown heading paths', () => {
  const doc = [
    '# Errors',
    '',
    'Intro to errors.',
    '',
    '## Rate limits',
    '',
    'Wait and try again. '.repeat(40).trim(),
    '',
    '```sh',
    '# not a heading',
    '```',
    '',
    '### Retry-After ###',
    '',
    'The header says how long.',
    '',
    '## Quotas',
    '',
    'Monthly.',
  ].join('\n');

  it('gives each chunk the path of headings it sits under, not in its text', () => {
    const chunks = chunkDocument(doc, 'docs/api.md', { chunkSize: 200, overlap: 20 });
    const byText = (needle: string): Chunk => {
      const c = chunks.find((x) => x.content.includes(needle));
      assert.ok(c, needle);
      return c;
    };
    assert.equal(byText('Intro to errors.').section, 'Errors');
    const middle = chunks.filter((c) => c.content.includes('Wait and try again') && !c.content.includes('## Rate limits'));
    assert.ok(middle.length > 0, 'the long section is cut into several chunks');
    for (const c of middle) {
      assert.equal(c.section, 'Errors › Rate limits', 'a chunk from the middle of a section keeps its heading path');
      assert.ok(!c.content.includes('Errors ›'), 'the path is not in the shown text');
    }
    assert.equal(byText('# not a heading').section.includes('not a heading'), false, 'headings inside a code fence are code');
    assert.equal(byText('The header says how long.').section, 'Errors › Rate limits › Retry-After', 'closing #s are not part of the title');
    assert.equal(byText('Monthly.').section, 'Errors › Quotas', 'a heading of the same level closes the previous one');
  });

  it('plain text and code have no section', () => {
    assert.deepEqual(chunkDocument('# not markdown\n\nplain text', 'notes.txt').map((c) => c.section), ['']);
    assert.deepEqual(chunkDocument('# comment\nx = 1\n', 'a.py').map((c) => c.section), ['']);
  });
});
