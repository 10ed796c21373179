import { strict as assert } from 'node:assert';
import { documentChunks, documentText } from '../../../src/core/documents/documentChunks';
import { LocalExtractor } from '../../../src/core/documents/localExtractor';
import { formatLocator, locatorOfSection, parseLocator } from '../../../src/core/documents/locator';
import { DocumentError, type DocumentErrorCode } from '../../../src/core/documents/types';
import { makeDocx, makeEpub, makePdf, makePptx, makeXlsx, makeZip } from '../../support/documentFiles';

const extractor = new LocalExtractor(20_000);

async function failure(bytes: Uint8Array, name: string): Promise<DocumentError> {
  try {
    await extractor.extract(bytes, name);
  } catch (err) {
    assert.ok(err instanceof DocumentError, `expected a DocumentError, got ${String(err)}`);
    return err;
  }
  assert.fail(`${name} was read`);
}

describe('documents: the local extractor', function () {
  this.timeout(60_000);

  it('reads a PDF page by page, keeping lines, an empty page empty', async () => {
    const doc = await extractor.extract(makePdf([['Title of the spec', 'The retry budget is (3) attempts.'], [], ['Page three says hello']]), 'spec.pdf');
    assert.equal(doc.format, 'pdf');
    assert.deepEqual(
      doc.parts.map((p) => [p.kind, p.number, p.text]),
      [
        ['page', 1, 'Title of the spec\nThe retry budget is (3) attempts.'],
        ['page', 2, ''],
        ['page', 3, 'Page three says hello'],
      ],
    );
  });

  it('reads a DOCX: paragraphs, escaped characters, and pages where Word broke them', async () => {
    const paged = await extractor.extract(makeDocx(['First para', 'Fish & <chips>', { pageBreak: true }, 'Second page text']), 'notes.docx');
    assert.deepEqual(
      paged.parts.map((p) => [p.kind, p.number, p.text]),
      [
        ['page', 1, 'First para\n\nFish & <chips>'],
        ['page', 2, 'Second page text'],
      ],
    );
    const flat = await extractor.extract(makeDocx(['Only paragraph']), 'flat.docx');
    assert.deepEqual(flat.parts, [{ text: 'Only paragraph' }]);
  });

  it('reads PPTX slides in presentation order with their titles, XLSX sheets with their names, EPUB chapters in spine order', async () => {
    const deck = await extractor.extract(makePptx([{ title: 'Intro', body: ['hello'] }, { title: 'Roadmap', body: ['Q3: ship documents'] }]), 'deck.pptx');
    assert.deepEqual(deck.parts.map((p) => [p.kind, p.number, p.title]), [['slide', 1, 'Intro'], ['slide', 2, 'Roadmap']]);
    assert.match(deck.parts[1]?.text ?? '', /Q3: ship documents/);
    const book = await extractor.extract(makeXlsx([{ name: 'Budget', rows: [['Item', 'Cost'], ['GPU', 1200]] }, { name: 'Plan', rows: [['ship', 'it']] }]), 'book.xlsx');
    assert.deepEqual(book.parts.map((p) => [p.kind, p.number, p.title, p.text]), [['sheet', 1, 'Budget', 'Item\tCost\n\nGPU\t1200'], ['sheet', 2, 'Plan', 'ship\tit']]);
    const epub = await extractor.extract(makeEpub([{ title: 'One', paragraphs: ['It was a dark night.'] }, { title: 'Two', paragraphs: ['Morning came.'] }]), 'novel.epub');
    assert.deepEqual(epub.parts.map((p) => p.title), ['One', 'Two']);
    assert.ok(!epub.parts.some((p) => p.text.includes('hidden')), 'scripts are not text');
    assert.match(epub.parts[1]?.text ?? '', /Morning came\./);
  });

  const bad: Array<[string, () => Uint8Array, string, DocumentErrorCode, RegExp]> = [
    ['a password-protected PDF', () => makePdf([['secret']], { encrypted: true }), 'locked.pdf', 'encrypted', /password/],
    ['a PDF without text (a scan)', () => makePdf([[], []]), 'scan.pdf', 'no-text', /no text.*scanned.*Kimi/s],
    ['a broken PDF', () => Buffer.from('%PDF-1.4\nnot really'), 'broken.pdf', 'corrupt', /not a readable PDF/],
    ['a DOCX that is no zip', () => Buffer.from('just text'), 'fake.docx', 'corrupt', /not a readable document/],
    ['a zip without a Word body', () => makeZip([{ name: 'hello.txt', data: 'hi' }]), 'empty.docx', 'corrupt', /word\/document\.xml/],
  ];
  for (const [what, make, name, code, message] of bad) {
    it(`refuses ${what} with a clear error (${code})`, async () => {
      const err = await failure(make(), name);
      assert.equal(err.code, code);
      assert.match(err.message, message);
      assert.match(err.message, new RegExp(name.replace('.', '\\.')));
    });
  }

  it('stops an extraction at its deadline', async () => {
    const slow = new LocalExtractor(1);
    const pages = Array.from({ length: 400 }, (_, i) => [`page ${i} text`]);
    await assert.rejects(slow.extract(makePdf(pages), 'long.pdf'), (err: unknown) => err instanceof DocumentError && err.code === 'timeout' && /took/.test(err.message));
  });
});

describe('documents: chunks, text view and locators', () => {
  const doc = {
    format: 'pdf' as const,
    extractor: 'local' as const,
    parts: [
      { kind: 'page' as const, number: 1, text: 'Intro line\n\nSecond paragraph' },
      { kind: 'page' as const, number: 2, text: '' },
      { kind: 'page' as const, number: 3, text: 'Retries: three attempts.' },
    ],
  };

  it('chunks each page on its own; a chunk sits at its lines of the text view and carries its page', () => {
    const view = documentText(doc).text.split('\n');
    const chunks = documentChunks(doc, { chunkSize: 500 });
    assert.deepEqual(chunks.map((c) => c.section), ['Page 1', 'Page 3']);
    for (const c of chunks) {
      assert.equal(view.slice(c.startLine - 1, c.endLine).join('\n'), c.content);
      assert.equal(c.language, 'pdf');
    }
    assert.equal(view[(chunks[1]?.startLine ?? 0) - 3], '──── Page 3 ────');
  });

  it('writes and reads locators', () => {
    assert.deepEqual(locatorOfSection('Slide 3 › Roadmap'), { kind: 'slide', number: 3 });
    assert.equal(locatorOfSection('Errors › Rate limits'), undefined);
    assert.equal(formatLocator({ kind: 'page', number: 12 }), 'p.12');
    assert.deepEqual(parseLocator('sheet 2'), { kind: 'sheet', number: 2 });
    assert.deepEqual(parseLocator('page 4'), { kind: 'page', number: 4 });
    assert.equal(parseLocator('p.0'), undefined);
  });
});
