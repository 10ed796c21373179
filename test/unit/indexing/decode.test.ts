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

  it('reads GBK bytes as GB18030', () => {
    const text = '向量数据库检索增强生成。这是一个测试！';
    const r = decodeText(iconv.encode(text, 'gbk'));
    assert.deepEqual(r, { text, encoding: 'gb18030' });
  });

  it('reads a short, mostly-ASCII legacy text as Windows-1252', () => {
    // 0xE9 at the end is invalid UTF-8 and an incomplete lead byte in every multi-byte encoding.
    const r = decodeText(Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    assert.deepEqual(r, { text: 'café', encoding: 'windows-1252' });
  });

  // Real encoded files, made by iconv-lite: each must come back as the original text.
  const samples: Array<[string, string, string]> = [
    ['shift_jis', 'shift_jis', '日本語のテキストです'],
    ['shift_jis', 'shift_jis', '# 設定ガイド\n\nこのファイルはシフトJISで保存されています。検索で見つかるはずです。\n'],
    ['euc-jp', 'euc-jp', '# 設定ガイド\n\nこのファイルはEUC-JPで保存されています。検索で見つかるはずです。\n'],
    ['euc-kr', 'euc-kr', '# 설정 안내\n\n이 파일은 EUC-KR로 저장되었습니다. 검색에서 찾을 수 있어야 합니다.\n'],
    ['big5', 'big5', '# 設定指南\n\n這個檔案是以大五碼儲存的。搜尋時應該能找到它。\n'],
    ['gbk', 'gb18030', '# 设置指南\n\n这个文件是用国标码保存的。搜索时应该能找到它。\n'],
    ['windows-1251', 'windows-1251', '# Руководство\n\nЭтот файл сохранён в кодировке Windows-1251. Поиск должен его находить.\n'],
    ['windows-1252', 'windows-1252', '# Café guide\n\nNaïve résumés, déjà vu: “quotes” — and a façade.\n'],
  ];
  for (const [enc, expected, text] of samples) {
    it(`decodes ${enc} text to the original (${expected})`, () => {
      assert.deepEqual(decodeText(iconv.encode(text, enc)), { text, encoding: expected });
    });
  }

  it('decodes UTF-16 and UTF-32 files by their byte-order mark, and they are not binary', () => {
    const text = 'Hello, 世界! UTF-16 text.\n';
    for (const [enc, name] of [['utf16le', 'utf-16le'], ['utf16be', 'utf-16be'], ['utf32le', 'utf-32le'], ['utf32be', 'utf-32be']] as const) {
      const bytes = iconv.encode(text, enc, { addBOM: true });
      assert.equal(isBinary(bytes), false, enc);
      assert.deepEqual(decodeText(bytes), { text, encoding: name });
    }
  });

  it('gives up (undefined) on bytes no encoding explains convincingly', () => {
    assert.equal(decodeText(Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xff, 0xfe, 0xfd, 0x81, 0x82, 0x83])), undefined);
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
