// The first hour of a new user, in the real workbench at a 300 px side bar: a question before the
// key, the first Index Workspace (the choice, Milvus setup in plain words), the default layout, a
// dead Kimi endpoint, and turning semantic search on later over a keyword-only index. Real Milvus
// Lite in a fresh data dir; fake Kimi and a slow fake embedding endpoint (real HTTP).
import { strict as assert } from 'node:assert';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { FakeEmbeddingServer } from '../fakes/embeddingServer';
import { reply, startFakeKimi, type FakeKimi } from '../fakes/kimiServer';
import { until } from '../support/until';
import { chatLayoutProblems, citationBreaks, setSideBarWidth, setViewExpanded, updateUserSettings, VERBATIM_EDITOR_SETTINGS } from './layout';
import { SAMPLE_WORKSPACE, sendQuestion, turnOf, untilTurnEnds, useWorkbench } from './workbench';

const KEY = 'kimi-e2e-key-First7Hour';
const QUESTION = 'When is the fog horn tested?';
const WORKSPACE = mkdtempSync(path.join(tmpdir(), 'kimi-first-run-'));
cpSync(SAMPLE_WORKSPACE, WORKSPACE, { recursive: true });
// More chunks than one background-fill round (64), so the semantic figure passes through values below 100.
mkdirSync(path.join(WORKSPACE, 'notes'));
for (let i = 0; i < 150; i++) {
  writeFileSync(path.join(WORKSPACE, 'notes', `note${i}.md`), `# Watch ${i}\n\nThe keeper's note ${i}: lamp trimmed, horn checked, log signed.\n`);
}
const DATA_DIR = mkdtempSync(path.join(tmpdir(), 'kimi-first-run-data-'));

/** A port nothing listens on: Kimi "down". */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the first hour (e2e): first run, layout, errors, semantic search later', function () {
  this.timeout(300_000);
  let kimi: FakeKimi | undefined;
  let embeddings: FakeEmbeddingServer | undefined;
  const settings: Record<string, unknown> = { 'workbench.colorTheme': 'Default Dark Modern', ...VERBATIM_EDITOR_SETTINGS };
  before(async () => {
    kimi = await startFakeKimi({ apiKey: KEY });
    // Slow: each request waits, so the background fill takes a few seconds to watch.
    embeddings = await new FakeEmbeddingServer({ dimensions: 32, latencyMs: 1500 }).start();
    settings['kimiMilvus.kimi.baseUrl'] = kimi.baseUrl;
  });
  after(async () => {
    await kimi?.close();
    await embeddings?.close();
    rmSync(WORKSPACE, { recursive: true, force: true });
    rmSync(DATA_DIR, { recursive: true, force: true });
  });
  // A fresh Milvus data dir: the first Index Workspace starts a new Milvus Lite, as for a new user.
  const wb = useWorkbench({ name: 'first-run', folder: WORKSPACE, settings, viewport: { width: 1300, height: 860 }, env: { KIMI_MILVUS_TEST_DATA_DIR: DATA_DIR } });
  const fake = (): FakeKimi => {
    assert.ok(kimi);
    return kimi;
  };
  const statusBar = () => wb().page.locator('.statusbar-item', { hasText: /Kimi:/ }).first();

  /** The key, set through the first-run banner if an earlier test did not get to set it: each test stands on its own. */
  async function ensureKey(frame: Frame): Promise<void> {
    const banner = frame.locator('.setup').getByRole('button', { name: 'Set Kimi API Key' });
    if ((await banner.count()) === 0) {
      return;
    }
    await banner.click();
    const box = wb().page.locator('.quick-input-widget input.input');
    await box.fill(KEY);
    await box.press('Enter');
    await banner.waitFor({ state: 'detached', timeout: 30_000 });
  }

  async function send(frame: Frame, text: string): Promise<void> {
    // Not while an earlier answer still streams or retries: the question would be ignored.
    await until('the chat idle', async () => ((await frame.getByRole('button', { name: 'Send' }).isEnabled()) ? true : undefined), 120_000);
    await sendQuestion(frame, text);
  }

  it('a question before the key fails with a button that sets it; once set, the failure leaves the conversation, its question back in the input', async () => {
    await setSideBarWidth(wb().page, 300);
    const frame = await wb().chat();
    await send(frame, QUESTION);
    const turn = turnOf(frame, QUESTION);
    await untilTurnEnds(turn, 'error');
    const fixButton = await turn.getByRole('button', { name: 'Set Kimi API Key' }).count();
    // Set the key (the first-run banner's button does the same as the error's).
    await frame.locator('.setup').getByRole('button', { name: 'Set Kimi API Key' }).click();
    const box = wb().page.locator('.quick-input-widget input.input');
    await box.waitFor();
    assert.equal(await box.getAttribute('type'), 'password');
    await box.fill(KEY);
    await box.press('Enter');
    const input = frame.getByRole('textbox', { name: 'Message' });
    await until('the fixed failure gone, its question in the input', async () =>
      (await frame.locator('.turn').count()) === 0 && (await input.inputValue()) === QUESTION ? true : undefined,
    );
    assert.equal(await frame.getByText(/Fixed since/).count(), 0);
    assert.equal(fixButton, 1, 'the error did not offer to set the key');
  });

  it('Index Workspace: the first-run choice\'s buttons are readable, none cut off', async () => {
    await wb().runCommand('Kimi Milvus: Index Workspace');
    const toast = wb().page.locator('.notification-toast', { hasText: 'search your code by meaning' });
    await toast.getByRole('button').first().waitFor({ timeout: 30_000 });
    await new Promise((r) => setTimeout(r, 500)); // the toast slides in
    const buttons = await toast.locator('.monaco-button').evaluateAll((bs) => bs.map((b) => ({ text: b.textContent ?? '', cut: b.scrollWidth > b.clientWidth + 1 })));
    assert.ok(buttons.length >= 3, JSON.stringify(buttons));
    assert.deepEqual(buttons.filter((b) => b.cut), [], 'button labels cut off');
  });

  it('the first index run shows Milvus setup as a phase in the status bar and the notification, not as pip lines or "indexing 0%"', async () => {
    const toast = wb().page.locator('.notification-toast', { hasText: 'search your code by meaning' });
    if ((await toast.count()) === 0) {
      await wb().runCommand('Kimi Milvus: Index Workspace');
    }
    const statuses: string[] = [];
    const toasts: string[] = [];
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const s = (await statusBar().innerText().catch(() => '')).trim();
        if (s && s !== statuses.at(-1)) {
          statuses.push(s);
        }
        for (const t of await wb().page.locator('.notification-toast').allInnerTexts().catch(() => [])) {
          toasts.push(t.replace(/\s+/g, ' '));
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    await toast.getByRole('button', { name: /^Keyword/ }).click({ timeout: 30_000 });
    await wb().page.locator('.statusbar-item', { hasText: /Kimi: \d+ files/ }).waitFor({ timeout: 240_000 });
    watching = false;
    await watch;
    const run = statuses.slice(statuses.findIndex((s) => !/not indexed/.test(s)));
    assert.match(run[0] ?? '', /Kimi: (starting|setting up) Milvus/, `the run began with ${JSON.stringify(run)}`);
    assert.deepEqual(toasts.filter((t) => /pip:|Milvus: (Starting Milvus Lite|Creating|Installing)/.test(t)), [], 'raw setup lines in the notification');
    assert.ok(toasts.some((t) => /Starting Milvus|Setting up Milvus/.test(t)), `no phase in ${JSON.stringify([...new Set(toasts)])}`);
  });

  it('the conversation title shows with the first question, not only after a switch or reload, and follows a retried first question', async () => {
    const frame = await wb().chat();
    const title = frame.locator('.chat-title');
    await until('an emptied conversation without a title', async () => ((await title.isVisible()) ? undefined : true), 5_000);
    fake().script({ error: { status: 500, type: 'server_error', message: 'boom' } }, { error: { status: 500, type: 'server_error', message: 'boom' } }, { error: { status: 500, type: 'server_error', message: 'boom' } }, { error: { status: 500, type: 'server_error', message: 'boom' } }, { error: { status: 500, type: 'server_error', message: 'boom' } });
    await send(frame, 'A first question that fails?');
    await until('the title', async () => ((await title.isVisible()) && (await title.innerText()) === 'A first question that fails?' ? true : undefined), 10_000);
    const failed = turnOf(frame, 'A first question that fails?');
    await untilTurnEnds(failed, 'error', 120_000);
    fake().script(reply.text('Now it works.'));
    await failed.locator('.question').hover();
    await failed.getByRole('button', { name: 'Edit question' }).click();
    const box = frame.getByRole('textbox', { name: 'Edit question' });
    await box.fill('The same question, reworded?');
    await box.press('Enter');
    await until('the retried title', async () => ((await title.innerText()) === 'The same question, reworded?' ? true : undefined), 30_000);
    await frame.getByRole('button', { name: 'New chat' }).click();
    await until('a new chat without a title', async () => ((await title.isVisible()) ? undefined : true), 5_000);
  });

  it('the default layout gives the chat the room; at 300 px nothing is clipped, the picker shows the model, Sources stay in view', async () => {
    const pane = (name: RegExp) => wb().page.locator('.part.sidebar .pane', { has: wb().page.locator('.pane-header', { hasText: name }) });
    const sidebar = await wb().page.locator('.part.sidebar .content').boundingBox();
    const chatPane = await pane(/^chat/i).boundingBox();
    assert.ok(sidebar && chatPane);
    assert.ok(chatPane.height >= 0.7 * sidebar.height, `the chat has ${Math.round(chatPane.height)} of ${Math.round(sidebar.height)} px`);
    fake().script(
      reply.toolCalls([{ name: 'search_workspace', arguments: { query: 'fog horn test' } }]),
      reply.text(`The horn **Old Marguerite** is tested every Friday at noon (src/foghorn.js:4-9, docs/maintenance.md:3-5). ${'The keeper writes it in the log. '.repeat(12)}`),
    );
    const frame = await wb().chat();
    await ensureKey(frame);
    await send(frame, QUESTION);
    const turn = turnOf(frame, QUESTION);
    await untilTurnEnds(turn, 'done', 120_000);
    // The model picker, New chat and Send all fit, each readable; the end of the answer is in view.
    assert.deepEqual(await chatLayoutProblems(frame), []);
    const sources = await turn.locator('.sources').boundingBox();
    const log = await frame.locator('.log').boundingBox();
    assert.ok(sources && log && sources.y + sources.height <= log.y + log.height + 1, 'the Sources line is under the input');
  });

  it('at 300 px a citation wraps only after a "/", never inside "__init__.py:322-328"', async () => {
    const cite = 'json/__init__.py:322-328';
    const words = ['a', 'bb', 'ccc', 'dddd', 'eeeee', 'ffffff', 'ggggggg', 'hhhhhhhh', 'iiiiiiiii', 'jjjjjjjjjj', 'kkkkkkkkkkk', 'llllllllllll'];
    fake().script(reply.text(`See ${words.map((w) => `${w} ${cite}`).join(', ')}.`));
    await setSideBarWidth(wb().page, 300);
    const frame = await wb().chat();
    await ensureKey(frame);
    await send(frame, 'Where else?');
    const turn = turnOf(frame, 'Where else?');
    await untilTurnEnds(turn, 'done', 120_000);
    const breaks = await citationBreaks(turn.locator('.markdown a.source'));
    assert.ok(breaks.length > 0, 'no citation reached a line end; the test proves nothing');
    assert.deepEqual(breaks.filter((b) => !b.before.endsWith('/')), []);
  });

  it('a dead endpoint: the retry notice is readable, the final error opens the setting, and the model picker stays', async () => {
    const frame = await wb().chat();
    await ensureKey(frame);
    const picker = frame.getByRole('combobox', { name: 'Model' });
    await updateUserSettings(wb(), { 'kimiMilvus.kimi.baseUrl': `http://127.0.0.1:${await closedPort()}/v1` });
    await new Promise((r) => setTimeout(r, 2000)); // the settings file is read, the model list asked for again
    await send(frame, 'Are you there?');
    const turn = turnOf(frame, 'Are you there?');
    const notice = turn.locator('.notice');
    await notice.waitFor({ timeout: 30_000 });
    assert.match(await notice.innerText(), /^Trying again in \d+ s/);
    assert.deepEqual(await chatLayoutProblems(frame), []);
    await untilTurnEnds(turn, 'error', 120_000);
    assert.equal(await picker.isVisible(), true, 'the model picker left the input row');
    assert.equal(await picker.inputValue(), 'kimi-k2.5');
    await turn.getByRole('button', { name: 'Open Kimi Settings' }).click();
    await wb().page.locator('.settings-editor').waitFor();
    await until('the setting found', async () =>
      (await wb().page.locator('.settings-editor .setting-item-contents', { hasText: /Base URL of the Kimi/ }).count()) > 0 ? true : undefined,
    );
    await updateUserSettings(wb(), { 'kimiMilvus.kimi.baseUrl': fake().baseUrl });
    await until('the fixed failure gone', async () => ((await frame.locator('.question', { hasText: 'Are you there?' }).count()) === 0 ? true : undefined));
  });

  it('turning semantic search on later migrates the index in place; the status bar and the Collections view agree on the semantic figure', async () => {
    assert.ok(embeddings);
    await setViewExpanded(wb().page, /collections/i, true);
    await wb().runCommand('Notifications: Clear All Notifications');
    await updateUserSettings(wb(), {
      'kimiMilvus.embedding.provider': 'openai-compatible',
      'kimiMilvus.embedding.baseUrl': embeddings.url,
      'kimiMilvus.embedding.model': 'fake-embed',
      'kimiMilvus.embedding.dimensions': 32,
    });
    await wb().runCommand('Kimi Milvus: Index Workspace');
    const pairs: Array<[string, string]> = [];
    const row = wb().page.locator('.part.sidebar .monaco-list-row', { hasText: /\d+ rows/ }).first();
    await until('every chunk with its vector', async () => {
      assert.equal(await wb().page.locator('.notification-toast', { hasText: /indexing failed|cannot be used/ }).count(), 0, 'the index run failed');
      const bar = await statusBar().innerText().catch(() => '');
      const tree = await row.innerText().catch(() => '');
      const figure = (t: string): string => /(\d+)% semantic/.exec(t)?.[1] ?? '';
      pairs.push([figure(bar), figure(tree)]);
      return /Kimi: \d+ files$/.test(bar.trim()) && pairs.some(([b]) => b !== '') && figure(tree) === '' ? true : undefined;
    }, 180_000, 250);
    const during = pairs.filter(([b]) => b !== '' && b !== '100');
    assert.ok(during.length > 0, 'the fill was never seen in progress');
    assert.ok(during.some(([b, t]) => b === t), `the two never agreed: ${JSON.stringify(during)}`);
    assert.ok(embeddings.requests > 0, 'nothing was embedded');
  });
});
