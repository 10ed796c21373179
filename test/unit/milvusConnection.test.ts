import { strict as assert } from 'node:assert';
import { isLoopbackAddress } from '../../src/core/store/connection';

describe('isLoopbackAddress (which Milvus gets the keepalive Milvus Lite accepts)', () => {
  it('knows loopback hosts in every form the store passes', () => {
    for (const a of ['127.0.0.1:19530', '127.1.2.3:1', 'localhost:19530', 'LOCALHOST:1', '[::1]:19530', 'http://127.0.0.1:40921', 'http://localhost:19530/db']) {
      assert.equal(isLoopbackAddress(a), true, a);
    }
  });

  it('does not take other hosts for loopback', () => {
    for (const a of ['10.0.0.5:19530', 'in01-abc.zillizcloud.com:19530', 'https://in01-abc.zillizcloud.com', 'localhost.example.com:1', '127.0.0.1.nip.io:19530', '[2001:db8::1]:19530', '']) {
      assert.equal(isLoopbackAddress(a), false, a);
    }
  });
});
