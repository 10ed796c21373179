// Makes the documentation's screenshots of the chat: `npm run screenshots` (builds first). Runs the real
// workbench (code-server + headless Chromium, as the e2e tests do) with a fake Kimi server scripted to
// answer, and writes the PNGs into docs/images. Only this script writes there; tests keep their
// screenshots under test-results/.
//
//   docs/images/chat-cost.png  an answer with its tokens, cache hits and price; the context meter and
//                              the chat's and today's cost under the input
import { mkdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { reply, startFakeKimi } from '../test/fakes/kimiServer';
import { until } from '../test/support/until';
import { REPO_ROOT, Workbench } from '../test/e2e/workbench';

const KEY = 'kimi-screenshot-key-N8d2Rt';
const OUT = path.join(REPO_ROOT, 'docs', 'images');

const ANSWER =
  'The fog horn **Old Marguerite** is tested every Friday at noon: `nextFoghornTest` in src/foghorn.js:4-9 moves the ' +
  'date to the next Friday and sets the hour to 12.';

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const kimi = await startFakeKimi({ apiKey: KEY, models: ['kimi-k2-0711-preview', 'kimi-k2.5'] });
  const wb = await Workbench.start({
    name: 'screenshots',
    viewport: { width: 1200, height: 760 },
    settings: {
      'kimiMilvus.kimi.baseUrl': kimi.baseUrl,
      'kimiMilvus.kimi.model': 'kimi-k2-0711-preview',
      // The fake server is local: the global (USD) prices apply, as for a proxy of api.moonshot.ai.
      'kimiMilvus.pricing.region': 'global',
      'kimiMilvus.budget.dailyLimit': 1,
      'workbench.colorTheme': 'Default Light Modern',
    },
  });
  try {
    await wb.openKimiView();
    const frame = await wb.chatFrame();
    await frame.getByRole('button', { name: 'Set Kimi API Key' }).click();
    const box = wb.page.locator('.quick-input-widget input.input');
    await box.fill(KEY);
    await box.press('Enter');
    await frame.getByRole('button', { name: 'Set Kimi API Key' }).waitFor({ state: 'detached', timeout: 30_000 });

    kimi.script(
      reply.toolCalls([{ name: 'read_file', arguments: { path: 'src/foghorn.js', start_line: 1, end_line: 12 } }], {
        usage: { prompt_tokens: 2_210, cached_tokens: 1_024, completion_tokens: 38, total_tokens: 2_248 },
      }),
      reply.text(ANSWER, { usage: { prompt_tokens: 2_506, cached_tokens: 2_048, completion_tokens: 64, total_tokens: 2_570 } }),
    );
    const input = frame.getByRole('textbox', { name: 'Message' });
    await input.fill('When is the fog horn tested?');
    await input.press('Enter');
    const turn = frame.locator('.turn').last();
    await until('the answer', async () => ((await turn.getAttribute('data-status')) === 'done' ? true : undefined), 120_000);
    await until('the totals', async () => ((await frame.locator('.meter-totals').innerText()).startsWith('This chat $') ? true : undefined));
    await input.fill('And on public holidays?');
    await until('Kimi\'s count of the draft', async () => ((await frame.locator('.meter-label').innerText()).includes('Kimi count') ? true : undefined));

    await wb.runCommand('Notifications: Clear All Notifications');
    const collections = wb.page.locator('.part.sidebar .pane-header', { hasText: /collections/i });
    if ((await collections.getAttribute('aria-expanded')) === 'true') {
      await collections.click();
    }
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
    const file = path.join(OUT, 'chat-cost.png');
    await wb.page.locator('.part.sidebar').screenshot({ path: file });
    console.log(`${path.relative(REPO_ROOT, file)} (${Math.round(statSync(file).size / 1024)} KB)`);
  } finally {
    await wb.close();
    await kimi.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
