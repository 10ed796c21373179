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

  it('gives the Milvus SDK the definition @grpc/proto-loader builds, its descriptor parts built when read', () => {
    // The proto JSON the SDK loads its services from (dist/milvus/utils/Grpc.js).
    const json = require('@zilliz/milvus2-sdk-node/dist/milvus/proto-json/milvus').default as Parameters<typeof protoLoader.fromJSON>[0];
    const options = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };
    const lean = memo.fromJSON(json, options) as Record<string, Record<string, unknown>>;
    const full = protoLoader.fromJSON(json, options) as unknown as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(lean), Object.keys(full), 'the same services, messages and enums, in the same order');
    const services = Object.keys(full).filter((name) => !('format' in full[name]));
    assert.ok(services.includes('milvus.proto.milvus.MilvusService'), services.join());
    for (const name of services) {
      const leanMethods = lean[name] as Record<string, Record<string, unknown>>;
      const fullMethods = full[name] as Record<string, Record<string, unknown>>;
      assert.deepEqual(Object.keys(leanMethods), Object.keys(fullMethods), name);
      for (const [method, f] of Object.entries(fullMethods)) {
        const l = leanMethods[method];
        assert.deepEqual(Object.keys(l), Object.keys(f), `${name}.${method} keys`);
        for (const key of ['path', 'requestStream', 'responseStream', 'originalName', 'options']) {
          assert.deepEqual(l[key], f[key], `${name}.${method}.${key}`);
        }
      }
    }
    for (const name of Object.keys(full).filter((n) => 'format' in full[n])) {
      assert.equal(lean[name].format, full[name].format, name);
    }

    // A real request both ways: same bytes, same object back.
    const search = (lean['milvus.proto.milvus.MilvusService'] as Record<string, Record<string, (x: unknown) => unknown>>).Search;
    const fullSearch = (full['milvus.proto.milvus.MilvusService'] as Record<string, Record<string, (x: unknown) => unknown>>).Search;
    const request = { collection_name: 'c', dsl: 'x', output_fields: ['id', 'text'], nq: 1, search_params: [{ key: 'topk', value: '10' }] };
    const bytes = search.requestSerialize(request) as Buffer;
    assert.deepEqual(bytes, fullSearch.requestSerialize(request));
    assert.deepEqual(search.requestDeserialize(bytes), fullSearch.requestDeserialize(bytes));

    // The descriptor parts, read: equal to proto-loader's.
    const leanSearch = (lean['milvus.proto.milvus.MilvusService'] as Record<string, Record<string, Record<string, unknown>>>).Search;
    const fullSearchDef = (full['milvus.proto.milvus.MilvusService'] as Record<string, Record<string, Record<string, unknown>>>).Search;
    assert.deepEqual(leanSearch.requestType.type, fullSearchDef.requestType.type);
    assert.deepEqual(leanSearch.responseType.fileDescriptorProtos, fullSearchDef.responseType.fileDescriptorProtos);
    assert.deepEqual(lean['milvus.proto.common.ErrorCode'].type, full['milvus.proto.common.ErrorCode'].type);

    // grpc-js makes a client class with every method under both names.
    const grpcObj = grpc.loadPackageDefinition(lean as never) as unknown as { milvus: { proto: { milvus: { MilvusService: grpc.ServiceClientConstructor } } } };
    const client = grpcObj.milvus.proto.milvus.MilvusService.prototype as unknown as Record<string, unknown>;
    assert.equal(typeof client.Search, 'function');
    assert.equal(typeof client.search, 'function');
    assert.equal(typeof client.RestoreRBAC, 'function');
  });

  it('passes everything else of @grpc/proto-loader through', () => {
    assert.equal(memo.loadSync, protoLoader.loadSync);
    assert.equal(memo.fromJSON === protoLoader.fromJSON, false);
  });
});
