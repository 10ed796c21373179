/**
 * The original design's collection tools (docs/reference/design.md): connect_database, create_collection, add_documents,
 * list_all_collections. The connection is automatic here, so connect_database reports status.
 */
import { errorMessage } from '../../errors';
import { chunkDocument } from '../../indexing/chunker';
import { isValidCollectionName } from '../../indexing/collectionName';
import { chunkRows } from '../../indexing/fileRows';
import { sha256Hex } from '../../indexing/ids';
import { chunkInput } from '../../store/searchText';
import type { ChunkRow } from '../../store/types';
import type { ToolEnv } from './context';
import { str } from './context';
import { fail, ok, type Tool } from './registry';

const NAME_RULE = 'letters, digits and underscores, starting with a letter or underscore, at most 64 characters';

export function connectDatabase(env: ToolEnv): Tool {
  return {
    name: 'connect_database',
    description: 'Check the connection to the Milvus vector database. The connection is made automatically; call this only to report its status.',
    parameters: { type: 'object', properties: {}, required: [] },
    async run(_args, signal) {
      try {
        const collections = await env.store.listCollections(signal);
        return ok({ message: `Connected to Milvus (the connection is automatic). ${collections.length} collection(s) exist.`, total_collections: collections.length });
      } catch (err) {
        return fail(`Milvus is not reachable: ${errorMessage(err)}`);
      }
    },
  };
}

export function createCollection(env: ToolEnv): Tool {
  return {
    name: 'create_collection',
    description: `Create a new, empty document collection in Milvus. Names use ${NAME_RULE}.`,
    mutates: true,
    parameters: {
      type: 'object',
      properties: {
        collection_name: { type: 'string', description: 'Collection name' },
        description: { type: 'string', description: 'Collection description' },
      },
      required: ['collection_name'],
    },
    async run(args, signal) {
      const name = str(args.collection_name);
      if (!isValidCollectionName(name)) {
        return fail(`"${name}" is not a valid collection name: use ${NAME_RULE}.`);
      }
      if (await env.store.hasCollection(name, signal)) {
        return fail(`Collection ${name} already exists`);
      }
      await env.store.createCollection(name, { description: str(args.description), embedding: env.embedder.spec, metadata: { createdBy: 'agent' } }, signal);
      return ok({ message: `Successfully created collection ${name}`, collection_name: name });
    },
  };
}

export function addDocuments(env: ToolEnv): Tool {
  return {
    name: 'add_documents',
    description: 'Add text documents to an existing collection (each is chunked and, when embeddings are configured, vectorized).',
    mutates: true,
    parameters: {
      type: 'object',
      properties: {
        collection_name: { type: 'string', description: 'Collection name' },
        documents: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 1000, description: 'Document list' },
      },
      required: ['collection_name', 'documents'],
    },
    async run(args, signal) {
      const name = str(args.collection_name);
      const documents = (args.documents as unknown[]).filter((d): d is string => typeof d === 'string' && d.trim() !== '');
      if (!(await env.store.hasCollection(name, signal))) {
        return fail(`Collection ${name} does not exist. Create it first with create_collection.`);
      }
      const info = await env.store.describeCollection(name, signal);
      const spec = env.embedder.spec;
      if (info.embedding && (!spec || spec.model !== info.embedding.model || spec.dimensions !== info.embedding.dimensions)) {
        return fail(`Collection ${name} was built with embeddings from ${info.embedding.model}, which is not the embedder configured now; documents cannot be added to it.`);
      }
      const rows: Array<Omit<ChunkRow, 'vector'>> = [];
      for (const doc of documents) {
        const hash = sha256Hex(doc);
        // Documents have no file; a content-derived path keeps ids stable and cites them uniquely.
        const path = `documents/${hash.slice(0, 12)}.txt`;
        rows.push(...chunkRows(path, chunkDocument(doc, path), hash));
      }
      const vectors = info.embedding ? await env.embedder.embed(rows.map((r) => chunkInput(r.path, r.text, r.section)), signal) : undefined;
      await env.store.upsert(name, rows.map((r, i) => (vectors ? { ...r, vector: vectors[i] } : r)), signal);
      return ok({
        message: `Successfully added ${documents.length} documents to collection ${name}`,
        inserted_count: documents.length,
        chunks: rows.length,
      });
    },
  };
}

export function listAllCollections(env: ToolEnv): Tool {
  return {
    name: 'list_all_collections',
    description: 'List all collections in the database with their document (chunk) counts and descriptions.',
    parameters: { type: 'object', properties: {}, required: [] },
    async run(_args, signal) {
      const collections = await env.store.listCollections(signal);
      if (collections.length === 0) {
        return ok({ message: 'No collections in database', total_collections: 0, collections: [] });
      }
      return ok(
        {
          message: `Database contains ${collections.length} collections total`,
          total_collections: collections.length,
          collections: collections.map((c) => ({
            name: c.name,
            document_count: c.rowCount,
            description: c.description || 'No description',
            search: c.embedding ? `hybrid (BM25 + ${c.embedding.model})` : 'BM25 full-text',
            ...(c.metadata.root ? { folder: c.metadata.root } : {}),
          })),
        },
        `${collections.length} collection(s)`,
      );
    },
  };
}
