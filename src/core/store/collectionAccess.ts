/**
 * What every MilvusStore operation goes through: `call()` (cancellable, failures become
 * StoreErrors, and a call that failed because the embedded server died is retried once after the
 * restart), the cache of described collections, and loading a collection before it is read.
 */
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { StoreError, isAbortError, throwIfAborted } from '../errors';
import type { Logger } from '../logger';
import { abortable, check, toStoreError } from './calls';
import type { MilvusConnection } from './connection';
import { validateCollectionName } from './names';
import { parseDescribe, type DescribedCollection } from './schema';
import type { CollectionHeader } from './types';

export abstract class CollectionAccess {
  private readonly described = new Map<string, DescribedCollection>();
  private readonly loaded = new Set<string>();
  private loadedGeneration = -1;

  constructor(
    protected readonly conn: MilvusConnection,
    protected readonly logger: Logger,
  ) {}

  protected async call<T>(what: string, signal: AbortSignal | undefined, fn: (client: MilvusClient) => Promise<T>): Promise<T> {
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

  protected async describe(name: string, signal: AbortSignal | undefined, fresh: boolean): Promise<DescribedCollection> {
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

  /** See VectorStore.describeHeader: described now, rows not counted. */
  async describeHeader(name: string, signal?: AbortSignal): Promise<CollectionHeader> {
    validateCollectionName(name);
    return (await this.describe(name, signal, true)).info;
  }

  /** The next describe asks Milvus again (the collection's properties changed). */
  protected forgetDescription(name: string): void {
    this.described.delete(name);
  }

  protected async ensureLoaded(client: MilvusClient, name: string): Promise<void> {
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

  /** The collection was dropped or recreated: nothing known about it holds. */
  protected forget(name: string): void {
    this.described.delete(name);
    this.loaded.delete(name);
  }
}
