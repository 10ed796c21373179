import { strict as assert } from 'node:assert';
import { collectionNameFor, isValidCollectionName } from '../../../src/core/indexing/collectionName';
import { chunkId, fileHash } from '../../../src/core/indexing/ids';

describe('collectionNameFor', () => {
  it('is the folder name plus a short hash of the absolute path', () => {
    const name = collectionNameFor('/home/ann/projects/my-app');
    assert.match(name, /^my_app_[0-9a-f]{8}$/);
    assert.equal(collectionNameFor('/home/ann/projects/my-app'), name, 'stable');
    assert.notEqual(collectionNameFor('/home/bob/my-app'), name, 'two folders called my-app differ');
  });

  it('always produces a valid Milvus name', () => {
    for (const folder of ['/tmp/123abc', '/tmp/数据', '/tmp/a b.c-d', '/', `/tmp/${'x'.repeat(200)}`, '/tmp/__init__']) {
      const name = collectionNameFor(folder);
      assert.ok(isValidCollectionName(name), `${folder} → ${name}`);
    }
  });

  it('validates names', () => {
    assert.equal(isValidCollectionName('docs_1'), true);
    assert.equal(isValidCollectionName('_x'), true);
    assert.equal(isValidCollectionName('1docs'), false);
    assert.equal(isValidCollectionName('my-docs'), false);
    assert.equal(isValidCollectionName(''), false);
    assert.equal(isValidCollectionName('a'.repeat(65)), false);
  });
});

describe('ids', () => {
  it('chunk ids are hex, stable and depend on every part', () => {
    const id = chunkId('src/a.ts', 0, 'abc');
    assert.match(id, /^[0-9a-f]{32}$/);
    assert.equal(chunkId('src/a.ts', 0, 'abc'), id);
    assert.notEqual(chunkId('src/b.ts', 0, 'abc'), id);
    assert.notEqual(chunkId('src/a.ts', 1, 'abc'), id);
    assert.notEqual(chunkId('src/a.ts', 0, 'abd'), id);
  });

  it('fileHash is the sha256 of the bytes', () => {
    assert.equal(fileHash(Buffer.from('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
