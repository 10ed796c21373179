import * as vscode from 'vscode';
import { redact, type Logger } from '../core/logger';

/**
 * Routes the core logger to the "Kimi Milvus" LogOutputChannel; every line goes through `redact`.
 * `tee` sees the same redacted lines (the extension-host tests read them back).
 */
export function createChannelLogger(channel: vscode.LogOutputChannel, tee?: (line: string) => void): Logger {
  const text = (message: string | Error, args: unknown[]): string => {
    const head = message instanceof Error ? (message.stack ?? message.message) : message;
    const tail = args.map((a) => (typeof a === 'string' ? a : stringify(a))).join(' ');
    const line = redact(tail ? `${head} ${tail}` : head);
    tee?.(line);
    return line;
  };
  return {
    trace: (m, ...a) => channel.trace(text(m, a)),
    debug: (m, ...a) => channel.debug(text(m, a)),
    info: (m, ...a) => channel.info(text(m, a)),
    warn: (m, ...a) => channel.warn(text(m, a)),
    error: (m, ...a) => channel.error(text(m, a)),
  };
}

function stringify(value: unknown): string {
  if (value instanceof Error) {
    return value.message;
  }
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
