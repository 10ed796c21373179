// The sample workspace the UI suites and `npm run screenshots` open, as a fresh copy each time:
// VS Code writes into the folder it opens (the web workbench auto-saves edits, tests create and
// delete files), and nothing a test does may change the tracked fixture.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SAMPLE_WORKSPACE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'sample-workspace');

/**
 * Copies the sample workspace into a new temporary folder, under the fixture's own name (the
 * window title and the collection name derive from it). `remove()` deletes the copy.
 */
export function copySampleWorkspace() {
  const parent = mkdtempSync(path.join(tmpdir(), 'kimi-milvus-ws-'));
  const folder = path.join(parent, path.basename(SAMPLE_WORKSPACE));
  cpSync(SAMPLE_WORKSPACE, folder, { recursive: true });
  return { folder, remove: () => rmSync(parent, { recursive: true, force: true }) };
}
