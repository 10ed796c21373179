/**
 * The reads that tell how far a collection is along and whether it fits the settings: rows still
 * without a vector, vector counts, every row (for a migration), and the fit. MilvusStore adds the
 * writes on top.
 */
import type { ChunkRow, CollectionFit, EmbeddingSpec, MissingVectorsQuery, VectorCounts } from './types';
import { CollectionAccess } from './collectionAccess';
import { collectionFit } from './fit';
import { validateCollectionName } from './names';
import { queryRowsWithoutVectors } from './rows';
import { countRows, scanAll } from './scan';
import { F, ROW_FIELDS, fromEntity } from './schema';
import type { Bm25Text } from './searchText';

export abstract class CollectionReads extends CollectionAccess {
  /** How the collection's BM25 input is made ('raw' only in the retrieval benchmark). */
  protected abstract readonly bm25: Bm25Text;

  abstract hasCollection(name: string, signal?: AbortSignal): Promise<boolean>;

  async fit(name: string, embedding: EmbeddingSpec | null, signal?: AbortSignal): Promise<CollectionFit> {
    if (!(await this.hasCollection(name, signal))) {
      return { kind: 'missing' };
    }
    return collectionFit(await this.describe(name, signal, true), embedding, this.bm25);
  }

  async readRows(name: string, onRows: (rows: ChunkRow[]) => Promise<void>, signal?: AbortSignal): Promise<void> {
    validateCollectionName(name);
    await this.call('read rows', signal, async (c) => {
      await this.ensureLoaded(c, name);
      await scanAll(c, name, ROW_FIELDS, (rows) => onRows(rows.map((e) => fromEntity(e))), signal);
    });
  }

  async rowsWithoutVectors(name: string, query: MissingVectorsQuery, signal?: AbortSignal): Promise<ChunkRow[]> {
    validateCollectionName(name);
    const { hasVector } = await this.describe(name, signal, false);
    if (!hasVector) {
      return [];
    }
    return this.call('query rows without vectors', signal, async (c) => {
      await this.ensureLoaded(c, name);
      return queryRowsWithoutVectors(c, name, query);
    });
  }

  async vectorCounts(name: string, signal?: AbortSignal): Promise<VectorCounts> {
    validateCollectionName(name);
    const { hasVector } = await this.describe(name, signal, false);
    return this.call('count vectors', signal, async (c) => {
      await this.ensureLoaded(c, name);
      const total = await countRows(c, name, '');
      return { total, withVector: hasVector ? await countRows(c, name, `${F.hasVector} == true`) : 0 };
    });
  }

  protected async rowCount(name: string, signal?: AbortSignal): Promise<number> {
    // count(*) is exact after deletes and upserts; collection statistics are not on Milvus.
    return this.call('count rows', signal, async (c) => {
      await this.ensureLoaded(c, name);
      return countRows(c, name, '');
    });
  }
}
