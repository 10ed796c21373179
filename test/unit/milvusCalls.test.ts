import { strict as assert } from 'node:assert';
import { StoreError } from '../../src/core/errors';
import { check, toStoreError } from '../../src/core/store/calls';

/** An error as grpc-js throws it: an Error with the numeric gRPC status in `code`. */
function grpcError(code: number, details: string): Error {
  return Object.assign(new Error(`${code} ${details}`), { code, details });
}

describe('Milvus call failures as StoreErrors', () => {
  it('tells an unreachable server by the gRPC status code, whatever the text says', () => {
    // 14 UNAVAILABLE and 4 DEADLINE_EXCEEDED; the text names neither.
    assert.equal(toStoreError(grpcError(14, 'socket closed'), 'search').code, 'unavailable');
    assert.equal(toStoreError(grpcError(4, 'took too long'), 'search').code, 'unavailable');
  });

  it('does not call a server that answered "unavailable" in its reason text unreachable', () => {
    // 3 INVALID_ARGUMENT: the server replied; words in the reason must not make it look down.
    const err = toStoreError(grpcError(3, 'field "unavailable" is not in the schema'), 'query');
    assert.equal(err.code, 'unknown');
    assert.equal(toStoreError(grpcError(5, 'gone'), 'describe').code, 'not-found');
    assert.equal(toStoreError(grpcError(2, 'collection not found[collection=x]'), 'describe').code, 'not-found');
  });

  it('reads Node socket codes, also on a wrapped cause', () => {
    const refused = Object.assign(new Error('connect failed'), { code: 'ECONNREFUSED' });
    assert.equal(toStoreError(refused, 'insert').code, 'unavailable');
    const wrapped = new Error('insert failed', { cause: grpcError(14, 'no connection established') });
    const err = toStoreError(wrapped, 'insert');
    assert.equal(err.code, 'unavailable');
    assert.equal(err.cause, wrapped);
  });

  it('falls back to the text only when the error carries no code', () => {
    assert.equal(toStoreError(new Error('14 UNAVAILABLE: No connection established'), 'x').code, 'unavailable');
    assert.equal(toStoreError(new Error("collection doesn't exist"), 'x').code, 'not-found');
    assert.equal(toStoreError(new Error('bad things'), 'x').code, 'unknown');
    const same = new StoreError('kept', 'invalid-name');
    assert.equal(toStoreError(same, 'x'), same);
  });

  it('throws for a failed status and passes a good one through', () => {
    const ok = { status: { error_code: 'Success', reason: '' }, data: 1 };
    assert.equal(check(ok, 'query'), ok);
    assert.throws(
      () => check({ status: { error_code: 'UnexpectedError', code: 100, reason: 'collection not found' } }, 'query'),
      (err: unknown) => err instanceof StoreError && err.code === 'not-found' && /Milvus query failed/.test(err.message),
    );
  });
});
