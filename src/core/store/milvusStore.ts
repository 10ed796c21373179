/**
 * VectorStore over the Milvus Node SDK, for embedded Milvus Lite and remote Milvus alike.
 * Every call goes through `call()` (collectionAccess.ts): cancellable, failures become
 * StoreErrors, and a call that failed because the embedded server died is retried once after
 * the restart.
 */
import type { RowData } from '@zilliz/milvus2-sdk-node';
import { StoreError, isAbortError } from '../errors';
import { nullLogger, type Logger } from '../logger';
import { MAX_BATCH_ROWS, batches, validateRow } from './batches';
import { KeyedQueue } from '../keyedQueue';
import { check } from './calls';
import type { MilvusConnection } from './connection';
import { idsIn, pathEquals } from './filters';
import { validateCollectionName } from './names';
import { assertUsable } from './compat';
import { F, PROP, createRequest, toEntity, toPlacementEntity } from './schema';
import type { Bm25Text } from './searchText';
import { LITE_FLUSH_POLICY, LiteFlusher, type FlushPolicy } from './liteFlush';
import { runSearch } from './search';
import { CollectionReads } from './collectionReads';
import { queryFileRows, readIndexedFiles, readOutline } from './rows';
import type { ChunkPlacement, ChunkRow, CollectionInfo, CreateCollectionOptions, IndexedFile, OutlineRow, SearchHit, SearchOptions, VectorOf, VectorStore } from './types';

const DELETE_IDS_BATCH = 500;

export class MilvusStore extends CollectionReads implements VectorStore {
  private readonly writes = new KeyedQueue();
  private readonly flusher: LiteFlusher | undefined;

  constructor(
    conn: MilvusConnection,
    logger: Logger = nullLogger,
    flushPolicy: FlushPolicy | null = conn.mode === 'embedded' ? LITE_FLUSH_POLICY : null,
    /** 'raw' reproduces the pre-schema-2 keyword search; only the retrieval benchmark uses it. */
    protected readonly bm25: Bm25Text = 'identifiers',
  ) {
    super(conn, logger);
    this.flusher = flushPolicy
      ? new LiteFlusher(
          { flushDirect: (name) => this.flush(name), flushQueued: (name) => this.writes.run(name, () => this.flush(name)).then(() => this.warm(name)) },
          flushPolicy,
          logger,
        )
      : undefined;
  }

  async createCollection(name: string, options: CreateCollectionOptions, signal?: AbortSignal): Promise<CollectionInfo> {
    validateCollectionName(name);
    await this.call('create collection', signal, async (c) => check(await c.createCollection(createRequest(name, options, this.bm25)), `create collection "${name}"`));
    this.forget(name);
    return this.describeCollection(name, signal);
  }

  async ensureCollection(name: string, options: CreateCollectionOptions, signal?: AbortSignal): Promise<CollectionInfo> {
    validateCollectionName(name);
    if (!(await this.hasCollection(name, signal))) {
      try {
        return await this.createCollection(name, options, signal);
      } catch (err) {
        // Another process may have created it at the same moment; then check it like any other.
        if (isAbortError(err) || !(await this.hasCollection(name, signal))) {
          throw err;
        }
      }
    }
    const described = await this.describe(name, signal, true);
    assertUsable(name, described, this.bm25, options.embedding);
    return { ...described.info, rowCount: await this.rowCount(name, signal) };
  }

  async hasCollection(name: string, signal?: AbortSignal): Promise<boolean> {
    validateCollectionName(name);
    const res = await this.call('has collection', signal, async (c) => check(await c.hasCollection({ collection_name: name }), 'has collection'));
    return res.value === true;
  }

  async describeCollection(name: string, signal?: AbortSignal): Promise<CollectionInfo> {
    validateCollectionName(name);
    const described = await this.describe(name, signal, true);
    return { ...described.info, rowCount: await this.rowCount(name, signal) };
  }

  async dropCollection(name: string, signal?: AbortSignal): Promise<void> {
    validateCollectionName(name);
    await this.writes.run(name, () =>
      this.call('drop collection', signal, async (c) => check(await c.dropCollection({ collection_name: name }), `drop collection "${name}"`)),
    );
    this.forget(name);
  }

  async renameCollection(from: string, to: string, signal?: AbortSignal): Promise<void> {
    validateCollectionName(from);
    validateCollectionName(to);
    await this.writes.run(from, () =>
      this.call('rename collection', signal, async (c) =>
        check(await c.renameCollection({ collection_name: from, new_collection_name: to }), `rename collection "${from}" to "${to}"`),
      ),
    );
    this.forget(from);
    this.forget(to);
  }

  async listCollections(signal?: AbortSignal): Promise<CollectionInfo[]> {
    const res = await this.call('list collections', signal, async (c) => check(await c.showCollections(), 'list collections'));
    const out: CollectionInfo[] = [];
    for (const { name } of res.data) {
      try {
        out.push(await this.describeCollection(name, signal));
      } catch (err) {
        if (isAbortError(err)) {
          throw err;
        }
        // Dropped meanwhile, or a name outside our rules: list the others.
        this.logger.debug(`Skipping collection ${name}: ${String(err)}`);
      }
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  upsert(name: string, rows: readonly ChunkRow[], signal?: AbortSignal): Promise<void> {
    return this.write('upsert', name, rows, signal);
  }

  /** Milvus Lite's upsert looks every key up in the memtable and each segment first; insert does not. */
  insert(name: string, rows: readonly ChunkRow[], signal?: AbortSignal): Promise<void> {
    return this.write('insert', name, rows, signal);
  }

  /**
   * A partial-update upsert (Milvus Lite 3.2.2 merges the given fields onto the stored row, verified;
   * Milvus 2.6 calls it `partial_update`): text, BM25 input and vector stay as they are.
   */
  async updatePlacements(name: string, placements: readonly ChunkPlacement[], signal?: AbortSignal): Promise<void> {
    validateCollectionName(name);
    if (placements.length === 0) {
      return;
    }
    await this.describe(name, signal, false);
    await this.partialUpdate(name, 'update', placements.map(toPlacementEntity), signal);
  }

  /**
   * Upserts with `partial_update`, in batches, in the collection's write queue: the fields given
   * replace the stored ones and every other field stays (verified on Milvus Lite 3.2.2).
   */
  private async partialUpdate(name: string, what: string, entities: readonly RowData[], signal?: AbortSignal): Promise<void> {
    await this.writes.run(name, async () => {
      for (let i = 0; i < entities.length; i += MAX_BATCH_ROWS) {
        const data = entities.slice(i, i + MAX_BATCH_ROWS);
        await this.call(what, signal, async (c) => check(await c.upsert({ collection_name: name, data: [...data], partial_update: true }), `${what} in "${name}"`));
      }
      await this.flusher?.afterWrite(name, entities.length);
    });
  }

  private async write(kind: 'upsert' | 'insert', name: string, rows: readonly ChunkRow[], signal?: AbortSignal): Promise<void> {
    validateCollectionName(name);
    if (rows.length === 0) {
      return;
    }
    const { info, hasVector, hasSearchText } = await this.describe(name, signal, false);
    for (const row of rows) {
      validateRow(row, hasVector ? info.embedding : null, name);
    }
    await this.writes.run(name, async () => {
      for (const batch of batches(rows)) {
        const data = batch.map((r) => toEntity(r, hasVector, hasSearchText ? this.bm25 : undefined));
        await this.call(kind, signal, async (c) =>
          check(await (kind === 'insert' ? c.insert({ collection_name: name, data }) : c.upsert({ collection_name: name, data })), `${kind} into "${name}"`),
        );
      }
      await this.flusher?.afterWrite(name, rows.length);
    });
  }

  async deleteByPath(name: string, path: string, signal?: AbortSignal): Promise<void> {
    validateCollectionName(name);
    await this.describe(name, signal, false); // a clear not-found instead of an SDK TypeError
    await this.writes.run(name, () =>
      this.call('delete', signal, async (c) => check(await c.delete({ collection_name: name, filter: pathEquals(path) }), `delete from "${name}"`)),
    );
  }

  async deleteByIds(name: string, ids: readonly string[], signal?: AbortSignal): Promise<void> {
    validateCollectionName(name);
    if (ids.length === 0) {
      return;
    }
    await this.describe(name, signal, false);
    await this.writes.run(name, async () => {
      for (let i = 0; i < ids.length; i += DELETE_IDS_BATCH) {
        const filter = idsIn(ids.slice(i, i + DELETE_IDS_BATCH));
        await this.call('delete', signal, async (c) => check(await c.delete({ collection_name: name, filter }), `delete from "${name}"`));
      }
    });
  }

  async queryByPath(name: string, path: string, signal?: AbortSignal): Promise<ChunkRow[]> {
    validateCollectionName(name);
    return this.call('query', signal, async (c) => {
      await this.ensureLoaded(c, name);
      return queryFileRows(c, name, path, this.logger, signal);
    });
  }

  async listIndexedFiles(name: string, signal?: AbortSignal): Promise<IndexedFile[]> {
    validateCollectionName(name);
    return this.call('list indexed files', signal, async (c) => {
      await this.ensureLoaded(c, name);
      return readIndexedFiles(c, name, this.logger, signal);
    });
  }

  async outline(name: string, signal?: AbortSignal): Promise<OutlineRow[]> {
    validateCollectionName(name);
    return this.call('read outline', signal, async (c) => {
      await this.ensureLoaded(c, name);
      return readOutline(c, name, signal);
    });
  }

  async search(name: string, query: string, options: SearchOptions = {}, signal?: AbortSignal): Promise<SearchHit[]> {
    validateCollectionName(name);
    const { hasVector, hasSearchText } = await this.describe(name, signal, false);
    return this.call('search', signal, async (c) => {
      await this.ensureLoaded(c, name);
      // An old collection's BM25 reads the raw text, so its query stays raw too.
      return runSearch(c, name, query, options, hasVector, hasSearchText ? this.bm25 : 'raw');
    });
  }

  async setGeneration(name: string, token: string, signal?: AbortSignal): Promise<void> {
    validateCollectionName(name);
    await this.writes.run(name, () =>
      this.call('set generation', signal, async (c) =>
        check(await c.alterCollectionProperties({ collection_name: name, properties: { [PROP.generation]: token } }), `update "${name}"`),
      ),
    );
    this.forgetDescription(name);
  }

  async close(): Promise<void> {
    try {
      await this.flusher?.close();
    } finally {
      await this.conn.close();
    }
  }

  private async flush(name: string): Promise<void> {
    await this.call('flush', undefined, async (c) => check(await c.flush({ collection_names: [name] }), `flush "${name}"`));
  }

  /** A tiny search so the indexes of freshly flushed segments are built now, not on the user's first query. */
  private async warm(name: string): Promise<void> {
    const { hasVector, info } = await this.describe(name, undefined, false);
    const vector = hasVector && info.embedding ? Array.from({ length: info.embedding.dimensions }, (_, i) => (i === 0 ? 1 : 0)) : undefined;
    await this.search(name, 'warm', { limit: 1, vector });
  }

  async setVectors(name: string, rows: readonly VectorOf[], signal?: AbortSignal): Promise<void> {
    validateCollectionName(name);
    if (rows.length === 0) {
      return;
    }
    const { info, hasVector } = await this.describe(name, signal, false);
    const dims = info.embedding?.dimensions;
    if (!hasVector || dims === undefined || rows.some((r) => r.vector.length !== dims)) {
      throw new StoreError(`Collection "${name}" stores ${dims ?? 'no'}-dimension vectors; the vectors given do not fit.`, 'schema-mismatch');
    }
    // Text, BM25 terms and placement stay as stored.
    await this.partialUpdate(name, 'set vectors', rows.map((r) => ({ [F.id]: r.id, [F.vector]: r.vector, [F.hasVector]: true })), signal);
  }

  protected override forget(name: string): void {
    this.flusher?.forget(name);
    super.forget(name);
  }
}
