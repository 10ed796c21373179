/**
 * The MCP tools that maintain the index: index_workspace (incremental, with progress),
 * index_status and clear_index. They drive the session's one Indexer, which runs the index
 * runs of a collection one after another, so a call while another run is going queues safely.
 */
import { errorMessage, isAbortError } from '../core/errors';
import type { IndexProgress, IndexSummary } from '../core/indexing/events';
import { folderSummaryText } from '../text/indexSummary';
import type { McpSession } from './session';
import type { McpTool, McpToolResult, ToolCall } from './tool';

const NO_ROOTS = 'No workspace folder is known: start the server with --root DIR, or use a client that shares its roots.';

function noRoots(): McpToolResult {
  return { text: NO_ROOTS, structured: { success: false, message: NO_ROOTS }, isError: true };
}

/** MCP progress must grow with every notification, across phases and folders. */
function progressReporter(call: ToolCall): { forRoot(offset: number): (p: IndexProgress) => void; finish(total: number): void } {
  let last = -1;
  const send = (value: number, total: number | undefined, message: string): void => {
    if (value > last) {
      last = value;
      call.progress?.(value, total, message);
    }
  };
  return {
    forRoot: (offset) => (p) => send(offset + p.filesDone, offset + p.filesTotal, `${p.phase}: ${p.filesDone}/${p.filesTotal} files, ${p.chunksDone} chunks`),
    finish: (total) => send(total, total, 'done'),
  };
}

export function indexWorkspaceTool(session: McpSession): McpTool {
  return {
    name: 'index_workspace',
    title: 'Index the workspace',
    description:
      'Index (or bring up to date) the workspace folders in Milvus: only new and changed files are re-chunked and embedded, deleted files are removed. ' +
      'Sends progress notifications when the request carries a progressToken. Safe to call while another index run is going: runs queue.',
    inputSchema: { type: 'object', properties: {}, required: [] },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    async run(_args, call) {
      if (session.roots.length === 0) {
        return noRoots();
      }
      const reporter = progressReporter(call);
      const summaries: IndexSummary[] = [];
      let offset = 0;
      for (const root of session.roots) {
        const collection = session.collectionFor(root);
        const onRoot = reporter.forRoot(offset);
        session.running.set(collection, undefined);
        try {
          const summary = await session.indexFolder(root, {
            collection,
            onProgress: (p) => {
              session.running.set(collection, p);
              onRoot(p);
            },
          }, call.signal);
          session.lastRun.set(collection, summary);
          summaries.push(summary);
          offset += summary.filesTotal;
        } finally {
          session.running.delete(collection);
        }
      }
      reporter.finish(offset);
      return {
        text: summaries.map((s) => folderSummaryText(s, 'call')).join('\n'),
        structured: {
          success: true,
          folders: summaries.map((s) => ({
            root: s.root,
            collection: s.collection,
            files_total: s.filesTotal,
            files_indexed: s.filesIndexed,
            files_unchanged: s.filesUnchanged,
            files_deleted: s.filesDeleted,
            chunks_written: s.chunksWritten,
            chunks_embedded: s.chunksEmbedded,
            chunks_deleted: s.chunksDeleted,
            skipped: s.skipped.length,
            duration_ms: s.durationMs,
            cancelled: s.cancelled,
          })),
        },
        isError: false,
      };
    },
  };
}

export function indexStatusTool(session: McpSession): McpTool {
  return {
    name: 'index_status',
    title: 'Index status',
    description: 'For each workspace folder: its collection, whether it is indexed, how many chunks it holds, the search mode, and any index run in progress.',
    inputSchema: { type: 'object', properties: {}, required: [] },
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    async run(_args, call) {
      if (session.roots.length === 0) {
        return noRoots();
      }
      const folders: Array<Record<string, unknown>> = [];
      for (const root of session.roots) {
        const collection = session.collectionFor(root);
        const exists = await session.store.hasCollection(collection, call.signal);
        const info = exists ? await session.store.describeCollection(collection, call.signal) : undefined;
        const progress = session.running.get(collection);
        const last = session.lastRun.get(collection);
        folders.push({
          root,
          collection,
          indexed: exists,
          ...(info ? { chunks: info.rowCount, search: info.embedding ? `hybrid (BM25 + ${info.embedding.model})` : 'BM25 full-text' } : {}),
          indexing: session.running.has(collection),
          ...(progress ? { progress: { phase: progress.phase, files_done: progress.filesDone, files_total: progress.filesTotal, chunks_done: progress.chunksDone } } : {}),
          ...(last ? { last_run: { finished: !last.cancelled, files_indexed: last.filesIndexed, chunks_written: last.chunksWritten, duration_ms: last.durationMs } } : {}),
        });
      }
      const text = folders
        .map((f) =>
          `${String(f.root)} → ${String(f.collection)}: ` +
          (f.indexed ? `indexed, ${String(f.chunks)} chunks, ${String(f.search)}` : 'not indexed (call index_workspace)') +
          (f.indexing ? '; an index run is in progress' : ''),
        )
        .join('\n');
      return { text, structured: { success: true, folders }, isError: false };
    },
  };
}

export function clearIndexTool(session: McpSession): McpTool {
  return {
    name: 'clear_index',
    title: 'Clear the workspace index',
    description: "Delete the workspace folders' collections from Milvus (the files are untouched). Searching needs index_workspace again afterwards.",
    inputSchema: { type: 'object', properties: {}, required: [] },
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    async run(_args, call) {
      if (session.roots.length === 0) {
        return noRoots();
      }
      const cleared: string[] = [];
      const absent: string[] = [];
      for (const root of session.roots) {
        const collection = session.collectionFor(root);
        if (session.running.has(collection)) {
          const message = `An index run on ${collection} is in progress; clear the index after it finishes.`;
          return { text: message, structured: { success: false, message }, isError: true };
        }
        try {
          if (await session.store.hasCollection(collection, call.signal)) {
            await session.store.dropCollection(collection, call.signal);
            session.lastRun.delete(collection);
            cleared.push(collection);
          } else {
            absent.push(collection);
          }
        } catch (err) {
          if (isAbortError(err)) {
            throw err;
          }
          const message = `Could not clear ${collection}: ${errorMessage(err)}`;
          return { text: message, structured: { success: false, message, cleared }, isError: true };
        }
      }
      const text = [cleared.length ? `Cleared ${cleared.join(', ')}.` : '', absent.length ? `Not indexed: ${absent.join(', ')}.` : ''].filter(Boolean).join(' ');
      return { text, structured: { success: true, cleared, not_indexed: absent }, isError: false };
    },
  };
}
