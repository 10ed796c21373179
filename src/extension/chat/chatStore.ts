import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type * as vscode from 'vscode';

/**
 * Named JSON documents in a workspace's storage: the conversation index and one document per
 * conversation. Names are plain words (`chats`, `chat-<uuid>`); `chat` is the single conversation
 * that versions before conversations kept, read once for migration.
 */
export interface ChatStore {
  load(name: string): Promise<unknown>;
  save(name: string, data: unknown): Promise<void>;
  remove(name: string): Promise<void>;
}

const SAFE_NAME = /^[A-Za-z0-9-]{1,80}$/;

function checked(name: string): string {
  if (!SAFE_NAME.test(name)) {
    throw new Error(`Not a chat store name: ${name}`);
  }
  return name;
}

/**
 * JSON files in the workspace's storage folder (on the machine the extension runs on). Chosen
 * over workspaceState because a file write is durable at once: workspaceState is flushed by the
 * workbench later, and a window reload right after an answer lost it in the e2e test. Without a
 * folder open (no storageUri) it falls back to workspaceState, one key per name.
 */
export function createChatStore(storageUri: vscode.Uri | undefined, memento: vscode.Memento): ChatStore {
  if (!storageUri) {
    // `kimiMilvus.chat` is also the key the single conversation used, so migration finds it.
    const key = (name: string): string => `kimiMilvus.${checked(name)}`;
    return {
      load: async (name) => memento.get<unknown>(key(name)),
      save: async (name, data) => memento.update(key(name), data),
      remove: async (name) => memento.update(key(name), undefined),
    };
  }
  const dir = storageUri.fsPath;
  const fileOf = (name: string): string => path.join(dir, `${checked(name)}.json`);
  let writing: Promise<void> = Promise.resolve();
  // Serialized, so a removal never races a write of the same file.
  const queue = (work: () => Promise<void>): Promise<void> => {
    writing = writing.catch(() => undefined).then(work);
    return writing;
  };
  return {
    load: async (name) => {
      try {
        return JSON.parse(await fs.readFile(fileOf(name), 'utf8')) as unknown;
      } catch {
        return undefined;
      }
    },
    save: async (name, data) => {
      const file = fileOf(name);
      const text = JSON.stringify(data);
      return queue(async () => {
        // Written to a temporary file first, so a crash never leaves half a file.
        await fs.mkdir(dir, { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        await fs.writeFile(tmp, text, 'utf8');
        await fs.rename(tmp, file);
      });
    },
    remove: async (name) => {
      const file = fileOf(name);
      return queue(() => fs.rm(file, { force: true }));
    },
  };
}
