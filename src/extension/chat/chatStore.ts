import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type * as vscode from 'vscode';

/** Where a workspace's conversation is kept. */
export interface ChatStore {
  load(): Promise<unknown>;
  save(data: unknown): Promise<void>;
}

const FILE = 'chat.json';
const MEMENTO_KEY = 'kimiMilvus.chat';

/**
 * A JSON file in the workspace's storage folder (on the machine the extension runs on). Chosen
 * over workspaceState because a file write is durable at once: workspaceState is flushed by the
 * workbench later, and a window reload right after an answer lost it in the e2e test. Without a
 * folder open (no storageUri) it falls back to workspaceState.
 */
export function createChatStore(storageUri: vscode.Uri | undefined, memento: vscode.Memento): ChatStore {
  if (!storageUri) {
    return { load: async () => memento.get<unknown>(MEMENTO_KEY), save: (data) => Promise.resolve(memento.update(MEMENTO_KEY, data)) };
  }
  const dir = storageUri.fsPath;
  const file = path.join(dir, FILE);
  let writing: Promise<void> = Promise.resolve();
  return {
    load: async () => {
      try {
        return JSON.parse(await fs.readFile(file, 'utf8')) as unknown;
      } catch {
        return undefined;
      }
    },
    save: (data) => {
      const text = JSON.stringify(data);
      // Serialized, and written to a temporary file first, so a crash never leaves half a file.
      writing = writing
        .catch(() => undefined)
        .then(async () => {
          await fs.mkdir(dir, { recursive: true });
          const tmp = `${file}.${process.pid}.tmp`;
          await fs.writeFile(tmp, text, 'utf8');
          await fs.rename(tmp, file);
        });
      return writing;
    },
  };
}
