import { strict as assert } from 'node:assert';
import * as iconv from 'iconv-lite';
import { decodeText, isBinary } from '../../../src/core/indexing/decode';

describe('decodeText', () => {
  it('reads UTF-8', () => {
    const r = decodeText(Buffer.from('héllo 你好', 'utf8'));
    assert.deepEqual(r, { text: 'héllo 你好', encoding: 'utf-8' });
  });

  it('strips a UTF-8 BOM and says so', () => {
    const r = decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('# Title\n', 'utf8')]));
    assert.deepEqual(r, { text: '# Title\n', encoding: 'utf-8-bom' });
  });

  it('falls back to GB18030 for GBK bytes (as the seed did)', () => {
    const text = '向量数据库检索增强生成。这是一个测试！';
    const r = decodeText(iconv.encode(text, 'gbk'));
    assert.deepEqual(r, { text, encoding: 'gb18030' });
  });

  it('falls back to Latin-1 when neither UTF-8 nor GB18030 fits', () => {
    // 0xE9 at the end is an incomplete GB18030 lead byte and invalid UTF-8.
    const r = decodeText(Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    assert.deepEqual(r, { text: 'café', encoding: 'latin1' });
  });

  it('decodes an empty file as empty UTF-8', () => {
    assert.deepEqual(decodeText(new Uint8Array()), { text: '', encoding: 'utf-8' });
  });
});

describe('isBinary', () => {
  it('is true with a NUL byte in the first 8 KB', () => {
    assert.equal(isBinary(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01])), true);
  });

  it('is false for text, and ignores NULs after 8 KB', () => {
    assert.equal(isBinary(Buffer.from('plain text\n')), false);
    const late = Buffer.alloc(9000, 0x61);
    late[8500] = 0;
    assert.equal(isBinary(late), false);
  });
});
