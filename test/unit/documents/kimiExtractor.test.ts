import { strict as assert } from 'node:assert';
import { KimiExtractor, textOf } from '../../../src/core/documents/kimiExtractor';
import { DocumentError } from '../../../src/core/documents/types';
import { KimiFiles } from '../../../src/core/kimi/kimiFiles';
import { type FakeKimi, startFakeKimi } from '../../fakes/kimiServer';
import { makePdf } from '../../support/documentFiles';

describe("documents: Kimi's file-extract", function () {
  this.timeout(30_000);
  let kimi: FakeKimi;
  const files = (extra: { deadlines?: { totalMs: number } } = {}): KimiFiles =>
    new KimiFiles({ apiKey: 'sk-test', baseUrl: kimi.baseUrl, model: 'kimi-k2.5', ...extra }, { retry: { maxRetries: 0 } });

  beforeEach(async () => {
    kimi = await startFakeKimi({ apiKey: 'sk-test', files: { failExtraction: /^unreadable/, maxFileBytes: 4096 } });
  });
  afterEach(() => kimi.close());

  it('uploads with purpose file-extract, reads the pages, and deletes the upload', async () => {
    const doc = await new KimiExtractor(files()).extract(makePdf([['alpha page'], ['beta page']]), 'docs/two.pdf');
    assert.equal(doc.extractor, 'kimi');
    assert.deepEqual(doc.parts.map((p) => [p.kind, p.number, p.text]), [['page', 1, 'alpha page'], ['page', 2, 'beta page']]);
    assert.deepEqual(kimi.files.uploads.map((u) => u.filename), ['two.pdf'], 'the upload is named by the file name, not the path');
    assert.equal(kimi.files.stored.size, 0);
    const paths = kimi.requests.map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(paths, ['POST /v1/files', 'GET /v1/files/file-fake-1/content', 'DELETE /v1/files/file-fake-1']);
  });

  it('asks before uploading; a refusal uploads nothing', async () => {
    const asked: string[] = [];
    const extractor = new KimiExtractor(files(), {
      confirmUpload: async (name) => {
        asked.push(name);
        return false;
      },
    });
    await assert.rejects(extractor.extract(makePdf([['x']]), 'private.pdf'), (e: unknown) => e instanceof DocumentError && e.code === 'declined' && e.transient);
    assert.deepEqual(asked, ['private.pdf']);
    assert.equal(kimi.files.uploads.length, 0);
  });

  it("an extraction Kimi fails is reported, and the upload is still deleted", async () => {
    await assert.rejects(
      new KimiExtractor(files()).extract(makePdf([['x']]), 'unreadable.pdf'),
      (e: unknown) => e instanceof DocumentError && e.code === 'corrupt' && /Kimi could not extract unreadable\.pdf: failed to parse/.test(e.message),
    );
    assert.equal(kimi.files.uploads.length, 1);
    assert.equal(kimi.files.stored.size, 0);
  });

  it("respects Kimi's size limit before uploading, and reports its own refusals", async () => {
    const big = new Uint8Array(200 * 1024 * 1024);
    await assert.rejects(new KimiExtractor(files()).extract(big, 'huge.pdf'), (e: unknown) => e instanceof DocumentError && e.code === 'too-large' && /100 MB/.test(e.message));
    assert.equal(kimi.files.uploads.length, 0);
    // The fake's limit here is 4 KB: Kimi's own 400 comes back in words.
    await assert.rejects(
      new KimiExtractor(files()).extract(makePdf([['x'.repeat(5000)]]), 'large.pdf'),
      (e: unknown) => e instanceof DocumentError && e.code === 'kimi-failed' && /File size is too large/.test(e.message),
    );
  });

  it('a read that takes too long fails as a transient error, and the upload is deleted', async () => {
    await kimi.close();
    kimi = await startFakeKimi({ apiKey: 'sk-test', files: { contentDelayMs: 2_000 } });
    const slow = files({ deadlines: { totalMs: 200 } });
    await assert.rejects(new KimiExtractor(slow).extract(makePdf([['x']]), 'slow.pdf'), (e: unknown) => e instanceof DocumentError && e.code === 'kimi-failed' && e.transient);
    const deadline = Date.now() + 5_000;
    while (kimi.files.stored.size > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(kimi.files.stored.size, 0);
  });

  it("takes the text from Kimi's JSON document, or the raw answer", () => {
    assert.equal(textOf(JSON.stringify({ content: 'hello', file_type: 'application/pdf', filename: 'a.pdf', title: '', type: 'file' })), 'hello');
    assert.equal(textOf('plain text'), 'plain text');
    assert.equal(textOf('"quoted"'), 'quoted');
  });
});
