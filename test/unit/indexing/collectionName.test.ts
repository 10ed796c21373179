import { createHash } from 'node:crypto';
import { strict as assert } from 'node:assert';
import { collectionNameFor, isValidCollectionName } from '../../../src/core/indexing/collectionName';
import { CHUNKING_VERSION, chunkId, chunkIds, documentHash, fileHash } from '../../../src/core/indexing/ids';

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
    const id = chunkId('src/a.ts', 'abc', 0);
    assert.match(id, /^[0-9a-f]{32}$/);
    assert.equal(chunkId('src/a.ts', 'abc', 0), id);
    assert.notEqual(chunkId('src/b.ts', 'abc', 0), id);
    assert.notEqual(chunkId('src/a.ts', 'abc', 1), id);
    assert.notEqual(chunkId('src/a.ts', 'abd', 0), id);
  });

  it('a chunk keeps its id when chunks are added or removed around it; equal chunks differ by occurrence', () => {
    const [a, b, c] = chunkIds('f.ts', ['alpha', 'beta', 'gamma']);
    assert.deepEqual(chunkIds('f.ts', ['new', 'alpha', 'beta', 'gamma', 'more']), [chunkIds('f.ts', ['new'])[0], a, b, c, chunkIds('f.ts', ['x', 'more'])[1]]);
    assert.deepEqual(chunkIds('f.ts', ['alpha', 'gamma']), [a, c]);
    const twins = chunkIds('f.ts', ['same', 'same']);
    assert.notEqual(twins[0], twins[1]);
    assert.equal(chunkIds('f.ts', ['other', 'same'])[1], twins[0]);
  });

  it('fileHash is the sha256 of the chunking version and the bytes', () => {
    assert.equal(fileHash(Buffer.from('abc')), createHash('sha256').update(`chunking ${CHUNKING_VERSION}\nabc`).digest('hex'));
    assert.notEqual(fileHash(Buffer.from('abc')), fileHash(Buffer.from('abd')));
  });

  it('documentHash is the sha256 of the bytes alone: a new chunking version does not extract documents again', () => {
    assert.equal(documentHash(Buffer.from('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.notEqual(documentHash(Buffer.from('abc')), fileHash(Buffer.from('abc')));
  });
});
