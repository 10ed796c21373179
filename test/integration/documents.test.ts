/**
 * Documents made here (a PDF and a DOCX written by test/support/documentFiles.ts) go into a real
 * Milvus Lite collection the way Add File to Collection and upload_file_to_collection put them
 * there (Indexer.indexFile), read by either extractor: on this machine, or by the fake Kimi's
 * file-extract, whose upload must be gone afterwards. Search then finds them and cites the page.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createToolRegistry } from '../../src/core/agent/tools';
import { citationOf } from '../../src/core/documents/citation';
import { KimiExtractor } from '../../src/core/documents/kimiExtractor';
import { LocalExtractor } from '../../src/core/documents/localExtractor';
import type { DocumentExtractor } from '../../src/core/documents/types';
import { createEmbedder } from '../../src/core/embedding/factory';
import type { Embedder } from '../../src/core/embedding/embedder';
import { Indexer } from '../../src/core/indexing/indexer';
import { KimiFiles } from '../../src/core/kimi/kimiFiles';
import type { VectorStore } from '../../src/core/store/types';
import { type FakeKimi, startFakeKimi } from '../fakes/kimiServer';
import { makeDocx, makePdf } from '../support/documentFiles';
import { getTestStore, uniqueCollectionName } from './milvusEnv';

const SPEC_PAGES = [
  ['Widget protocol specification', 'Version 2, for integrators.'],
  ['Chapter 2: Transport', 'Every frame starts with a magic number.'],
  ['Chapter 3: Failure handling', 'The retry budget of the uploader is seven attempts with backoff.'],
];
const HANDBOOK = ['Team handbook', 'Holidays are announced in January.', { pageBreak: true } as const, 'On-call rotation: the pager moves every Tuesday at noon.'];

describe('Documents in collections (real Milvus Lite)', function () {
  this.timeout(300_000);
  let store: VectorStore;
  let embedder: Embedder;
  let kimi: FakeKimi;
  let dir: string;
  const created: string[] = [];
  const config = { include: [], exclude: [], maxFileSizeKb: 64 };

  const collection = (prefix: string): string => {
    const name = uniqueCollectionName(prefix);
    created.push(name);
    return name;
  };
  const kimiExtractor = (confirm?: () => Promise<boolean>): KimiExtractor =>
    new KimiExtractor(new KimiFiles({ apiKey: 'sk-test', baseUrl: kimi.baseUrl, model: 'kimi-k2.5' }, { retry: { baseDelayMs: 1, maxDelayMs: 5 } }), {
      ...(confirm ? { confirmUpload: confirm } : {}),
    });
  const indexer = (documents: DocumentExtractor): Indexer => new Indexer({ store, embedder, config, documents });

  before(async () => {
    store = await getTestStore();
    embedder = createEmbedder({ provider: 'none', baseUrl: undefined, apiKey: undefined, model: '', dimensions: 2 });
    kimi = await startFakeKimi({ apiKey: 'sk-test' });
    dir = mkdtempSync(path.join(os.tmpdir(), 'kimi-docs-'));
    writeFileSync(path.join(dir, 'spec.pdf'), makePdf(SPEC_PAGES));
    writeFileSync(path.join(dir, 'handbook.docx'), makeDocx(HANDBOOK));
    writeFileSync(path.join(dir, 'locked.pdf'), makePdf([['secret plans']], { encrypted: true }));
    writeFileSync(path.join(dir, 'scan.pdf'), makePdf([[], []]));
  });
  after(async () => {
    for (const name of created) {
      await store.dropCollection(name).catch(() => undefined);
    }
    await kimi.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function searchCitation(name: string, query: string): Promise<string> {
    const [hit] = await store.search(name, query, { limit: 1 });
    assert.ok(hit, `no hit for "${query}"`);
    return citationOf(hit);
  }

  for (const which of ['local', 'kimi'] as const) {
    it(`${which}: a PDF and a DOCX are searchable after Add File to Collection, cited by page`, async () => {
      const name = collection(`docs_${which}`);
      const ix = indexer(which === 'local' ? new LocalExtractor() : kimiExtractor());
      const uploadsBefore = kimi.files.uploads.length;
      const pdf = await ix.indexFile(path.join(dir, 'spec.pdf'), name, dir);
      const docx = await ix.indexFile(path.join(dir, 'handbook.docx'), name, dir);
      assert.equal(pdf.skipped, undefined, pdf.detail);
      assert.equal(docx.skipped, undefined, docx.detail);
      assert.ok(pdf.chunks >= 3, `${pdf.chunks} chunks`);
      assert.equal(await searchCitation(name, 'retry budget uploader attempts'), 'spec.pdf p.3');
      // Kimi's text marks no page breaks for Word files: its chunks are cited by the lines of the text.
      const handbook = await searchCitation(name, 'pager on-call rotation Tuesday');
      if (which === 'local') {
        assert.equal(handbook, 'handbook.docx p.2');
      } else {
        assert.match(handbook, /^handbook\.docx:\d+-\d+$/);
      }
      const uploads = kimi.files.uploads.slice(uploadsBefore);
      if (which === 'kimi') {
        assert.deepEqual(uploads.map((u) => u.filename), ['spec.pdf', 'handbook.docx']);
        assert.deepEqual(uploads.map((u) => u.purpose), ['file-extract', 'file-extract']);
        // Deleted once read: nothing stays on Moonshot's side.
        assert.equal(kimi.files.stored.size, 0);
        assert.ok(uploads.every((u) => kimi.files.deleted.includes(u.id)));
      } else {
        assert.deepEqual(uploads, [], 'local extraction uploads nothing');
      }
    });
  }

  it('kimi: an unchanged document is not uploaded again; a changed one is', async () => {
    const name = collection('docs_again');
    const ix = indexer(kimiExtractor());
    await ix.indexFile(path.join(dir, 'spec.pdf'), name, dir);
    const before = kimi.files.uploads.length;
    const again = await ix.indexFile(path.join(dir, 'spec.pdf'), name, dir);
    assert.equal(kimi.files.uploads.length, before);
    assert.equal(again.embedded, 0);
    assert.ok(again.chunks >= 3);
    const changed = path.join(dir, 'spec2.pdf');
    writeFileSync(changed, makePdf([...SPEC_PAGES, ['Appendix: glossary of frame types']]));
    await ix.indexFile(changed, name, dir);
    assert.equal(kimi.files.uploads.length, before + 1);
  });

  it('search_workspace ranks a document as a file cited by its page; find_symbol reads no definitions from its pages', async () => {
    const name = collection('docs_tools');
    const ix = indexer(new LocalExtractor());
    await ix.indexFile(path.join(dir, 'spec.pdf'), name, dir);
    writeFileSync(path.join(dir, 'transport.py'), 'class Transport:\n    def frame(self):\n        return MAGIC\n');
    await ix.indexFile(path.join(dir, 'transport.py'), name, dir);
    const tools = createToolRegistry({ store, embedder, indexer: ix, workspaceFolders: [dir], collectionFor: () => name, trusted: true });
    const search = await tools.execute('search_workspace', JSON.stringify({ query: 'retry budget of the uploader' }));
    const found = JSON.parse(search.content) as { results: Array<{ path: string; citation: string; why?: string[] }> };
    assert.equal(found.results[0]?.citation, 'spec.pdf p.3', search.content);
    assert.equal(found.results[0]?.why, undefined, 'a page is not a definition');
    assert.deepEqual(search.sources?.[0], { path: 'spec.pdf', startLine: search.sources?.[0]?.startLine, endLine: search.sources?.[0]?.endLine, root: dir, locator: 'p.3' });
    // "Chapter 2: Transport" is a page's title, not a definition; the class is.
    const symbol = JSON.parse((await tools.execute('find_symbol', JSON.stringify({ name: 'Transport' }))).content) as { results: Array<{ path: string }> };
    assert.deepEqual(symbol.results.map((r) => r.path), ['transport.py']);
    assert.deepEqual(JSON.parse((await tools.execute('find_symbol', JSON.stringify({ name: 'Chapter' }))).content).results, []);
  });

  it('bad documents are refused with a clear reason, and a failed extraction keeps what was indexed', async () => {
    const name = collection('docs_bad');
    const local = indexer(new LocalExtractor());
    const locked = await local.indexFile(path.join(dir, 'locked.pdf'), name, dir);
    assert.equal(locked.skipped, 'encrypted');
    assert.match(locked.detail ?? '', /password/);
    const scan = await local.indexFile(path.join(dir, 'scan.pdf'), name, dir);
    assert.equal(scan.skipped, 'no-text');
    assert.match(scan.detail ?? '', /scanned/);

    await local.indexFile(path.join(dir, 'spec.pdf'), name, dir);
    const rows = (await store.queryByPath(name, 'spec.pdf')).length;
    assert.ok(rows >= 3);
    // Now the file changed, and Kimi is not allowed to see it: the old rows stay, the reason is given.
    writeFileSync(path.join(dir, 'spec.pdf'), makePdf([...SPEC_PAGES, ['New page']]));
    try {
      const declined = await indexer(kimiExtractor(async () => false)).indexFile(path.join(dir, 'spec.pdf'), name, dir);
      assert.equal(declined.skipped, 'extract-failed');
      assert.match(declined.detail ?? '', /not uploaded/);
      assert.equal((await store.queryByPath(name, 'spec.pdf')).length, rows);
    } finally {
      writeFileSync(path.join(dir, 'spec.pdf'), makePdf(SPEC_PAGES));
    }
  });
});
