/**
 * The fake Kimi server's Files API (docs/reference/kimi-api.md#files-and-documents): upload with
 * purpose "file-extract" (multipart), the file object, the extracted content, delete, list; Kimi's
 * documented limits and their 400 messages. Extraction here is deliberately naive and independent of
 * the product's extractors: it reads the text straight out of the uncompressed files the tests make
 * (PDF text operators per page, the XML parts of a stored zip). Pages of a PDF are separated by form
 * feeds, an assumption about Kimi's output the product also handles without (see kimiExtractor.ts).
 */
import type * as http from 'node:http';

export interface StoredFile {
  readonly id: string;
  readonly filename: string;
  readonly bytes: Buffer;
  readonly purpose: string;
  readonly createdAt: number;
}

export interface FakeFilesOptions {
  readonly maxFileBytes?: number;
  readonly maxFiles?: number;
  /** Extraction fails for files whose name matches: the upload answers with status "error". */
  readonly failExtraction?: RegExp;
  /** Delay before GET …/content answers (tests of deadlines). */
  readonly contentDelayMs?: number;
}

export interface FakeFiles {
  /** Files currently stored (uploaded and not deleted). */
  readonly stored: Map<string, StoredFile>;
  /** Every upload ever made, deleted or not. */
  readonly uploads: StoredFile[];
  readonly deleted: string[];
  handle(req: http.IncomingMessage, path: string, raw: Buffer, res: http.ServerResponse): Promise<boolean>;
}

type Send = (status: number, body: unknown) => void;

export function fakeFiles(options: FakeFilesOptions = {}): FakeFiles {
  const stored = new Map<string, StoredFile>();
  const uploads: StoredFile[] = [];
  const deleted: string[] = [];
  let seq = 0;
  const maxBytes = options.maxFileBytes ?? 100 * 1024 * 1024;
  const maxFiles = options.maxFiles ?? 1000;
  const object = (f: StoredFile, status = 'ok', details = ''): Record<string, unknown> => ({
    id: f.id,
    object: 'file',
    bytes: f.bytes.length,
    created_at: f.createdAt,
    filename: f.filename,
    purpose: f.purpose,
    status,
    status_details: details,
  });

  const upload = async (req: http.IncomingMessage, raw: Buffer, send: Send): Promise<void> => {
    const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData().catch(() => undefined);
    const file = form?.get('file');
    const purpose = form?.get('purpose');
    if (!form || !(file instanceof Blob)) {
      return send(400, { error: { type: 'invalid_request_error', message: 'Invalid request: no file in the multipart body' } });
    }
    if (purpose !== 'file-extract') {
      return send(400, { error: { type: 'invalid_request_error', message: "Invalid purpose: only 'file-extract' accepted" } });
    }
    const bytes = Buffer.from(await file.arrayBuffer());
    if (bytes.length === 0) {
      return send(400, { error: { type: 'invalid_request_error', message: 'File size is zero, please confirm and re-upload the file' } });
    }
    if (bytes.length > maxBytes) {
      return send(400, { error: { type: 'invalid_request_error', message: `File size is too large, max file size is ${Math.round(maxBytes / 1024 / 1024)}MB, please confirm and re-upload the file` } });
    }
    if (stored.size >= maxFiles) {
      return send(400, { error: { type: 'invalid_request_error', message: `The number of files you have uploaded exceeded the max file count ${maxFiles}, please delete previous uploaded files` } });
    }
    const f: StoredFile = { id: `file-fake-${++seq}`, filename: file.name || 'upload', bytes, purpose, createdAt: Math.floor(Date.now() / 1000) };
    stored.set(f.id, f);
    uploads.push(f);
    send(200, options.failExtraction?.test(f.filename) ? object(f, 'error', 'failed to parse the file') : object(f));
  };

  const handle = async (req: http.IncomingMessage, path: string, raw: Buffer, res: http.ServerResponse): Promise<boolean> => {
    const send: Send = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json', 'msh-request-id': 'req-files' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'POST' && path === '/v1/files') {
      await upload(req, raw, send);
      return true;
    }
    if (req.method === 'GET' && path === '/v1/files') {
      send(200, { object: 'list', data: [...stored.values()].map((f) => object(f)) });
      return true;
    }
    const m = /^\/v1\/files\/([^/]+)(\/content)?$/.exec(path);
    if (!m?.[1]) {
      return false;
    }
    const f = stored.get(decodeURIComponent(m[1]));
    if (!f) {
      send(404, { error: { type: 'resource_not_found_error', message: `file ${m[1]} not found` } });
      return true;
    }
    if (req.method === 'GET' && m[2]) {
      if (options.contentDelayMs) {
        await new Promise((r) => setTimeout(r, options.contentDelayMs));
      }
      const content = naiveText(f.bytes, f.filename);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ content, file_type: mimeOf(f.filename), filename: f.filename, title: '', type: 'file' }));
    } else if (req.method === 'GET') {
      send(200, object(f));
    } else if (req.method === 'DELETE') {
      stored.delete(f.id);
      deleted.push(f.id);
      send(200, { id: f.id, object: 'file', deleted: true });
    } else {
      return false;
    }
    return true;
  };
  return { stored, uploads, deleted, handle };
}

function mimeOf(name: string): string {
  return /\.pdf$/i.test(name) ? 'application/pdf' : 'application/octet-stream';
}

/** Text read straight from the bytes of an uncompressed PDF (per page) or a stored zip of XML. */
export function naiveText(bytes: Buffer, filename: string): string {
  const latin = bytes.toString('latin1');
  if (/\.pdf$/i.test(filename)) {
    const pages = [...latin.matchAll(/stream\n([\s\S]*?)\nendstream/g)].map((m) =>
      [...(m[1] ?? '').matchAll(/\(((?:\\.|[^\\)])*)\)\s*(?:'|Tj)/g)].map((t) => (t[1] ?? '').replace(/\\(.)/g, '$1')).join('\n'),
    );
    return pages.join('\n\f');
  }
  const utf8 = bytes.toString('utf8');
  // Each stored XML part runs from its declaration to the next zip header ("PK" and two bytes below 0x05).
  const xml = utf8.split('<?xml').slice(1).map((part) => `<?xml${part.split(/PK[^\x20-\uffff]{2}/)[0] ?? ''}`);
  return xml
    .map((x) => x.replace(/<\/(w:p|a:p|p|h\d|row)>/g, '\n').replace(/<[^>]+>/g, ' ').replace(/[ \t]+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}
