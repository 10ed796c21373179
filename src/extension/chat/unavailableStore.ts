import { StoreError } from '../../core/errors';
import type { VectorStore } from '../../core/store/types';

/**
 * A VectorStore that fails every call with the reason Milvus could not be opened. The chat uses
 * it so that a missing Python or an unreachable server does not block general questions: the
 * search tools report the failure to Kimi, which can still answer and tell the user what is wrong.
 */
export function unavailableStore(reason: string): VectorStore {
  const fail = (): Promise<never> => Promise.reject(new StoreError(`Milvus is not available: ${reason}`, 'unavailable'));
  return {
    createCollection: fail,
    ensureCollection: fail,
    hasCollection: fail,
    describeCollection: fail,
    describeHeader: fail,
    dropCollection: fail,
    listCollections: fail,
    upsert: fail,
    insert: fail,
    updatePlacements: fail,
    setGeneration: fail,
    deleteByPath: fail,
    deleteByIds: fail,
    queryByPath: fail,
    listIndexedFiles: fail,
    outline: fail,
    rowsWithoutVectors: fail,
    setVectors: fail,
    vectorCounts: fail,
    search: fail,
    renameCollection: fail,
    readRows: fail,
    fit: fail,
    close: () => Promise.resolve(),
  };
}
