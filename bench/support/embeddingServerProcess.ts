/**
 * The fake embedding server in a process of its own, for benchmarks whose memory figures must be the
 * indexer's alone (a real embedder is another process too). The parent forks this file and talks to
 * it over IPC: 'reset' zeroes the counters, 'stats' returns them, 'close' ends it.
 *
 *   const server = await ForkedEmbeddingServer.start({ dimensions: 768, latencyMs: 50 });
 */
import { fork, type ChildProcess } from 'node:child_process';
import { FakeEmbeddingServer } from '../../test/fakes/embeddingServer';

interface Stats {
  readonly requests: number;
  readonly inputs: number;
}

export class ForkedEmbeddingServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static start(options: { dimensions: number; latencyMs: number }): Promise<ForkedEmbeddingServer> {
    const child = fork(__filename, [JSON.stringify(options)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`the fake embedding server exited (${code})`)));
      child.once('message', (m: { url: string }) => resolve(new ForkedEmbeddingServer(child, m.url)));
    });
  }

  private ask<T>(what: 'reset' | 'stats'): Promise<T> {
    return new Promise((resolve) => {
      this.child.once('message', (m: T) => resolve(m));
      this.child.send(what);
    });
  }

  async reset(): Promise<void> {
    await this.ask('reset');
  }

  stats(): Promise<Stats> {
    return this.ask<Stats>('stats');
  }

  async close(): Promise<void> {
    this.child.removeAllListeners('exit');
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send('close');
    await exited;
  }
}

async function serve(options: { dimensions: number; latencyMs: number }): Promise<void> {
  const server = await new FakeEmbeddingServer(options).start();
  process.on('message', (m: string) => {
    if (m === 'reset') {
      server.reset();
      process.send?.({ ok: true });
    } else if (m === 'stats') {
      process.send?.({ requests: server.requests, inputs: server.inputs });
    } else if (m === 'close') {
      void server.close().then(() => process.exit(0));
    }
  });
  process.send?.({ url: server.url });
}

if (require.main === module && process.send) {
  void serve(JSON.parse(process.argv[2] ?? '{}') as { dimensions: number; latencyMs: number });
}
