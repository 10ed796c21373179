import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { createChatStore } from '../../../src/extension/chat/chatStore';

describe('chat store (JSON files in workspace storage)', () => {
  let dir: string;
  // Only fsPath is read; the rest of vscode.Uri is not needed outside VS Code.
  const uri = (): vscode.Uri => ({ fsPath: path.join(dir, 'ws-storage') }) as vscode.Uri;
  const noMemento = {} as vscode.Memento;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'chat-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads nothing at first, then what was saved last, from a fresh instance', async () => {
    assert.equal(await createChatStore(uri(), noMemento).load('chats'), undefined);
    const store = createChatStore(uri(), noMemento);
    const writes = [1, 2, 3, 4, 5].map((n) => store.save('chats', { turns: [], n }));
    await Promise.all(writes);
    assert.deepEqual(await createChatStore(uri(), noMemento).load('chats'), { turns: [], n: 5 });
    assert.deepEqual(readdirSync(uri().fsPath), ['chats.json'], 'no temporary file left behind');
  });

  it('a corrupt file loads as nothing instead of failing; remove deletes a document', async () => {
    const store = createChatStore(uri(), noMemento);
    await store.save('chat-a', { ok: true });
    writeFileSync(path.join(uri().fsPath, 'chat-a.json'), '{"turns": [');
    assert.equal(await createChatStore(uri(), noMemento).load('chat-a'), undefined);
    await store.remove('chat-a');
    assert.deepEqual(readdirSync(uri().fsPath), []);
    await assert.rejects(store.save('../escape', {}), /Not a chat store name/);
  });

  it('without a storage folder it uses the memento', async () => {
    const values = new Map<string, unknown>();
    const memento = { get: (k: string) => values.get(k), update: async (k: string, v: unknown) => void values.set(k, v) } as unknown as vscode.Memento;
    const store = createChatStore(undefined, memento);
    await store.save('chats', { turns: ['x'] });
    assert.deepEqual(await store.load('chats'), { turns: ['x'] });
    assert.deepEqual([...values.keys()], ['kimiMilvus.chats']);
  });
});
