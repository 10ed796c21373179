import { strict as assert } from 'node:assert';
import * as protobuf from 'protobufjs';

// The patch in patches/protobufjs+*.patch: packed repeated float fields (the Milvus SDK's vector
// columns) are written as one block of float32 bytes instead of one writer operation per value.
const util = protobuf.util as typeof protobuf.util & { float32Bytes?: (v: ArrayLike<number>) => Uint8Array };

/** The reference encoding of `repeated float data = 1` (packed), built by hand. */
function packedFloats(values: number[]): Buffer {
  const body = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => body.writeFloatLE(v, i * 4));
  const len: number[] = [];
  for (let n = body.length; ; n >>>= 7) {
    if (n < 0x80) {
      len.push(n);
      break;
    }
    len.push((n & 0x7f) | 0x80);
  }
  return Buffer.concat([Buffer.from([0x0a, ...len]), body]);
}

describe('protobufjs patch: packed floats in one block', () => {
  const json = require('@zilliz/milvus2-sdk-node/dist/milvus/proto-json/milvus').default as protobuf.INamespace;
  const values = Array.from({ length: 768 }, (_, i) => (i % 7 === 0 ? -0 : Math.sin(i) / (i + 1)));

  it('writes a Milvus vector column byte for byte as the value-by-value encoder did, in one operation', () => {
    assert.equal(typeof util.float32Bytes, 'function', 'the patch is not applied (npm install runs patch-package)');
    const FloatArray = protobuf.Root.fromJSON(json).lookupType('milvus.proto.schema.FloatArray');
    const real = util.float32Bytes!;
    let calls = 0;
    util.float32Bytes = (v) => {
      calls++;
      return real(v);
    };
    try {
      const bytes = Buffer.from(FloatArray.encode(FloatArray.fromObject({ data: values })).finish());
      assert.deepEqual(bytes, packedFloats(values));
      assert.equal(calls, 1, 'one block per column');
      const back = FloatArray.toObject(FloatArray.decode(bytes)) as { data: number[] };
      assert.deepEqual(back.data, values.map(Math.fround));
      assert.deepEqual(Buffer.from(FloatArray.encode({ data: [] }).finish()), Buffer.alloc(0), 'an empty column writes nothing');
      // The Milvus SDK (patched) hands the column over as a Float32Array: kept as it is, same bytes.
      const typed = Float32Array.from(values);
      const message = FloatArray.fromObject({ data: typed }) as unknown as { data: unknown };
      assert.equal(message.data, typed);
      assert.deepEqual(Buffer.from(FloatArray.encode(message).finish()), packedFloats(values));
    } finally {
      util.float32Bytes = real;
    }
  });

  it('leaves other packed fields and whole insert requests decodable as before', () => {
    const root = protobuf.Root.fromJSON(json);
    const FieldData = root.lookupType('milvus.proto.schema.FieldData');
    const LongArray = root.lookupType('milvus.proto.schema.LongArray');
    const longs = LongArray.encode(LongArray.fromObject({ data: [1, 300, 70000] })).finish();
    assert.deepEqual(Buffer.from(longs), Buffer.from([0x0a, 0x06, 0x01, 0xac, 0x02, 0xf0, 0xa2, 0x04]));
    const field = { field_name: 'vector', type: 101, vectors: { dim: 4, float_vector: { data: [0.5, -1, 2.25, 3] } } };
    const decoded = FieldData.toObject(FieldData.decode(FieldData.encode(FieldData.fromObject(field)).finish()), { enums: Number }) as typeof field;
    assert.deepEqual(decoded.vectors.float_vector.data, [0.5, -1, 2.25, 3]);
    assert.equal(Number(decoded.vectors.dim), 4);
  });
});
