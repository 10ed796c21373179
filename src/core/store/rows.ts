/**
 * The row reads of a collection that must be complete: one file's rows, every file's ids, every
 * row's outline, and the rows still waiting for a vector. The caller has loaded the collection
 * (MilvusStore.call).
 */
import { ConsistencyLevelEnum, type MilvusClient } from '@zilliz/milvus2-sdk-node';
import { throwIfAborted } from '../errors';
import type { Logger } from '../logger';
import { check } from './calls';
import { allOf, idsIn, idsNotIn, pathEquals, pathIn } from './filters';
import { F, ROW_FIELDS, fromEntity } from './schema';
import { completeRead, countRows, scanAll } from './scan';
import type { ChunkRow, IndexedFile, MissingVectorsQuery, OutlineRow } from './types';

const STRONG = ConsistencyLevelEnum.Strong;
export const MAX_QUERY_ROWS = 16_384;

/** The rows of one file, in chunk order. */
export async function queryFileRows(c: MilvusClient, name: string, path: string, logger: Logger, signal?: AbortSignal): Promise<ChunkRow[]> {
  const filter = pathEquals(path);
  const rows = await completeRead(logger, `rows of ${path} in "${name}"`, signal, async () => {
    const res = check(
      await c.query({ collection_name: name, filter, output_fields: ROW_FIELDS, limit: MAX_QUERY_ROWS, consistency_level: STRONG }),
      `query "${name}"`,
    );
    return { value: res.data, seen: res.data.length, total: await countRows(c, name, filter) };
  });
  return rows.map((e) => fromEntity(e)).sort((a, b) => a.chunkIndex - b.chunkIndex);
}

/** Every file of the collection with its row ids, in path order. */
export async function readIndexedFiles(c: MilvusClient, name: string, logger: Logger, signal?: AbortSignal): Promise<IndexedFile[]> {
  const files = await completeRead(logger, `rows of "${name}"`, signal, async () => {
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
}

/** Up to `query.limit` rows written without a vector (progressive hybrid), of the files and ids asked for. */
export async function queryRowsWithoutVectors(c: MilvusClient, name: string, query: MissingVectorsQuery): Promise<ChunkRow[]> {
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
}

const OUTLINE_FIELDS = [F.id, F.path, F.startLine, F.endLine, F.language, F.section];

function outlineRow(raw: Record<string, unknown>): OutlineRow {
  const row = fromEntity(raw);
  return { id: row.id, path: row.path, startLine: row.startLine, endLine: row.endLine, language: row.language, section: row.section ?? '' };
}

/**
 * Every row's place and section (see OutlineRow). Milvus Lite answers a query without a limit with
 * every row, in one pass (a paged scan costs it one pass per page and count); Milvus caps a query,
 * and a short answer is read again in pages like scanAll.
 */
export async function readOutline(client: MilvusClient, name: string, signal?: AbortSignal): Promise<OutlineRow[]> {
  const total = await countRows(client, name, '');
  throwIfAborted(signal);
  const once = await client
    .query({ collection_name: name, filter: '', output_fields: OUTLINE_FIELDS, consistency_level: STRONG })
    .then((res) => check(res, `read the outline of "${name}"`).data)
    .catch(() => undefined);
  if (once && once.length >= total) {
    return once.map(outlineRow);
  }
  const out: OutlineRow[] = [];
  await scanAll(client, name, OUTLINE_FIELDS, (rows) => {
    out.push(...rows.map(outlineRow));
  }, signal);
  return out;
}
