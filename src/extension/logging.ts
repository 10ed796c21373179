import * as vscode from 'vscode';
import { formatLogLine, type Logger } from '../core/logger';
import type { Redactor } from '../core/redaction';

/**
 * Routes the core logger to the "Kimi Milvus" LogOutputChannel; every line goes through `redact`.
 * `tee` sees the same redacted lines (the extension-host tests read them back).
 */
export function createChannelLogger(channel: vscode.LogOutputChannel, tee?: (line: string) => void, redactor?: Redactor): Logger {
  const text = (message: string | Error, args: unknown[]): string => {
    // The known keys first (exact values), then the key-shaped patterns of formatLogLine.
    const line = formatLogLine(redactor ? redactor.redact(message instanceof Error ? (message.stack ?? message.message) : message) : message, redactor ? redactor.redactDeep(args) : args);
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
