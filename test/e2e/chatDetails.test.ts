// The details a user trips over in the chat, in the real workbench: the citation highlight in
// every theme kind, the automatic editor context, the title above a scrolled conversation, tool
// lines near the bottom, the keyboard (Ctrl+Alt+C, Escape while editing), a bare @, and the
// Collections view's menu. Fake Kimi (real HTTP + SSE), real Milvus Lite for the index.
import { strict as assert } from 'node:assert';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Frame, Locator } from 'playwright-core';
import { reply, type FakeReply } from '../fakes/kimiServer';
import { until } from '../support/until';
import { chatLayoutProblems, setSideBarWidth, setTheme, setViewExpanded } from './layout';
import { SAMPLE_WORKSPACE, sendQuestion, turnOf, untilTurnEnds, useWorkbenchWithFakeKimi } from './workbench';

const KEY = 'kimi-e2e-key-Det4ils9';
const WORKSPACE = mkdtempSync(path.join(tmpdir(), 'kimi-chat-details-'));
cpSync(SAMPLE_WORKSPACE, WORKSPACE, { recursive: true });
// A file long enough for the 20 lines around the cursor to be counted.
writeFileSync(path.join(WORKSPACE, 'src', 'lamp.js'), Array.from({ length: 100 }, (_, i) => `const lamp${i + 1} = ${i + 1}; // line ${i + 1}`).join('\n') + '\n');

/** WCAG contrast ratio of two rgb() colours. */
function contrast(a: readonly number[], b: readonly number[]): number {
  const lum = (c: readonly number[]): number => {
    const [r = 0, g = 0, bl = 0] = c.map((v) => {
      const x = v / 255;
      return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return ((hi ?? 0) + 0.05) / ((lo ?? 0) + 0.05);
}

/** rgb(a) text → [r, g, b, a]. */
function rgba(css: string): number[] {
  const [r = 0, g = 0, b = 0, a = 1] = (css.match(/[\d.]+/g) ?? []).map(Number);
  return [r, g, b, css.startsWith('rgba') ? a : 1];
}

/** `top` drawn over `bottom` (alpha blending), as the eye sees it. */
function over(top: readonly number[], bottom: readonly number[]): number[] {
  const a = top[3] ?? 1;
  return [0, 1, 2].map((i) => (top[i] ?? 0) * a + (bottom[i] ?? 0) * (1 - a));
}

describe('chat details (e2e): highlight, editor context, title, tool lines, keyboard, @, menus', function () {
  this.timeout(300_000);
  after(() => rmSync(WORKSPACE, { recursive: true, force: true }));
  const { wb, kimi } = useWorkbenchWithFakeKimi(KEY, { name: 'chat-details', folder: WORKSPACE, viewport: { width: 1300, height: 860 } });
  const input = (frame: Frame) => frame.getByRole('textbox', { name: 'Message' });

  async function ask(question: string, ...replies: FakeReply[]): Promise<Frame> {
    kimi().script(...replies);
    const frame = await wb().chat();
    await sendQuestion(frame, question);
    await untilTurnEnds(turnOf(frame, question), 'done', 120_000);
    return frame;
  }
  /** A workspace setting, as a user editing .vscode/settings.json would set it (the workbench watches the file). */
  const setWorkspaceSetting = (key: string, value: unknown): void => {
    mkdirSync(path.join(WORKSPACE, '.vscode'), { recursive: true });
    writeFileSync(path.join(WORKSPACE, '.vscode', 'settings.json'), JSON.stringify(value === undefined ? {} : { [key]: value }));
  };

  /** The user message of the last chat request Kimi got. */
  const lastPrompt = (): string => {
    const content = kimi().chatBodies().at(-1)?.messages.filter((m) => m.role === 'user').at(-1)?.content;
    return typeof content === 'string' ? content : JSON.stringify(content ?? '');
  };

  it('setup: a key and a keyword index', async () => {
    await setSideBarWidth(wb().page, 300);
    const frame = await wb().chat();
    await wb().setKimiKey(frame, KEY);
    await wb().runCommand('Kimi Milvus: Index Workspace');
    await wb().page.locator('.notification-toast').getByRole('button', { name: /^Keyword/ }).click({ timeout: 30_000 });
    await wb().page.locator('.statusbar-item', { hasText: /Kimi: \d+ files/ }).waitFor({ timeout: 180_000 });
  });

  it('the Collections view: Re-index is in the workspace collection\'s menu, "Search This Collection in Chat" is not (it is always searched)', async () => {
    await setViewExpanded(wb().page, /collections/i, true);
    const row = wb().page.locator('.part.sidebar .monaco-list-row', { hasText: /\d+ rows/ }).first();
    await row.click({ button: 'right' });
    const menu = wb().page.locator('.context-view .monaco-menu');
    await menu.waitFor();
    const items = (await menu.locator('.action-label').allInnerTexts()).map((t) => t.trim()).filter(Boolean);
    await wb().page.keyboard.press('Escape');
    assert.ok(items.includes('Re-index'), JSON.stringify(items));
    assert.ok(!items.includes('Search This Collection in Chat'), JSON.stringify(items));
    await setViewExpanded(wb().page, /collections/i, false);
  });

  it('the automatic editor context: marked unlike a pinned chip, 20 lines as documented, left out of a question about a mentioned file, and off by a setting', async () => {
    await wb().runCommand('Go to File...');
    await wb().page.locator('.quick-input-widget input.input').fill('lamp.js');
    await wb().page.locator('.quick-input-list .monaco-list-row', { hasText: 'lamp.js' }).first().click();
    const lines = wb().page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
    const caretTo = async (line: number): Promise<void> => {
      await lines.click();
      await wb().page.keyboard.press('Control+Home');
      for (let i = 1; i < line; i++) {
        await wb().page.keyboard.press('ArrowDown');
      }
      await wb().page.locator('.statusbar-item', { hasText: new RegExp(`Ln ${line}, Col 1`) }).waitFor();
    };
    await caretTo(50);
    const frame = await wb().chat();
    const auto = frame.locator('.composer .chips .chip', { hasText: 'src/lamp.js' }).first();
    // The chip follows the caret once the user pauses (a debounce): wait for the one around line 50.
    const range = async (): Promise<[number, number] | undefined> => {
      const m = /:(\d+)-(\d+)/.exec(await auto.innerText().catch(() => ''));
      return m && Number(m[1]) <= 50 && Number(m[2]) >= 50 ? [Number(m[1]), Number(m[2])] : undefined;
    };
    const [start, end] = await until('the chip of line 50', range, 15_000);
    assert.equal(end - start + 1, 20, `the chip says ${start}-${end}`);

    // A pinned selection looks different from the automatic chip of the same lines.
    const look = (l: Locator) => l.evaluate((e) => { const s = getComputedStyle(e); return `${s.borderStyle} ${s.backgroundColor}`; });
    await caretTo(5);
    await wb().page.keyboard.press('Shift+ArrowDown');
    const chip5 = frame.locator('.composer .chips .chip', { hasText: 'src/lamp.js:5' });
    await chip5.waitFor({ timeout: 15_000 });
    const automatic = await look(chip5);
    await wb().runCommand('Kimi Milvus: Add Selection to Chat');
    // The command has run once the chip is the pinned one (the palette closes before it runs).
    await until('the pinned chip', async () => ((await look(chip5).catch(() => automatic)) !== automatic ? true : undefined), 15_000);
    await caretTo(9);
    await frame.locator('.composer .chips .chip', { hasText: 'src/lamp.js:1-20' }).waitFor({ timeout: 15_000 });
    assert.equal(await look(frame.locator('.composer .chips .chip', { hasText: 'src/lamp.js:1-20' })), automatic, 'the chip of the cursor lines looks automatic');
    await frame.getByRole('button', { name: 'Remove src/lamp.js:5 from the context' }).click();

    // A question about a mentioned file does not carry the cursor's lines.
    await input(frame).fill('');
    await input(frame).pressSequentially('Summarize @foghorn');
    await frame.getByRole('option', { name: /src\/foghorn\.js/ }).waitFor({ timeout: 15_000 });
    await input(frame).press('Enter');
    kimi().script(reply.text('A fog horn schedule.'));
    await input(frame).press('Enter');
    await untilTurnEnds(turnOf(frame, 'Summarize @src/foghorn.js'), 'done', 60_000);
    assert.match(lastPrompt(), /src\/foghorn\.js:1-\d+ \(mentioned file\)/);
    assert.doesNotMatch(lastPrompt(), /around the cursor/);

    // A plain question carries them; with the setting off it does not, and no chip is shown.
    await ask('What is lamp50?', reply.text('A constant.'));
    assert.match(lastPrompt(), /src\/lamp\.js:\d+-\d+ \(around the cursor\)/);
    setWorkspaceSetting('kimiMilvus.chat.editorContext', false);
    await until('no automatic chip', async () => ((await frame.locator('.composer .chips .chip').count()) === 0 ? true : undefined), 15_000);
    await ask('And lamp51?', reply.text('Another constant.'));
    assert.doesNotMatch(lastPrompt(), /around the cursor/);
    setWorkspaceSetting('kimiMilvus.chat.editorContext', undefined);
  });

  it('a citation click highlights the cited lines visibly in dark, light and high-contrast themes', async () => {
    const frame = await ask('Where is the test time set?', reply.text('It is set in src/foghorn.js:4-9.'));
    const link = turnOf(frame, 'Where is the test time set?').locator('.markdown a.source', { hasText: 'src/foghorn.js:4-9' });
    for (const kind of ['dark', 'light', 'high-contrast'] as const) {
      await setTheme(wb(), kind);
      await link.click();
      await wb().page.locator('.tabs-container .tab.active', { hasText: 'foghorn.js' }).waitFor();
      const editor = wb().page.locator('.editor-group-container.active .monaco-editor').first();
      const looks = await until(`the highlight in ${kind}`, async () => {
        const found = await editor.evaluate((ed) => {
          const bg = getComputedStyle(ed.querySelector('.monaco-editor-background') ?? ed).backgroundColor;
          const decorations = Array.from(ed.querySelectorAll('.view-overlays [class*="ced-"]'));
          return decorations.map((d) => {
            const s = getComputedStyle(d);
            return { fill: s.backgroundColor, border: s.borderTopStyle !== 'none' && parseFloat(s.borderTopWidth) > 0 ? s.borderTopColor : '', bg };
          });
        });
        return found.length > 0 ? found : undefined;
      }, 10_000);
      const best = Math.max(
        ...looks.map((l) => {
          const bg = rgba(l.bg);
          const fill = contrast(over(rgba(l.fill), bg), bg);
          const border = l.border ? contrast(over(rgba(l.border), bg), bg) : 1;
          // A fill is seen at a lower ratio than a thin line.
          return Math.max(fill >= 1.25 ? 3 : fill, border);
        }),
      );
      assert.ok(best >= 3, `${kind}: the cited lines are hard to see (${JSON.stringify(looks[0])})`);
      // Settle the focus in the editor the citation opened, so the next theme's palette keeps it.
      await editor.locator('.view-lines').click();
    }
    await setTheme(wb(), 'light');
  });

  it('the title sits above the conversation with a rule under it, and nothing scrolls over it', async () => {
    const long = Array.from({ length: 30 }, (_, i) => `Paragraph ${i}: the keeper logs the lamp, the horn and the weather.`).join('\n\n');
    const frame = await ask('Tell me about the logbook.', reply.text(long));
    const title = frame.locator('.chat-title');
    assert.equal(await title.isVisible(), true);
    const rule = await title.evaluate((e) => {
      const s = getComputedStyle(e);
      return { width: parseFloat(s.borderBottomWidth), color: s.borderBottomColor };
    });
    assert.ok(rule.width >= 1 && !/rgba\(0, 0, 0, 0\)/.test(rule.color), JSON.stringify(rule));
    for (const ratio of [0.2, 0.5, 0.8]) {
      await frame.locator('.log').evaluate((log, r) => (log.scrollTop = (log.scrollHeight - log.clientHeight) * r), ratio);
      assert.deepEqual((await chatLayoutProblems(frame)).filter((p) => p.what === 'overlap'), []);
    }
  });

  it('a tool line opened near the bottom of the log scrolls its arguments into view', async () => {
    const frame = await ask(
      'Search three times.',
      reply.toolCalls([
        { name: 'search_workspace', arguments: { query: 'lamp one' } },
        { name: 'search_workspace', arguments: { query: 'lamp two' } },
        { name: 'search_workspace', arguments: { query: 'lamp three' } },
      ]),
      reply.text('Done searching. '.repeat(60)),
    );
    const tool = turnOf(frame, 'Search three times.').locator('details.tool').last();
    // Scroll so the tool line is the last thing visible at the bottom of the log.
    await frame.locator('.log').evaluate((log) => {
      const t = Array.from(log.querySelectorAll('details.tool')).at(-1)?.querySelector('summary');
      if (t) {
        log.scrollTop += t.getBoundingClientRect().bottom - log.getBoundingClientRect().bottom + 2;
      }
    });
    await tool.locator('summary').click();
    await new Promise((r) => setTimeout(r, 400));
    const args = await tool.locator('.tool-args').boundingBox();
    const log = await frame.locator('.log').boundingBox();
    assert.ok(args && log && args.y + args.height <= log.y + log.height + 1, `the arguments end at ${args && args.y + args.height}, the log at ${log && log.y + log.height}`);
  });

  it('Ctrl+Alt+C (Focus Chat) puts the cursor in the input even when the focus is inside the chat', async () => {
    const frame = await wb().chat();
    await frame.getByRole('button', { name: 'New chat' }).focus();
    await wb().page.keyboard.press('Control+Alt+c');
    await until('focus in the input', async () => ((await input(frame).evaluate((e) => e === document.activeElement)) ? true : undefined), 5_000);
  });

  it('Escape while editing a question puts the cursor back in the input, not on the page', async () => {
    const frame = await wb().chat();
    const turn = frame.locator('.turn').last();
    await turn.locator('.question').hover();
    await turn.getByRole('button', { name: 'Edit question' }).click();
    const box = frame.getByRole('textbox', { name: 'Edit question' });
    await box.press('Escape');
    await box.waitFor({ state: 'detached' });
    assert.equal(await input(frame).evaluate((e) => e === document.activeElement), true, 'focus fell to the page');
  });

  it('a bare @ lists folders as well as files', async () => {
    const frame = await wb().chat();
    await input(frame).fill('');
    await input(frame).pressSequentially('What is in @');
    const list = frame.getByRole('listbox', { name: 'Files and folders' });
    await list.waitFor({ timeout: 15_000 });
    await until('suggestions', async () => ((await list.getByRole('option').count()) > 0 ? true : undefined));
    const kinds = await list.getByRole('option').evaluateAll((os) => os.map((o) => o.getAttribute('data-kind')));
    assert.ok(kinds.includes('folder'), JSON.stringify(kinds));
    await input(frame).press('Escape');
    assert.deepEqual(await chatLayoutProblems(frame), []);
  });
});
