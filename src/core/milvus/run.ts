/** Runs a short-lived child process with a hard timeout, cancellation and line callbacks. */
import { spawn } from 'node:child_process';
import { UserAbortError } from '../errors';
import { childEnv } from '../redaction';

export interface RunOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  readonly onLine?: (line: string) => void;
  readonly env?: NodeJS.ProcessEnv;
}

export interface RunResult {
  readonly code: number | null;
  /** The last ~60 lines of stdout+stderr, for error messages. */
  readonly tail: string;
  readonly timedOut: boolean;
}

export function runProcess(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new UserAbortError());
      return;
    }
    const child = spawn(command, [...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
      env: childEnv(options.env ?? process.env),
    });
    const lines: string[] = [];
    let partial = '';
    let timedOut = false;
    const onData = (chunk: Buffer): void => {
      const parts = (partial + chunk.toString('utf8')).split(/\r?\n|\r/);
      partial = parts.pop() ?? '';
      for (const line of parts) {
        if (line.trim()) {
          lines.push(line);
          if (lines.length > 60) {
            lines.shift();
          }
          options.onLine?.(line);
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    const onAbort = (): void => {
      child.kill('SIGKILL');
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.once('error', (err) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (partial.trim()) {
        lines.push(partial);
      }
      if (options.signal?.aborted) {
        reject(new UserAbortError());
        return;
      }
      resolve({ code, tail: lines.join('\n'), timedOut });
    });
  });
}
