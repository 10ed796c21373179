import { strict as assert } from 'node:assert';
import { MilvusClient } from '@zilliz/milvus2-sdk-node';

// patches/@zilliz+milvus2-sdk-node+*.patch: a client parses the SDK's two protobufjs roots (25-110 ms
// each) when something reads them, not in its constructor.
describe('Milvus SDK patch: proto roots built on first use', () => {
  it('a new client has not parsed them; reading one parses it once and keeps it', () => {
    const client = new MilvusClient({ address: '127.0.0.1:1', __SKIP_CONNECT__: true }) as unknown as Record<string, unknown>;
    for (const name of ['schemaProto', 'milvusProto']) {
      const descriptor = Object.getOwnPropertyDescriptor(client, name);
      assert.equal(typeof descriptor?.get, 'function', `${name} is built in the constructor (is the patch applied?)`);
    }
    const milvus = client.milvusProto as { lookupType(name: string): { name: string } };
    assert.equal(milvus.lookupType('milvus.proto.common.PlaceholderGroup').name, 'PlaceholderGroup');
    assert.equal(client.milvusProto, milvus, 'parsed once');
    const schema = client.schemaProto as { lookupType(name: string): { name: string } };
    assert.equal(schema.lookupType('milvus.proto.schema.FieldSchema').name, 'FieldSchema');
    void (client as unknown as MilvusClient).closeConnection().catch(() => undefined);
  });
});
