/** Reading what a starting Milvus Lite server left behind: its ready file and its log. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ServerPaths } from './serverState';

export function readReady(file: string): { pid: number; port: number; version: string } | undefined {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'pid' in parsed && 'port' in parsed) {
      const { pid, port } = parsed;
      const version = 'version' in parsed && typeof parsed.version === 'string' ? parsed.version : 'unknown';
      if (typeof pid === 'number' && typeof port === 'number') {
        return { pid, port, version };
      }
    }
  } catch {
    // Not written yet.
  }
  return undefined;
}

export function logTail(file: string): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.split('\n').slice(-25).join('\n');
  } catch {
    return '(no log)';
  }
}

export function startFailure(code: number | null, tail: string, p: ServerPaths): string {
  if (tail.includes('DataDirLockedError')) {
    return (
      `Another program holds Milvus Lite's data directory ${p.milvusDir} (not started by Kimi Milvus, or left ` +
      `from an older version). Stop it, or use another data dir.\n${tail}`
    );
  }
  return `Milvus Lite exited during start (code ${code}). Log (${path.basename(p.logFile)} in ${p.dataDir}):\n${tail}`;
}
