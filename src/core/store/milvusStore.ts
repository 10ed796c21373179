/**
 * VectorStore over the Milvus Node SDK, for embedded Milvus Lite and remote Milvus alike.
 * Every call goes through `call()`: cancellable, failures become StoreErrors, and a call
 * that failed because the embedded server died is retried once after the restart.
 */
import { ConsistencyLevelEnum, type MilvusClient, type RowData } from '@zilliz/milvus2-sdk-node';
import { StoreError, isAbortError, throwIfAborted } from '../errors';
import { nullLogger, type Logger } from '../logger';
import { MAX_BATCH_ROWS, batches, validateRow } from './batches';
import { KeyedQueue } from '../keyedQueue';
import { abortable, check, toStoreError } from './calls';
import type { MilvusConnection } from './connection';
import { allOf, idsIn, idsNotIn, pathEquals, pathIn } from './filters';
import { validateCollectionName } from './names';
import {
  ROW_FIELDS,
  F,
  PROP,
  createRequest,
  embeddingMismatch,
  fromEntity,
  parseDescribe,
  schemaMismatch,
  toEntity,
  toPlacementEntity,
  type DescribedCollection,
} from './schema';
import type { Bm25Text } from './searchText';
import { LITE_FLUSH_POLICY, LiteFlusher, type FlushPolicy } from './liteFlush';
import { completeRead, countRows, scanAll } from './scan';
import { runSearch } from './search';
import type {
  ChunkPlacement,
  ChunkRow,
  CollectionInfo,
  CreateCollectionOptions,
  IndexedFile,
  MissingVectorsQuery,
  VectorCounts,
  VectorOf,
  SearchHit,
  SearchOptions,
  VectorStore,
} from './types';

const STRONG = ConsistencyLevelEnum.Strong;
const MAX_QUERY_ROWS = 16_384;
const DELETE_IDS_BATCH = 500;

export class MilvusStore implements VectorStore {
  private readonly writes = new KeyedQueue();
  private readonly described = new Map<string, DescribedCollection>();
  private readonly loaded = new Set<string>();
  private loadedGeneration = -1;
  private readonly flusher: LiteFlusher | undefined;

  constructor(
    private readonly conn: MilvusConnection,
    private readonly logger: Logger = nullLogger,
    flushPolicy: FlushPolicy | null = conn.mode === 'embedded' ? LITE_FLUSH_POLICY : null,
    /** 'raw' reproduces the pre-schema-2 keyword search; only the retrieval benchmark uses it. */
    private readonly bm25: Bm25Text = 'identifiers',
  ) {
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
    const rebuild = 'Rebuild it with "Kimi Milvus: Clear Index" (CLI: `--rebuild`), or choose another collection name.';
    if (!described.compatible) {
      throw new StoreError(`Collection "${name}" was not created by Kimi Milvus (no text/BM25 fields). ${rebuild}`, 'schema-mismatch');
    }
    const why = schemaMismatch(described.schemaVersion, this.bm25) ?? embeddingMismatch(described.info.embedding, options.embedding);
    if (why) {
      throw new StoreError(`Collection "${name}" cannot be used: ${why}. ${rebuild}`, 'schema-mismatch');
    }
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
    const filter = pathEquals(path);
    const rows = await this.call('query', signal, async (c) => {
      await this.ensureLoaded(c, name);
      return completeRead(this.logger, `rows of ${path} in "${name}"`, signal, async () => {
        const res = check(
          await c.query({ collection_name: name, filter, output_fields: ROW_FIELDS, limit: MAX_QUERY_ROWS, consistency_level: STRONG }),
          `query "${name}"`,
        );
        return { value: res.data, seen: res.data.length, total: await countRows(c, name, filter) };
      });
    });
    return rows.map((e) => fromEntity(e)).sort((a, b) => a.chunkIndex - b.chunkIndex);
  }

  async listIndexedFiles(name: string, signal?: AbortSignal): Promise<IndexedFile[]> {
    validateCollectionName(name);
    return this.call('list indexed files', signal, async (c) => {
      await this.ensureLoaded(c, name);
      const files = await completeRead(this.logger, `rows of "${name}"`, signal, async () => {
        const byPath = new Map<string, { fileHash: string; ids: string[]; totalChunks: number }>();
        // A file whose rows carry different hashes was not fully written by one run: '' marks it changed.
        const { total, seen } = await scanAll(
          c,
          name,
          [F.id, F.path, F.fileHash, F.totalChunks],
          (rows) => {
            for (const raw of rows) {
              const row = fromEntity(raw);
              const file = byPath.get(row.path) ?? { fileHash: row.fileHash, ids: [], totalChunks: row.totalChunks };
              if (file.fileHash !== row.fileHash) {
                file.fileHash = '';
              }
              file.ids.push(row.id);
              byPath.set(row.path, file);
            }
          },
          signal,
        );
        return { value: byPath, seen, total };
      });
      return [...files.entries()]
        .map(([path, f]) => ({ path, fileHash: f.fileHash, ids: f.ids.sort(), totalChunks: f.totalChunks }))
        .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
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
    this.described.delete(name);
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

  private async call<T>(what: string, signal: AbortSignal | undefined, fn: (client: MilvusClient) => Promise<T>): Promise<T> {
    throwIfAborted(signal);
    try {
      return await abortable(fn(this.conn.client()), signal);
    } catch (err) {
      if (err instanceof StoreError || isAbortError(err)) {
        throw err;
      }
      if (await this.conn.recover(err, signal)) {
        try {
          return await abortable(fn(this.conn.client()), signal);
        } catch (retryErr) {
          throw isAbortError(retryErr) ? retryErr : toStoreError(retryErr, what);
        }
      }
      throw toStoreError(err, what);
    }
  }

  private async describe(name: string, signal: AbortSignal | undefined, fresh: boolean): Promise<DescribedCollection> {
    const cached = this.described.get(name);
    if (cached && !fresh) {
      return cached;
    }
    const res = await this.call('describe collection', signal, async (c) =>
      check(await c.describeCollection({ collection_name: name, cache: false }), `describe collection "${name}"`),
    );
    const described = parseDescribe(name, res);
    this.described.set(name, described);
    return described;
  }

  async rowsWithoutVectors(name: string, query: MissingVectorsQuery, signal?: AbortSignal): Promise<ChunkRow[]> {
    validateCollectionName(name);
    const { hasVector } = await this.describe(name, signal, false);
    if (!hasVector) {
      return [];
    }
    return this.call('query rows without vectors', signal, async (c) => {
      await this.ensureLoaded(c, name);
      const res = check(
        await c.query({
          collection_name: name,
          filter: allOf(`${F.hasVector} == false`, pathIn(query.paths ?? []), query.ids ? idsIn(query.ids) : undefined, idsNotIn(query.excludeIds ?? [])),
          output_fields: ROW_FIELDS,
          limit: Math.max(1, Math.min(query.limit, MAX_QUERY_ROWS)),
          consistency_level: ConsistencyLevelEnum.Strong,
        }),
        `query rows without vectors in "${name}"`,
      );
      return res.data.map((e) => fromEntity(e));
    });
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

  async vectorCounts(name: string, signal?: AbortSignal): Promise<VectorCounts> {
    validateCollectionName(name);
    const { hasVector } = await this.describe(name, signal, false);
    return this.call('count vectors', signal, async (c) => {
      await this.ensureLoaded(c, name);
      const total = await countRows(c, name, '');
      return { total, withVector: hasVector ? await countRows(c, name, `${F.hasVector} == true`) : 0 };
    });
  }

  private async rowCount(name: string, signal?: AbortSignal): Promise<number> {
    // count(*) is exact after deletes and upserts; collection statistics are not on Milvus.
    return this.call('count rows', signal, async (c) => {
      await this.ensureLoaded(c, name);
      return countRows(c, name, '');
    });
  }

  private async ensureLoaded(client: MilvusClient, name: string): Promise<void> {
    if (this.loadedGeneration !== this.conn.generation) {
      this.loaded.clear();
      this.loadedGeneration = this.conn.generation;
    }
    if (this.loaded.has(name)) {
      return;
    }
    const state = check(await client.getLoadState({ collection_name: name }), `load state of "${name}"`);
    if (String(state.state) !== 'LoadStateLoaded') {
      check(await client.loadCollection({ collection_name: name }), `load "${name}"`);
    }
    this.loaded.add(name);
  }

  private forget(name: string): void {
    this.flusher?.forget(name);
    this.described.delete(name);
    this.loaded.delete(name);
  }
}
