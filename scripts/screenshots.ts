// Takes the screenshots in docs/images (the README's and the docs' pictures) from the real workbench:
// code-server with the extension, a copy of the sample workspace, and the fake Kimi server of the
// tests scripted with the answers shown. Tests never write into the tree; this script is the one
// thing that does, when run on purpose:
//
//   npm run screenshots                  writes docs/images/*.png
//   npm run screenshots -- <dir>         writes them into <dir> instead
//
// Pictures: chat-light/-dark (an answer with a tool line and sources), chat-code-* (code blocks in three
// themes), chat-cost (an answer with its tokens, cache hits and price; the context meter and the chat's and
// today's cost under the input).
//
// Same harness as the e2e suite (test/e2e/workbench.ts); its logs go to test-results/e2e/screenshots/.
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { reply, startFakeKimi, type FakeKimi } from '../test/fakes/kimiServer';
import { REPO_ROOT, Workbench } from '../test/e2e/workbench';
import { until } from '../test/support/until';

const KEY = 'kimi-screenshots-key';
const out = path.resolve(process.argv[2] ?? path.join(REPO_ROOT, 'docs', 'images'));

const FOGHORN_ANSWER =
  'The fog horn **Old Marguerite** is tested every Friday at noon: `nextFoghornTest` in src/foghorn.js:4-9 ' +
  'moves the date to the next Friday and sets the hour to 12. The schedule is also written down in docs/maintenance.md:3-5.';
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

async function chat(wb: Workbench): Promise<Frame> {
  await wb.openKimiView();
  return wb.chatFrame();
}

async function ask(wb: Workbench, question: string): Promise<Frame> {
  const frame = await chat(wb);
  const input = frame.getByRole('textbox', { name: 'Message' });
  await input.fill(question);
  await input.press('Enter');
  const turn = frame.locator('.turn', { has: frame.locator('.question', { hasText: question }) }).last();
  await until(`the answer to "${question}"`, async () => ((await turn.getAttribute('data-status')) === 'done' ? true : undefined), 120_000);
  return frame;
}

async function setTheme(wb: Workbench, theme: string, marker: string): Promise<void> {
  await wb.runCommand('Preferences: Color Theme');
  await wb.page.locator('.quick-input-widget input.input').fill(theme);
  await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: theme }).first().click();
  await wb.page.locator(marker).waitFor();
  // The webview restyles from the theme's variables after the workbench does.
  await new Promise((r) => setTimeout(r, 500));
}

/** Setup the pictures do not show: the key, and the index (keyword search) the tool call searches. */
async function prepare(wb: Workbench): Promise<void> {
  const frame = await chat(wb);
  await frame.getByRole('button', { name: 'Set Kimi API Key' }).click();
  const box = wb.page.locator('.quick-input-widget input.input');
  await box.fill(KEY);
  await box.press('Enter');
  await frame.getByRole('button', { name: 'Set Kimi API Key' }).waitFor({ state: 'detached', timeout: 30_000 });
  await wb.runCommand('Kimi Milvus: Index Workspace');
  const toast = wb.page.locator('.notification-toast', { hasText: 'search your code by meaning' });
  await toast.getByRole('button', { name: 'Keyword search only' }).click({ timeout: 30_000 });
  await wb.page.locator('.statusbar-item', { hasText: /Kimi: \d+ files/ }).waitFor({ timeout: 180_000 });
}

async function shoot(wb: Workbench, kimi: FakeKimi): Promise<void> {
  kimi.script(
    reply.toolCalls([{ name: 'search_workspace', arguments: { query: 'fog horn test schedule' } }], {
      reasoning: 'The user asks about this project; search it.',
      usage: { prompt_tokens: 500, completion_tokens: 20, total_tokens: 520 },
    }),
    reply.text(FOGHORN_ANSWER, { usage: { prompt_tokens: 812, completion_tokens: 64, total_tokens: 876 } }),
  );
  let frame = await ask(wb, 'When is the fog horn tested?');
  await frame.locator('.markdown a.source', { hasText: 'src/foghorn.js:4-9' }).last().click();
  await wb.page.locator('.tabs-container .tab.active', { hasText: 'foghorn.js' }).waitFor();
  await wb.runCommand('Notifications: Clear All Notifications');
  const collections = wb.page.locator('.part.sidebar .pane-header', { hasText: /collections/i });
  if ((await collections.getAttribute('aria-expanded')) === 'true') {
    await collections.click();
  }
  await wb.page.screenshot({ path: path.join(out, 'chat-light.png') });
  await setTheme(wb, 'Default Dark Modern', '.monaco-workbench.vs-dark');
  await wb.page.screenshot({ path: path.join(out, 'chat-dark.png') });

  // No open editor: its chip would go with the next question.
  await wb.runCommand('View: Close All Editors');
  await (await chat(wb)).getByRole('button', { name: 'New chat' }).click();
  kimi.script(reply.text(CODE_ANSWER));
  frame = await ask(wb, 'Where is the test time set?');
  await frame.locator('.turn').last().locator('pre .hljs-keyword').first().waitFor();
  const themes: Array<[string, string, string]> = [
    ['chat-code-light', 'Default Light Modern', '.monaco-workbench.vs'],
    ['chat-code-dark', 'Default Dark Modern', '.monaco-workbench.vs-dark'],
    ['chat-code-high-contrast', 'Default High Contrast', '.monaco-workbench.hc-black'],
  ];
  for (const [name, theme, marker] of themes) {
    await setTheme(wb, theme, marker);
    await wb.page.locator('.part.sidebar').screenshot({ path: path.join(out, `${name}.png`) });
  }
}

const COST_ANSWER =
  'The fog horn **Old Marguerite** is tested every Friday at noon: `nextFoghornTest` in src/foghorn.js:4-9 moves the ' +
  'date to the next Friday and sets the hour to 12.';

/** An answer with cache hits and its price, the context meter reading Kimi's count of a draft, at a chat view's usual width. */
async function shootCost(wb: Workbench, kimi: FakeKimi): Promise<void> {
  await wb.runCommand('View: Close All Editors');
  await (await chat(wb)).getByRole('button', { name: 'New chat' }).click();
  kimi.script(
    reply.toolCalls([{ name: 'read_file', arguments: { path: 'src/foghorn.js', start_line: 1, end_line: 12 } }], {
      usage: { prompt_tokens: 2_210, cached_tokens: 1_024, completion_tokens: 38, total_tokens: 2_248 },
    }),
    reply.text(COST_ANSWER, { usage: { prompt_tokens: 2_506, cached_tokens: 2_048, completion_tokens: 64, total_tokens: 2_570 } }),
  );
  const frame = await ask(wb, 'When is the fog horn tested?');
  const input = frame.getByRole('textbox', { name: 'Message' });
  await until('the totals', async () => ((await frame.locator('.meter-totals').innerText()).startsWith('This chat $') ? true : undefined));
  await input.fill('And on public holidays?');
  await until("Kimi's count of the draft", async () => ((await frame.locator('.meter-label').innerText()).includes('Kimi count') ? true : undefined));
  await wb.runCommand('Notifications: Clear All Notifications');
  // Wider than the default 300 px side bar, as a chat view usually is.
  const sidebar = await wb.page.locator('.part.sidebar').boundingBox();
  if (sidebar) {
    const y = sidebar.y + sidebar.height / 2;
    await wb.page.mouse.move(sidebar.x + sidebar.width + 1, y);
    await wb.page.mouse.down();
    await wb.page.mouse.move(sidebar.x + 440, y, { steps: 8 });
    await wb.page.mouse.up();
  }
  await new Promise((r) => setTimeout(r, 500));
  await wb.page.locator('.part.sidebar').screenshot({ path: path.join(out, 'chat-cost.png') });
}

async function main(): Promise<void> {
  mkdirSync(out, { recursive: true });
  const kimi = await startFakeKimi({ apiKey: KEY, models: ['kimi-k2-0711-preview', 'kimi-k2.5'] });
  let wb: Workbench | undefined;
  try {
    // On a copy of the sample workspace (the default), under the fixture's name the window title shows.
    wb = await Workbench.start({
      name: 'screenshots',
      viewport: { width: 1300, height: 860 },
      settings: {
        'kimiMilvus.kimi.baseUrl': kimi.baseUrl,
        // A model with a price in the table; the fake server is local, so say which region's prices apply.
        'kimiMilvus.kimi.model': 'kimi-k2-0711-preview',
        'kimiMilvus.pricing.region': 'global',
        'kimiMilvus.budget.dailyLimit': 1,
        'workbench.colorTheme': 'Default Light Modern',
      },
    });
    await prepare(wb);
    await shoot(wb, kimi);
    await shootCost(wb, kimi);
    console.log(`screenshots written to ${path.relative(process.cwd(), out) || out}`);
  } finally {
    await wb?.close();
    await kimi.close();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
