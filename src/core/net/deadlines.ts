/**
 * Deadlines for HTTP requests to paid APIs (Kimi, embeddings). Node's own limits (~5 min for
 * headers, none between body chunks) let one stalled request hang a question for many minutes,
 * and a server that only sends SSE comments (`: ping`) keeps a socket "alive" forever. A fetch
 * wrapped here fails with a DeadlineError when the response headers do not arrive in time, when
 * the body makes no progress for too long (what counts as progress is up to the caller: SSE
 * comments do not), or when the whole request takes too long.
 */
import { AppError } from '../errors';

export interface Deadlines {
  /** Until the response status and headers arrive (connect included). */
  readonly headersMs: number;
  /** Longest silence between two pieces of progress in the body. */
  readonly idleMs: number;
  /** The whole request, body included. */
  readonly totalMs: number;
}

export const DEFAULT_DEADLINES: Deadlines = { headersMs: 30_000, idleMs: 60_000, totalMs: 600_000 };

export type DeadlineKind = 'headers' | 'idle' | 'total';

/** A request ended by one of its deadlines. Its message avoids "timed out" so SDKs keep it as the cause. */
export class DeadlineError extends AppError {
  constructor(
    message: string,
    readonly kind: DeadlineKind,
  ) {
    super(message);
  }
}

/** Sees each body chunk; true when it carries progress. A fresh one is made per response. */
export type ProgressFilter = () => (chunk: Uint8Array) => boolean;

/** Any byte is progress (a JSON body). */
export const anyBytes: ProgressFilter = () => (chunk) => chunk.length > 0;

/**
 * Server-sent events: progress is a line that is not a comment. A line starting with ':' (a
 * keep-alive `: ping`) and blank separator lines are not; the state carries across chunks,
 * since a line may be split anywhere.
 */
export const sseEvents: ProgressFilter = () => {
  let atLineStart = true;
  let inComment = false;
  return (chunk) => {
    let progress = false;
    for (const byte of chunk) {
      if (byte === 0x0a) {
        atLineStart = true;
      } else if (byte !== 0x0d) {
        if (atLineStart) {
          inComment = byte === 0x3a;
          atLineStart = false;
        }
        progress ||= !inComment;
      }
    }
    return progress;
  };
};

/** Merges partial deadlines (from settings) over the defaults, ignoring non-positive values. */
export function deadlinesFrom(partial: Partial<Deadlines> | undefined): Deadlines {
  const pick = (v: number | undefined, d: number): number => (v !== undefined && Number.isFinite(v) && v > 0 ? v : d);
  return {
    headersMs: pick(partial?.headersMs, DEFAULT_DEADLINES.headersMs),
    idleMs: pick(partial?.idleMs, DEFAULT_DEADLINES.idleMs),
    totalMs: pick(partial?.totalMs, DEFAULT_DEADLINES.totalMs),
  };
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

/** `baseFetch` with deadlines; `what` names the server in messages ("Kimi", "the embedding endpoint"). */
export function withDeadlines(baseFetch: typeof fetch, deadlines: Deadlines, what: string, progress: ProgressFilter = anyBytes): typeof fetch {
  return async (input, init) => {
    const guard = new RequestDeadlines(what, deadlines, init?.signal ?? undefined);
    let res: Response;
    try {
      res = await baseFetch(input, { ...init, signal: guard.signal });
    } catch (err) {
      guard.stop();
      throw guard.failureOr(err);
    } finally {
      guard.headersArrived();
    }
    if (!res.body) {
      guard.stop();
      return res;
    }
    return new Response(guard.watch(res.body, progress()), { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

/** The deadlines of one request: the whole request and its headers from the start, then silence while the body streams. */
class RequestDeadlines {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private failure: DeadlineError | undefined;
  private readonly total: ReturnType<typeof setTimeout>;
  private readonly headers: ReturnType<typeof setTimeout>;
  private idle: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly what: string,
    private readonly deadlines: Deadlines,
    private readonly outer: AbortSignal | undefined,
  ) {
    // Unref'd: the open socket keeps the process alive while a request runs, and a body nobody
    // reads must not hold a CLI open for ten minutes after it is done.
    this.total = unref(setTimeout(() => this.fail(`did not finish the request within ${seconds(deadlines.totalMs)}.`, 'total'), deadlines.totalMs));
    this.headers = unref(setTimeout(() => this.fail(`sent no response within ${seconds(deadlines.headersMs)}.`, 'headers'), deadlines.headersMs));
    this.signal = outer ? AbortSignal.any([outer, this.controller.signal]) : this.controller.signal;
  }

  /** Our deadline's error for what the request threw, unless the caller cancelled it. */
  failureOr(err: unknown): unknown {
    return this.failure && !this.outer?.aborted ? this.failure : err;
  }

  headersArrived(): void {
    clearTimeout(this.headers);
  }

  stop(): void {
    clearTimeout(this.idle);
    clearTimeout(this.total);
  }

  /** The body, passed through; each chunk that counts as progress restarts the idle deadline. */
  watch(body: ReadableStream<Uint8Array>, isProgress: (chunk: Uint8Array) => boolean): ReadableStream<Uint8Array> {
    const reader = body.getReader();
    return new ReadableStream<Uint8Array>({
      start: () => this.armIdle(),
      pull: async (c) => {
        try {
          const { done, value } = await reader.read();
          if (done) {
            this.stop();
            c.close();
            return;
          }
          if (isProgress(value)) {
            this.armIdle();
          }
          c.enqueue(value);
        } catch (err) {
          this.stop();
          c.error(this.failureOr(err));
        }
      },
      cancel: (reason) => {
        this.stop();
        return reader.cancel(reason);
      },
    });
  }

  private armIdle(): void {
    clearTimeout(this.idle);
    this.idle = unref(setTimeout(() => this.fail(`sent nothing new for ${seconds(this.deadlines.idleMs)}.`, 'idle'), this.deadlines.idleMs));
  }

  private fail(message: string, kind: DeadlineKind): void {
    if (!this.failure) {
      this.failure = new DeadlineError(`${this.what} ${message}`, kind);
      this.controller.abort(this.failure);
    }
  }
}

function unref(timer: ReturnType<typeof setTimeout>): ReturnType<typeof setTimeout> {
  (timer as { unref?: () => void }).unref?.();
  return timer;
}

/** The DeadlineError behind `err` (itself or a cause), if any. */
export function deadlineOf(err: unknown): DeadlineError | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof DeadlineError) {
      return e;
    }
  }
  return undefined;
}
