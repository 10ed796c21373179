// Code in answers, as a user meets it in the real workbench: citations with underscores are links,
// code blocks are highlighted in every theme kind, Insert at Cursor goes to the editor the user
// typed in (never over the lines a citation revealed), and Apply shows a diff before it changes
// one file. Fake Kimi (real HTTP + SSE); no index is needed for any of this.
import { strict as assert } from 'node:assert';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { reply } from '../fakes/kimiServer';
import { until } from '../support/until';
import { contrast } from './colours';
import { SAMPLE_WORKSPACE, sendQuestion, turnOf, untilTurnEnds, useWorkbenchWithFakeKimi } from './workbench';

const KEY = 'kimi-e2e-key-Code7Blocks';
// A copy of the sample workspace: the browser workbench auto-saves (files.autoSave is on by default in
// the web), so Apply and Insert reach the disk, and the fixture in the repo must stay as it is.
const WORKSPACE = mkdtempSync(path.join(tmpdir(), 'kimi-code-blocks-'));
cpSync(SAMPLE_WORKSPACE, WORKSPACE, { recursive: true });
const FOGHORN = path.join(WORKSPACE, 'src', 'foghorn.js');

/** Every file of the workspace copy with its text, to prove what an action changed. */
function snapshot(): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(WORKSPACE, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const file = path.join(entry.parentPath, entry.name);
      out.set(path.relative(WORKSPACE, file), readFileSync(file, 'utf8'));
    }
  }
  return out;
}
const CODE_ANSWER = [
  'The test time is set in src/foghorn.js:4-9, and logging/__init__.py:2135-2175 shows the same idea;',
  'see also `a_b_c.py:3`.',
  '',
  'A sketch of the rule:',
  '',
  '```python',
  'def next_test(day: int) -> str:',
  '    """Friday at noon."""',
  '    return f"{day:02d} 12:00"  # noon',
  '```',
  '',
  'Change src/foghorn.js:7-7 to:',
  '',
  '```js',
  '  d.setHours(13, 30, 0, 0);',
  '```',
].join('\n');

describe('code in answers (e2e)', function () {
  this.timeout(300_000);
  after(() => rmSync(WORKSPACE, { recursive: true, force: true }));
  const { wb, kimi } = useWorkbenchWithFakeKimi(KEY, { name: 'code-blocks', folder: WORKSPACE, viewport: { width: 1300, height: 860 } });

  const editorLines = () => wb().page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
  /** The visible text of the active editor (Monaco renders spaces as no-break spaces). */
  const editorText = async (): Promise<string> => (await editorLines().innerText()).replace(/\u00a0/g, ' ');

  async function ask(question: string, answer: string): Promise<Frame> {
    kimi().script(reply.text(answer));
    const frame = await wb().chat();
    await sendQuestion(frame, question);
    // The first question also starts Milvus Lite for the tools: give it time.
    await untilTurnEnds(turnOf(frame, question), 'done', 120_000);
    return frame;
  }

  it('with a key set, an answer renders __init__.py citations as links and highlighted code', async () => {
    const frame = await wb().chat();
    await wb().setKimiKey(frame, KEY);

    await ask('Where is the test time set?', CODE_ANSWER);
    const turn = turnOf(frame, 'Where is the test time set?');
    const md = turn.locator('.markdown');
    for (const citation of ['src/foghorn.js:4-9', 'logging/__init__.py:2135-2175', 'a_b_c.py:3', 'src/foghorn.js:7-7']) {
      assert.equal(await md.locator('a.source', { hasText: citation }).count(), 1, `${citation} is not a link`);
    }
    assert.equal(await md.locator('strong').count(), 0, 'underscores turned into bold');
    // Messages say who speaks; code blocks are highlighted and their buttons are told apart.
    assert.equal(await turn.getByRole('article', { name: 'You said' }).count(), 1);
    assert.equal(await turn.getByRole('article', { name: 'Kimi answered' }).count(), 1);
    assert.ok((await md.locator('pre .hljs-keyword').count()) >= 2, 'no highlighted keywords');
    for (const name of ['Copy code block 1', 'Insert code block 1 at cursor', 'Copy code block 2', 'Apply code block 2 to src/foghorn.js']) {
      assert.equal(await frame.getByRole('button', { name, exact: true }).count(), 1, name);
    }
    assert.equal(await frame.getByRole('button', { name: /^Apply code block 1/ }).count(), 0, 'block 1 has no target file');
    // Copy says so in the view.
    await frame.getByRole('button', { name: 'Copy code block 1', exact: true }).click();
    await frame.getByRole('button', { name: 'Copy code block 1', exact: true }).filter({ hasText: 'Copied' }).waitFor({ timeout: 5_000 });
  });

  it('a highlighted code block is readable in light, dark and high-contrast themes, with keywords coloured per theme', async () => {
    await wb().runCommand('Notifications: Clear All Notifications');
    const collections = wb().page.locator('.part.sidebar .pane-header', { hasText: /collections/i });
    if ((await collections.getAttribute('aria-expanded')) === 'true') {
      await collections.click();
    }
    const shots: Array<[string, string, string]> = [
      ['code-light', 'Default Light Modern', '.monaco-workbench.vs'],
      ['code-dark', 'Default Dark Modern', '.monaco-workbench.vs-dark'],
      ['code-high-contrast', 'Default High Contrast', '.monaco-workbench.hc-black'],
    ];
    const colours = new Set<string>();
    for (const [name, theme, marker] of shots) {
      await wb().runCommand('Preferences: Color Theme');
      const input = wb().page.locator('.quick-input-widget input.input');
      await input.fill(theme);
      await wb().page.locator('.quick-input-list .monaco-list-row', { hasText: theme }).first().click();
      await wb().page.locator(marker).waitFor();
      const frame = await wb().chat();
      const keyword = frame.locator('.turn').last().locator('pre .hljs-keyword').first();
      await until(`${theme} in the webview`, async () => {
        const c = await keyword.evaluate((e) => getComputedStyle(e).color);
        return colours.has(c) ? undefined : c;
      }, 10_000).then((c) => colours.add(c));
      // Every piece of code is readable on the block's background (plain text and each token kind).
      const pairs = await frame
        .locator('.turn')
        .last()
        .locator('.code-block')
        .first()
        .evaluate((block) => {
          const bg = getComputedStyle(block).backgroundColor;
          const parts = [block.querySelector('pre code'), ...Array.from(block.querySelectorAll('pre span'))];
          return parts.map((e) => [e ? getComputedStyle(e).color : '', bg]);
        });
      const worst = Math.min(...pairs.map(([fg, bg]) => contrast(fg ?? '', bg ?? '')));
      assert.ok(worst >= 3, `${theme}: some code has a contrast of only ${worst.toFixed(2)}:1`);
      // For a reviewer, under test-results/ (docs/images comes from `npm run screenshots`).
      await wb().page.locator('.part.sidebar').screenshot({ path: path.join(wb().resultsDir, `chat-${name}.png`) });
    }
    assert.equal(colours.size, 3, 'keywords have the same colour in every theme');
    await wb().runCommand('Preferences: Color Theme');
    await wb().page.locator('.quick-input-widget input.input').fill('Default Light Modern');
    await wb().page.locator('.quick-input-list .monaco-list-row', { hasText: 'Default Light Modern' }).first().click();
  });

  it('Insert at Cursor after clicking a citation inserts where the user typed and leaves the cited range intact', async () => {
    await wb().runCommand('File: New Untitled Text File');
    await editorLines().click();
    await wb().page.keyboard.type('// my notes\n');
    const frame = await wb().chat();
    const turn = turnOf(frame, 'Where is the test time set?');
    // The citation opens foghorn.js with lines 4-9 revealed.
    await turn.locator('.markdown a.source', { hasText: 'src/foghorn.js:4-9' }).click();
    await wb().page.locator('.tabs-container .tab.active', { hasText: 'foghorn.js' }).waitFor();
    await wb().page.locator('.statusbar-item', { hasText: /Ln 4, Col 1/ }).waitFor();
    // No selection was left behind for a later insert or keystroke to replace.
    assert.equal(await wb().page.locator('.statusbar-item', { hasText: /selected/ }).count(), 0);

    await frame.getByRole('button', { name: 'Insert code block 1 at cursor', exact: true }).click();
    await wb().page.locator('.tabs-container .tab.active', { hasText: /Untitled/ }).waitFor({ timeout: 10_000 });
    await until('the inserted code', async () => ((await editorText()).includes('def next_test') ? true : undefined), 10_000);
    assert.match(await editorText(), /my notes[\s\S]*def next_test/);
    // foghorn.js is untouched: not dirty, lines 4-9 as on disk.
    assert.equal(await wb().page.locator('.tabs-container .tab.dirty', { hasText: 'foghorn.js' }).count(), 0);
    assert.equal(readFileSync(FOGHORN, 'utf8'), readFileSync(path.join(SAMPLE_WORKSPACE, 'src', 'foghorn.js'), 'utf8'));
  });

  it('Apply shows a diff; accepting changes only the target file, and Undo reverts it', async () => {
    const before = snapshot();
    const frame = await wb().chat();
    await frame.getByRole('button', { name: 'Apply code block 2 to src/foghorn.js', exact: true }).click();
    await wb().page.locator('.tabs-container .tab.active', { hasText: /foghorn\.js ↔ Kimi's proposal/ }).waitFor({ timeout: 15_000 });
    const diff = wb().page.locator('.editor-group-container.active .monaco-diff-editor');
    await until('the proposal in the diff', async () => ((await diff.innerText()).replace(/\u00a0/g, ' ').includes('setHours(13, 30') ? true : undefined), 10_000);
    // Nothing changes before the user accepts.
    assert.deepEqual(snapshot(), before);
    await wb().page.locator('.notifications-toasts .monaco-button', { hasText: 'Accept' }).click();
    await wb().page.locator('.tabs-container .tab.active', { hasText: /^foghorn\.js/ }).waitFor({ timeout: 10_000 });
    await until('the applied change', async () => ((await editorText()).includes('setHours(13, 30') ? true : undefined), 10_000);
    // Accept says which lines changed and puts the caret on them.
    await wb().page.locator('.notification-toast', { hasText: /applied Kimi's change to src\/foghorn\.js, line 7\b/ }).waitFor({ timeout: 10_000 });
    await wb().page.locator('.statusbar-item', { hasText: /Ln 7, Col 1/ }).waitFor();
    const text = await editorText();
    assert.doesNotMatch(text, /setHours\(12/);
    assert.match(text, /function nextFoghornTest/);
    // Only that file changes (on disk too, once auto-save has written it).
    await until('foghorn.js saved', async () => (readFileSync(FOGHORN, 'utf8').includes('setHours(13, 30') ? true : undefined), 15_000);
    const after = snapshot();
    for (const [file, content] of before) {
      if (file !== path.join('src', 'foghorn.js')) {
        assert.equal(after.get(file), content, `${file} changed`);
      }
    }
    assert.equal(after.get(path.join('src', 'foghorn.js')), (before.get(path.join('src', 'foghorn.js')) ?? '').replace('d.setHours(12, 0, 0, 0);', 'd.setHours(13, 30, 0, 0);'));
    // One Undo takes the whole change back.
    await editorLines().click();
    await wb().page.keyboard.press('Control+z');
    await until('the undone change', async () => ((await editorText()).includes('setHours(12') ? true : undefined), 10_000);
    await wb().page.keyboard.press('Control+s');
    await until('foghorn.js restored', async () => (readFileSync(FOGHORN, 'utf8') === before.get(path.join('src', 'foghorn.js')) ? true : undefined), 15_000);
  });

  it('a selection added to the chat shows as a chip and is sent with the question, with its path and lines', async () => {
    await wb().runCommand('Go to File...');
    const pick = wb().page.locator('.quick-input-widget input.input');
    await pick.fill('foghorn.js');
    await wb().page.locator('.quick-input-list .monaco-list-row', { hasText: 'foghorn.js' }).first().click();
    await wb().page.locator('.tabs-container .tab.active', { hasText: /^foghorn\.js/ }).waitFor();
    await editorLines().click();
    await wb().page.keyboard.press('Control+Home');
    for (let i = 0; i < 3; i++) {
      await wb().page.keyboard.press('ArrowDown');
    }
    for (let i = 0; i < 3; i++) {
      await wb().page.keyboard.press('Shift+ArrowDown');
    }
    await wb().runCommand('Kimi Milvus: Add Selection to Chat');
    const frame = await wb().chat();
    const chip = frame.locator('.composer .chip', { hasText: 'src/foghorn.js:4-6' });
    await chip.waitFor({ timeout: 15_000 });
    assert.equal(await frame.getByRole('button', { name: 'Remove src/foghorn.js:4-6 from the context' }).count(), 1);

    kimi().script(reply.text('It computes the next Friday.'));
    const input = frame.getByRole('textbox', { name: 'Message' });
    await input.fill('What does this code do?');
    await input.press('Enter');
    const turn = turnOf(frame, 'What does this code do?');
    await untilTurnEnds(turn, 'done', 60_000);
    const messages = kimi().chatBodies().at(-1)?.messages ?? [];
    const user = messages.filter((m) => m.role === 'user').at(-1)?.content;
    assert.ok(typeof user === 'string', `the question went out as ${JSON.stringify(user)}`);
    assert.match(user, /^What does this code do\?/);
    assert.match(user, /src\/foghorn\.js:4-6 \(selected\):\n```javascript\nfunction nextFoghornTest\(from\) \{\n  const d = new Date\(from\);\n  d\.setDate/);
    // The sent question shows what went with it; the composer's added chip is used up.
    await turn.locator('.question .chip', { hasText: 'src/foghorn.js:4-6' }).waitFor();
  });

  it('@ offers workspace files: choosing one shows a chip, and Kimi gets the file with its path', async () => {
    const frame = await wb().chat();
    const input = frame.getByRole('textbox', { name: 'Message' });
    await input.fill('');
    // Escape closes the suggestions and leaves the text alone.
    await input.pressSequentially('Summarize @zzz');
    await frame.getByRole('listbox', { name: 'Files and folders' }).waitFor({ timeout: 15_000 });
    await input.press('Escape');
    await frame.getByRole('listbox', { name: 'Files and folders' }).waitFor({ state: 'hidden' });
    assert.equal(await input.inputValue(), 'Summarize @zzz');

    await input.fill('');
    await input.pressSequentially('Summarize @invent');
    const option = frame.getByRole('option', { name: /scripts\/inventory\.txt/ });
    await option.waitFor({ timeout: 15_000 });
    assert.equal(await input.getAttribute('aria-expanded'), 'true');
    assert.equal(await option.getAttribute('aria-selected'), 'true');
    assert.equal(await input.getAttribute('aria-activedescendant'), await option.getAttribute('id'));
    await input.press('Enter');
    await frame.locator('.composer .chip', { hasText: '@scripts/inventory.txt' }).waitFor();
    assert.equal(await input.inputValue(), 'Summarize @scripts/inventory.txt ');
    assert.equal(await input.getAttribute('aria-expanded'), 'false');

    kimi().script(reply.text('Spare parts for the lamp.'));
    await input.press('Enter');
    const turn = turnOf(frame, 'Summarize @scripts/inventory.txt');
    await untilTurnEnds(turn, 'done', 60_000);
    const messages = kimi().chatBodies().at(-1)?.messages ?? [];
    const user = messages.filter((m) => m.role === 'user').at(-1)?.content;
    assert.ok(typeof user === 'string', `the question went out as ${JSON.stringify(user)}`);
    assert.match(user, /^Summarize @scripts\/inventory\.txt/);
    assert.match(user, /scripts\/inventory\.txt:1-\d+ \(mentioned file\):\n```txt\nInventory of cabinet 42-B\nspare bulbs: 12/);
    // The sent question shows the mention as a chip; the composer's chip is used up.
    await turn.locator('.question .chip', { hasText: '@scripts/inventory.txt' }).waitFor();
    assert.equal(await frame.locator('.composer .chip', { hasText: '@scripts/inventory.txt' }).count(), 0);
  });
});
