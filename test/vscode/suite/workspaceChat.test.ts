// Runs inside the real extension host: what the chat takes from the editor (a selection, the lines
// around the cursor), Apply (a diff, then one undoable WorkspaceEdit on the target file only) and
// the conversation file that Edit and Regenerate rely on after a reload.
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ChatEngine } from '../../../src/extension/chat/chatSession';
import { ChatSession } from '../../../src/extension/chat/chatSession';
import { createChatStore } from '../../../src/extension/chat/chatStore';
import { CodeProposals } from '../../../src/extension/chat/codeProposals';
import { withContext } from '../../../src/extension/chat/contextPrompt';
import { captureEditor, EditorContext } from '../../../src/extension/chat/editorContext';
import { MentionSearch, mentionNotes, resolveMentions } from '../../../src/extension/chat/mentions';
import { nullLogger } from '../../../src/core/logger';

const root = (): string => {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder');
  return folder.uri.fsPath;
};

async function until<T>(what: string, check: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) {
      return v;
    }
    if (Date.now() > deadline) {
      assert.fail(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Answers "re: <question> after <n>", n being how many earlier questions its history holds. */
const echoEngine: ChatEngine = {
  size: (h) => (Array.isArray(h) ? h.length : 0),
  rewind: (h, n) => (Array.isArray(h) ? h.slice(0, n) : h),
  async run(history, question, onEvent) {
    const before = Array.isArray(history) ? history : [];
    onEvent({ type: 'done', text: `re: ${question} after ${before.length}`, usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 }, steps: 1, incomplete: false });
    return [...before, question];
  },
};

describe('the chat and the editor (inside VS Code)', function () {
  this.timeout(60_000);
  const foghorn = (): string => path.join(root(), 'src', 'foghorn.js');
  let autoSave: unknown;
  let original = '';

  before(async () => {
    // Apply changes the fixture in memory only: with the web workbench's auto-save the change would
    // reach the disk (and live sync) while other suites use the fixture.
    original = readFileSync(foghorn(), 'utf8');
    const files = vscode.workspace.getConfiguration('files');
    autoSave = files.inspect('autoSave')?.globalValue;
    await files.update('autoSave', 'off', vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === foghorn());
    if (doc?.isDirty) {
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
    if (readFileSync(foghorn(), 'utf8') !== original) {
      writeFileSync(foghorn(), original);
    }
    await vscode.workspace.getConfiguration('files').update('autoSave', autoSave, vscode.ConfigurationTarget.Global);
  });

  it('captures a selection with its workspace path, lines and language; no selection gives the lines around the cursor', async () => {
    const doc = await vscode.workspace.openTextDocument(foghorn());
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(3, 0, 6, 0);
    const sel = captureEditor(editor);
    assert.ok(sel);
    assert.deepEqual(sel.source, { path: 'src/foghorn.js', startLine: 4, endLine: 6, root: root() });
    assert.equal(sel.kind, 'selection');
    assert.equal(sel.language, 'javascript');
    assert.equal(sel.text, doc.getText(new vscode.Range(3, 0, 6, 0)));
    assert.match(withContext('Why Friday?', [sel]), /src\/foghorn\.js:4-6 \(selected\):\n```javascript\nfunction nextFoghornTest/);

    editor.selection = new vscode.Selection(1, 3, 1, 3);
    const cursor = captureEditor(editor);
    assert.ok(cursor);
    assert.equal(cursor.kind, 'cursor');
    assert.equal(cursor.source.startLine, 1);
    assert.equal(cursor.source.endLine, doc.lineCount);
    assert.equal(captureEditor(undefined), undefined);

    // "Add Selection to Chat" keeps what was selected then, even if the selection moves on.
    const context = new EditorContext();
    try {
      editor.selection = new vscode.Selection(3, 0, 4, 0);
      assert.ok(context.addSelection(editor));
      editor.selection = new vscode.Selection(0, 0, 0, 0);
      assert.deepEqual(context.addedChips().map((c) => c.label), ['src/foghorn.js:4']);
      const [chip] = context.addedChips();
      const taken = context.take([chip?.id ?? '']);
      assert.equal(taken[0]?.text, 'function nextFoghornTest(from) {\n');
      assert.deepEqual(context.addedChips(), [], 'an added selection is used once');
    } finally {
      context.dispose();
    }
  });

  it('the automatic context around the cursor is the 20 lines the docs promise, also near the ends of a file', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'javascript', content: Array.from({ length: 100 }, (_, i) => `line ${i + 1}`).join('\n') });
    const editor = await vscode.window.showTextDocument(doc);
    const lines = (caretLine: number) => {
      editor.selection = new vscode.Selection(caretLine - 1, 0, caretLine - 1, 0);
      const a = captureEditor(editor);
      assert.ok(a);
      assert.equal(a.kind, 'cursor');
      assert.ok(a.source.startLine <= caretLine && caretLine <= a.source.endLine, `line ${caretLine} in ${a.source.startLine}-${a.source.endLine}`);
      assert.equal(a.text.split('\n').length, a.source.endLine - a.source.startLine + 1);
      return a.source.endLine - a.source.startLine + 1;
    };
    assert.equal(lines(50), 20);
    assert.equal(lines(1), 20);
    assert.equal(lines(100), 20);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('@ with nothing after it suggests the top folders before files', async () => {
    const search = new MentionSearch();
    try {
      const bare = await search.search('');
      assert.ok(bare.length > 0);
      assert.equal(bare[0]?.kind, 'folder', JSON.stringify(bare.slice(0, 5)));
      assert.ok(bare.some((m) => m.kind === 'file'), 'files follow');
    } finally {
      search.dispose();
    }
  });

  it('@ mentions: fuzzy files and folders from the file search, search.exclude respected; a file is attached, a folder scopes the search', async () => {
    const search = new MentionSearch();
    const exclude = vscode.workspace.getConfiguration('search').inspect('exclude')?.globalValue;
    try {
      const fog = await search.search('fghrn');
      assert.deepEqual(fog[0], { kind: 'file', path: 'src/foghorn.js', root: root() });
      const src = await search.search('src');
      assert.ok(src.some((m) => m.kind === 'folder' && m.path === 'src/'), JSON.stringify(src));
      assert.ok((await search.search('maint')).some((m) => m.path === 'docs/maintenance.md'));
      await vscode.workspace.getConfiguration('search').update('exclude', { '**/docs': true }, vscode.ConfigurationTarget.Global);
      const fresh = new MentionSearch();
      try {
        const maint = await fresh.search('maint');
        assert.ok(!maint.some((m) => m.path.startsWith('docs/')), `search.exclude ignored: ${JSON.stringify(maint)}`);
      } finally {
        fresh.dispose();
      }
    } finally {
      search.dispose();
      await vscode.workspace.getConfiguration('search').update('exclude', exclude, vscode.ConfigurationTarget.Global);
    }

    const text = readFileSync(foghorn(), 'utf8');
    const mentioned = await resolveMentions(
      [
        { kind: 'file', path: 'src/foghorn.js', root: root() },
        { kind: 'folder', path: 'docs/', root: root() },
      ],
      true,
    );
    assert.equal(mentioned.attachments.length, 1);
    const [file] = mentioned.attachments;
    assert.equal(file?.text, text);
    assert.deepEqual(file?.source, { path: 'src/foghorn.js', startLine: 1, endLine: text.split('\n').length, root: root() });
    assert.deepEqual(mentioned.searchScope, ['docs/']);
    const prompt = withContext('Why Friday?', mentioned.attachments) + mentionNotes(mentioned);
    assert.match(prompt, /src\/foghorn\.js:1-\d+ \(mentioned file\):\n```js\n/);
    assert.match(prompt, /search_workspace only searches there/);
    // Over the budget: cut at a line end, with a note saying what is missing.
    assert.match(withContext('q', mentioned.attachments, 20), /\[Truncated to fit the context budget: lines \d+-\d+ are not shown/);

    // Restricted Mode: nothing is read, and the model is told why.
    const untrusted = await resolveMentions([{ kind: 'file', path: 'src/foghorn.js', root: root() }], false);
    assert.equal(untrusted.attachments.length, 0);
    assert.match(untrusted.notes.join('\n'), /not trusted/);
    // A missing file is a note, not a failure.
    const missing = await resolveMentions([{ kind: 'file', path: 'src/nope.js', root: root() }], true);
    assert.equal(missing.attachments.length, 0);
    assert.match(missing.notes.join('\n'), /src\/nope\.js: not attached/);
  });

  it('Apply shows a diff, and accepting changes only the target file, in one undoable edit', async () => {
    const proposals = new CodeProposals('kimi-milvus-proposal-test');
    const registration = vscode.workspace.registerTextDocumentContentProvider('kimi-milvus-proposal-test', proposals);
    try {
      const doc = await vscode.workspace.openTextDocument(foghorn());
      const before = doc.getText();
      const others = await Promise.all(
        ['src/logbook.py', 'README.md'].map(async (p) => vscode.workspace.openTextDocument(path.join(root(), p))),
      );
      const othersBefore = others.map((d) => d.getText());
      const decided = proposals.propose('  d.setHours(13, 30, 0, 0);\n', { path: 'src/foghorn.js', startLine: 7, endLine: 7 }, false);
      // The diff's right side is the proposal: the file with line 7 replaced.
      const proposal = await until('the diff', () => {
        const e = vscode.window.activeTextEditor;
        return e?.document.uri.scheme === 'kimi-milvus-proposal-test' ? e.document : undefined;
      });
      assert.equal(proposal.getText(), before.replace('d.setHours(12, 0, 0, 0);', 'd.setHours(13, 30, 0, 0);'));
      assert.equal(doc.getText(), before, 'changed before the user accepted');
      assert.equal(await proposals.accept(proposal.uri), true);
      assert.equal(await decided, true);
      assert.equal(doc.getText(), proposal.getText());
      assert.ok(doc.isDirty, 'an applied proposal is left for the user to save');
      assert.equal(readFileSync(foghorn(), 'utf8'), before, 'written to disk behind the user');
      assert.deepEqual(others.map((d) => d.getText()), othersBefore);
      // One undo step takes it all back.
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('undo');
      assert.equal(doc.getText(), before);
      assert.equal(doc.isDirty, false);

      // Reject leaves the file alone; a proposal made stale by an edit is refused.
      const rejected = proposals.propose('x', { path: 'src/foghorn.js', startLine: 1, endLine: 1 }, true);
      const second = await until('the second diff', () => {
        const e = vscode.window.activeTextEditor;
        return e?.document.uri.scheme === 'kimi-milvus-proposal-test' ? e.document : undefined;
      });
      await proposals.reject(second.uri);
      assert.equal(await rejected, false);
      assert.equal(doc.getText(), before);
      assert.equal(await proposals.propose('x', { path: '../outside.js', startLine: 1, endLine: 1 }, true), false);
    } finally {
      registration.dispose();
      proposals.dispose();
    }
  });

  it('the conversation file keeps turns, history and where each turn began, for Edit after a reload', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kimi-chat-store-'));
    try {
      const engine: ChatEngine = {
        size: (h) => (Array.isArray(h) ? h.length : 0),
        rewind: (h, n) => (Array.isArray(h) ? h.slice(0, n) : h),
        async run(history, question, onEvent) {
          onEvent({ type: 'done', text: `re: ${question}`, usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 }, steps: 1, incomplete: false });
          return [...(Array.isArray(history) ? history : []), question];
        },
      };
      const memento = { get: () => undefined, update: () => Promise.resolve(), keys: () => [] } as unknown as vscode.Memento;
      const first = new ChatSession(createChatStore(vscode.Uri.file(dir), memento), engine, nullLogger);
      await first.send('one', { prompt: 'one\n\n---\ncontext', attachments: [{ path: 'src/foghorn.js', startLine: 4, endLine: 6 }] });
      await first.send('two');
      first.dispose();
      const saved = JSON.parse(readFileSync(path.join(dir, `chat-${first.currentConversation}.json`), 'utf8')) as { marks: Record<string, number> };
      assert.equal(Object.keys(saved.marks).length, 2);

      const again = new ChatSession(createChatStore(vscode.Uri.file(dir), memento), engine, nullLogger);
      await again.whenLoaded();
      assert.deepEqual(again.allTurns.map((t) => t.question), ['one', 'two']);
      assert.deepEqual(again.allTurns[0]?.attachments, [{ path: 'src/foghorn.js', startLine: 4, endLine: 6 }]);
      const turn = again.allTurns[0];
      assert.ok(turn);
      await again.resend(turn.id, 'one, again');
      assert.deepEqual(again.allTurns.map((t) => t.question), ['one, again']);
      // The edited question still carries its context.
      assert.equal(again.allTurns[0]?.answer, 're: one, again\n\n---\ncontext');
      again.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('conversations: New chat keeps the previous one; switch, rename, delete; the open one and the old single file survive a reload', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kimi-chat-conversations-'));
    const memento = { get: () => undefined, update: () => Promise.resolve(), keys: () => [] } as unknown as vscode.Memento;
    const open = (): ChatSession => new ChatSession(createChatStore(vscode.Uri.file(dir), memento), echoEngine, nullLogger);
    try {
      // A conversation file from before conversations existed is migrated, not lost.
      const legacy = { turns: [{ id: 't0', question: 'Where is the lamp?\nMore detail.', answer: 'Top.', reasoning: '', tools: [], sources: [], status: 'done' }], history: ['Where is the lamp?'] };
      writeFileSync(path.join(dir, 'chat.json'), JSON.stringify(legacy));
      const session = open();
      await session.whenLoaded();
      assert.deepEqual(session.allTurns.map((t) => t.answer), ['Top.']);
      assert.deepEqual((await session.list()).map((c) => c.title), ['Where is the lamp?']);
      assert.equal(existsSync(path.join(dir, 'chat.json')), false, 'the old file is removed once migrated');
      const migrated = session.currentConversation;

      // New chat keeps the previous conversation; the new one is titled from its first question.
      await session.newConversation();
      assert.equal(session.allTurns.length, 0);
      await session.send('How often is the horn tested?');
      const second = session.currentConversation;
      assert.deepEqual((await session.list()).map((c) => c.title), ['How often is the horn tested?', 'Where is the lamp?']);

      // Switch back: the old turns, and the model continues from that conversation's history.
      assert.equal(await session.switchTo(migrated), true);
      assert.deepEqual(session.allTurns.map((t) => t.question), ['Where is the lamp?\nMore detail.']);
      await session.send('And the wick?');
      assert.equal(session.allTurns.at(-1)?.answer, 're: And the wick? after 1');
      assert.equal(await session.rename(migrated, '  The lamp  '), true);
      assert.equal(await session.rename(migrated, '   '), false, 'an empty title is refused');
      assert.equal(await session.switchTo('00000000-0000-0000-0000-000000000000'), false);
      session.dispose();

      // After a reload the last open conversation is open again, with its new title.
      const reloaded = open();
      await reloaded.whenLoaded();
      assert.equal(reloaded.currentConversation, migrated);
      assert.deepEqual(reloaded.allTurns.map((t) => t.question), ['Where is the lamp?\nMore detail.', 'And the wick?']);
      assert.deepEqual((await reloaded.list()).map((c) => c.title), ['The lamp', 'How often is the horn tested?']);

      // Deleting the open conversation opens the most recent other one; its file is gone.
      await reloaded.remove(migrated);
      assert.equal(reloaded.currentConversation, second);
      assert.deepEqual(reloaded.allTurns.map((t) => t.question), ['How often is the horn tested?']);
      assert.equal(existsSync(path.join(dir, `chat-${migrated}.json`)), false);
      assert.deepEqual((await reloaded.list()).map((c) => c.id), [second]);
      reloaded.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
