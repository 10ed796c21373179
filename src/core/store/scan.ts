/**
 * Reads every row of a collection. Milvus caps one query at 16,384 rows (offset + limit),
 * and the SDK's queryIterator assumes results come back sorted by primary key, which
 * Milvus Lite 3.2.2 does not do (it silently skipped ~13% of 17,000 rows in our test).
 * So the key space is split instead: ids are hex, and any id prefix with more rows than one
 * page is split into 16 (+6 upper-case) longer prefixes, each counted and read on its own.
 */
import { ConsistencyLevelEnum, type MilvusClient } from '@zilliz/milvus2-sdk-node';
import { throwIfAborted } from '../errors';
import type { Logger } from '../logger';
import { sleep } from '../sleep';
import { check } from './calls';
import { quote } from './filters';
import { F } from './schema';

const PAGE = 8192;
const HEX = '0123456789abcdefABCDEF';
const STRONG = ConsistencyLevelEnum.Strong;

export async function countRows(client: MilvusClient, name: string, filter: string): Promise<number> {
  const res = check(
    await client.query({ collection_name: name, filter, output_fields: ['count(*)'], consistency_level: STRONG }),
    `count rows of "${name}"`,
  );
  const first = res.data[0];
  return first ? Number(first['count(*)'] ?? 0) : 0;
}

export async function scanAll(
  client: MilvusClient,
  name: string,
  outputFields: string[],
  onRows: (rows: Array<Record<string, unknown>>) => void,
  signal?: AbortSignal,
): Promise<{ total: number; seen: number }> {
  const total = await countRows(client, name, '');
  let seen = 0;
  const read = async (prefix: string, expected: number): Promise<void> => {
    throwIfAborted(signal);
    if (expected === 0) {
      return;
    }
    const filter = prefix ? `${F.id} like ${quote(`${prefix}%`)}` : '';
    if (expected <= PAGE) {
      const res = check(
        await client.query({ collection_name: name, filter, output_fields: outputFields, limit: PAGE, consistency_level: STRONG }),
        `read rows of "${name}"`,
      );
      seen += res.data.length;
      onRows(res.data);
      return;
    }
    for (const ch of HEX) {
      const next = prefix + ch;
      await read(next, await countRows(client, name, `${F.id} like ${quote(`${next}%`)}`));
    }
  };
  await read('', total);
  return { total, seen };
}

const COMPLETE_READ_ATTEMPTS = 3;
const COMPLETE_READ_PAUSE_MS = 200;

/**
 * Milvus Lite has been seen answering a read right after writes with a few rows fewer than
 * `count(*)` reports (598 of 600). A short read would make the indexer re-embed rows that exist
 * and miss stale ones, so a read that comes back short is repeated (a bounded number of times),
 * and the last answer is kept with a warning.
 */
export async function completeRead<T>(
  logger: Logger,
  what: string,
  signal: AbortSignal | undefined,
  read: () => Promise<{ value: T; seen: number; total: number }>,
): Promise<T> {
  let result = await read();
  for (let attempt = 1; attempt < COMPLETE_READ_ATTEMPTS && result.seen < result.total; attempt++) {
    logger.debug(`Read ${result.seen} of ${result.total} ${what}; reading again.`);
    await sleep(COMPLETE_READ_PAUSE_MS, signal);
    result = await read();
  }
  if (result.seen < result.total) {
    logger.warn(`Read ${result.seen} of ${result.total} ${what} after ${COMPLETE_READ_ATTEMPTS} attempts.`);
  }
  return result.value;
}
