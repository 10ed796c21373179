import { strict as assert } from 'node:assert';
import * as protoLoader from '@grpc/proto-loader';
import * as grpc from '@grpc/grpc-js';
// The same module the bundles use in place of @grpc/proto-loader (scripts/esbuild-node.mjs).
const memo = require('../../../scripts/proto-loader-memo.cjs') as typeof protoLoader;

/** A tiny proto with two services, as JSON (what the Milvus SDK passes). */
const PROTO: Parameters<typeof protoLoader.fromJSON>[0] = {
  nested: {
    demo: {
      nested: {
        Ping: { fields: { text: { type: 'string', id: 1 } } } as never,
        Echo: { methods: { Say: { requestType: 'Ping', responseType: 'Ping', comment: '' } } },
        Other: { methods: { Say: { requestType: 'Ping', responseType: 'Ping', comment: '' } } },
      },
    },
  },
};

describe('proto-loader memo (bundles)', () => {
  it('builds a definition once per proto and options, and grpc-js makes working clients from it', () => {
    const options = { keepCase: true, defaults: true };
    const a = memo.fromJSON(PROTO, { ...options });
    const b = memo.fromJSON(PROTO, { ...options });
    assert.equal(a, b, 'the second build of the same input is the first one');
    assert.notEqual(memo.fromJSON(PROTO, { keepCase: false }), a, 'other options build anew');
    assert.notEqual(memo.fromJSON(structuredClone(PROTO), options), a, 'another proto object builds anew');
    assert.deepEqual(Object.keys(a).sort(), Object.keys(protoLoader.fromJSON(PROTO, options)).sort());

    // Both SDK services from one shared definition, as the SDK loads them.
    const one = grpc.loadPackageDefinition(a) as unknown as { demo: { Echo: grpc.ServiceClientConstructor; Other: grpc.ServiceClientConstructor } };
    const two = grpc.loadPackageDefinition(b) as unknown as typeof one;
    assert.equal(typeof one.demo.Echo, 'function');
    assert.equal(typeof two.demo.Other, 'function');
    assert.ok(one.demo.Echo.service.Say.requestSerialize({ text: 'hi' }).length > 0);
    assert.equal(one.demo.Echo.service.Say.responseDeserialize(one.demo.Echo.service.Say.requestSerialize({ text: 'hi' })).text, 'hi');
  });

  it('passes everything else of @grpc/proto-loader through', () => {
    assert.equal(memo.loadSync, protoLoader.loadSync);
    assert.equal(memo.fromJSON === protoLoader.fromJSON, false);
  });
});
