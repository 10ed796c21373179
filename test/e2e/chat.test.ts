// The chat as a user sees it: Chromium drives the real VS Code workbench (code-server) with the
// extension loaded, real Milvus Lite behind it, and a fake Kimi server (real HTTP + SSE, started
// here) scripted to call a tool and answer with a citation.
import { strict as assert } from 'node:assert';
import type { Frame, Locator } from 'playwright-core';
import { reply } from '../fakes/kimiServer';
import { until } from '../support/until';
import { contrast, luminance } from './colours';
import { sendQuestion, turnOf, untilTurnEnds, useWorkbenchWithFakeKimi } from './workbench';

const KEY = 'kimi-e2e-key-Hq3Lm8Zr';
const QUESTION = 'When is the fog horn tested?';
const ANSWER =
  'The fog horn **Old Marguerite** is tested every Friday at noon: `nextFoghornTest` in src/foghorn.js:4-9 ' +
  'moves the date to the next Friday and sets the hour to 12. The schedule is also written down in docs/maintenance.md:3-5.';

describe('chat (e2e)', function () {
  this.timeout(300_000);
  const { wb, kimi } = useWorkbenchWithFakeKimi(KEY, { name: 'chat', viewport: { width: 1300, height: 860 } });

  /** The turn of a question (not just the last article: right after Enter the new one may not exist yet). */

  it('the first-run state asks for a key; its button opens a password box, and the key clears it', async () => {
    const frame = await wb().chat();
    // The button runs "Kimi Milvus: Set Kimi API Key", the same as the palette.
    await frame.getByRole('button', { name: 'Set Kimi API Key' }).click();
    const box = wb().page.locator('.quick-input-widget input.input');
    await box.waitFor();
    assert.equal(await box.getAttribute('type'), 'password');
    await box.fill(KEY);
    await box.press('Enter');
    await frame.getByRole('button', { name: 'Set Kimi API Key' }).waitFor({ state: 'detached', timeout: 30_000 });
    assert.ok(kimi().requests.some((r) => r.path.endsWith('/models') && r.headers.authorization === `Bearer ${KEY}`));
  });

  it('Index Workspace from the palette asks once about local semantic search; the status bar shows the indexed files', async () => {
    await wb().runCommand('Kimi Milvus: Index Workspace');
    // No embedding endpoint is set: the first run asks once (here: keyword search only, remembered).
    const toast = wb().page.locator('.notification-toast', { hasText: 'search your code by meaning' });
    await toast.getByRole('button', { name: 'Local Model (21 MB)' }).waitFor({ timeout: 30_000 });
    await toast.getByRole('button', { name: 'Keywords Only' }).click();
    await wb().page.locator('.statusbar-item', { hasText: /Kimi: \d+ files/ }).waitFor({ timeout: 180_000 });
    // The chat's first-run banner no longer asks for an index, nor says indexing is running.
    const frame = await wb().chat();
    await frame.getByRole('button', { name: 'Index Workspace' }).waitFor({ state: 'detached', timeout: 15_000 });
    await frame.getByText('Indexing the workspace').waitFor({ state: 'detached', timeout: 15_000 });
    // The Collections view (collapsed at first, so the chat has the room) lists the workspace's collection with its row count.
    const collections = wb().page.locator('.part.sidebar .pane-header', { hasText: /collections/i });
    if ((await collections.getAttribute('aria-expanded')) !== 'true') {
      await collections.click();
    }
    await wb().page.locator('.part.sidebar .monaco-list-row', { hasText: /sample_workspace_\w+.*\d+ rows/ }).waitFor({ timeout: 30_000 });
  });

  it('streams an answer with a tool-call line and source links; a link opens the file at that line', async () => {
    kimi().script(
      reply.toolCalls([{ name: 'search_workspace', arguments: { query: 'fog horn test schedule' } }], {
        reasoning: 'The user asks about this project; search it.',
        usage: { prompt_tokens: 500, completion_tokens: 20, total_tokens: 520 },
      }),
      reply.text(ANSWER, { chunkChars: 6, chunkDelayMs: 40, usage: { prompt_tokens: 812, completion_tokens: 64, total_tokens: 876 } }),
    );
    const frame = await wb().chat();
    await sendQuestion(frame, QUESTION);
    const turn = turnOf(frame, QUESTION);
    await turn.waitFor();
    const tool = turn.locator('details.tool', { hasText: 'search_workspace' });
    await tool.waitFor();

    // Streaming: the answer grows over several observations before it is complete.
    const lengths = new Set<number>();
    await until('the whole answer', async () => {
      const text = (await turn.locator('.markdown').innerText().catch(() => '')) ?? '';
      lengths.add(text.length);
      return text.includes('maintenance.md:3-5') && (await turn.getAttribute('data-status')) === 'done' ? true : undefined;
    });
    assert.ok(lengths.size >= 3, `the answer did not stream (saw lengths ${[...lengths].join(', ')})`);

    // The tool line expands to its arguments; the reasoning is collapsed above the answer.
    assert.equal(await tool.getAttribute('data-status'), 'ok');
    await tool.locator('summary').click();
    assert.match(await tool.locator('.tool-args').innerText(), /fog horn test schedule/);
    assert.equal(await turn.locator('details.reasoning').getAttribute('open'), null);
    // Both model turns of the answer count: 520 + 876.
    assert.match(await turn.locator('.usage').innerText(), /1,396 tokens/);

    const link = turn.locator('.markdown a.source', { hasText: 'src/foghorn.js:4-9' });
    await link.click();
    await wb().page.locator('.tabs-container .tab.active', { hasText: 'foghorn.js' }).waitFor();
    await wb().page.locator('.statusbar-item', { hasText: /Ln 4, Col 1/ }).waitFor();
  });

  it('the chat follows the light and dark themes, its answer readable in both', async () => {
    // Room for the chat (and for the reviewer's screenshots): no toasts, the Collections view collapsed.
    await wb().runCommand('Notifications: Clear All Notifications');
    const collections = wb().page.locator('.part.sidebar .pane-header', { hasText: /collections/i });
    if ((await collections.getAttribute('aria-expanded')) === 'true') {
      await collections.click();
    }
    /** The answer's text colour and the view's background, as the webview computes them. */
    const colours = async (): Promise<{ fg: string; bg: string }> =>
      (await wb().chat()).locator('.turn').first().locator('.markdown').evaluate((md) => ({
        fg: getComputedStyle(md).color,
        bg: getComputedStyle(document.body).backgroundColor,
      }));
    const light = await colours();
    await wb().screenshot('chat-light');
    await wb().runCommand('Preferences: Toggle between Light/Dark Themes');
    await wb().page.locator('.monaco-workbench.vs-dark').waitFor();
    const dark = await until('the webview in the dark theme', async () => {
      const c = await colours();
      return c.bg !== light.bg ? c : undefined;
    }, 10_000);
    await wb().screenshot('chat-dark');
    assert.ok(luminance(light.bg) > 0.5, `the light theme's background is ${light.bg}`);
    assert.ok(luminance(dark.bg) < 0.1, `the dark theme's background is ${dark.bg}`);
    for (const [theme, { fg, bg }] of Object.entries({ light, dark })) {
      const ratio = contrast(fg, bg);
      assert.ok(ratio >= 4.5, `${theme}: the answer's text (${fg} on ${bg}) has a contrast of only ${ratio.toFixed(2)}:1`);
    }
  });

  /** Asks `question`, scripted to stream `long` slowly, and returns once some of it is shown. */
  const streamSlowly = async (question: string, long: string): Promise<{ frame: Frame; turn: Locator }> => {
    kimi().script(reply.text(long, { chunkChars: 4, chunkDelayMs: 60 }));
    const frame = await wb().chat();
    await sendQuestion(frame, question);
    const turn = turnOf(frame, question);
    await until('some streamed text', async () => ((await turn.locator('.markdown').innerText()).length > 20 ? true : undefined));
    return { frame, turn };
  };

  it('Stop cancels an answer mid-stream', async () => {
    const long = 'The lighthouse keeper writes in the logbook. '.repeat(80);
    const { frame, turn } = await streamSlowly('Tell me everything about the keeper.', long);
    await frame.getByRole('button', { name: 'Stop' }).click();
    await untilTurnEnds(turn, 'cancelled', 10_000);
    const partial = await turn.locator('.markdown').innerText();
    assert.ok(partial.length > 0 && partial.length < long.length, 'the answer was not cut short');
    await new Promise((r) => setTimeout(r, 600));
    assert.equal((await turn.locator('.markdown').innerText()).length, partial.length, 'text kept arriving after Stop');
    assert.equal(await frame.getByRole('button', { name: 'Send' }).isEnabled(), true);
  });

  it('Escape stops a streaming answer', async () => {
    const long = 'The keeper trims the wick and winds the clock. '.repeat(80);
    const { frame, turn } = await streamSlowly('What does the keeper do at night?', long);
    await frame.getByRole('textbox', { name: 'Message' }).press('Escape');
    await untilTurnEnds(turn, 'cancelled', 10_000);
    assert.ok((await turn.locator('.markdown').innerText()).length < long.length, 'the answer was not cut short');
  });

  it('Edit a sent question continues from there; Regenerate asks the last one again', async () => {
    kimi().script(reply.text('Answer A.'), reply.text('Answer B.'));
    const frame = await wb().chat();
    await sendQuestion(frame, 'First question?');
    await untilTurnEnds(turnOf(frame, 'First question?'), 'done');
    await sendQuestion(frame, 'Second question?');
    await untilTurnEnds(turnOf(frame, 'Second question?'), 'done');

    kimi().script(reply.text('Answer to the edit.'));
    const first = turnOf(frame, 'First question?');
    await first.locator('.question').hover();
    await first.getByRole('button', { name: 'Edit question' }).click();
    const box = frame.getByRole('textbox', { name: 'Edit question' });
    await box.fill('First question, reworded?');
    await box.press('Enter');
    const edited = turnOf(frame, 'First question, reworded?');
    await untilTurnEnds(edited, 'done');
    assert.match(await edited.locator('.markdown').innerText(), /Answer to the edit/);
    // The turns after the edited one are gone, and the model no longer sees them.
    assert.equal(await frame.locator('.question', { hasText: 'Second question?' }).count(), 0);
    const sent = JSON.stringify(kimi().chatBodies().at(-1)?.messages);
    assert.doesNotMatch(sent, /Second question|Answer B/);
    assert.doesNotMatch(sent, /"First question\?"/);

    kimi().script(reply.text('A regenerated answer.'));
    await edited.getByRole('button', { name: 'Regenerate answer' }).click();
    await until('the regenerated answer', async () =>
      (await turnOf(frame, 'First question, reworded?').locator('.markdown').innerText()).includes('A regenerated answer') ? true : undefined,
    );
    assert.equal(await frame.locator('.question', { hasText: 'First question, reworded?' }).count(), 1);
  });

  it('HTML in a model answer is shown as text and runs nothing', async () => {
    kimi().script(
      reply.text(
        'Careful: <img src=x onerror="window.__pwned=1;document.title=\'pwned\'"> and <script>window.__pwned=2</script> ' +
          'and [a link](javascript:window.__pwned=3) end.',
      ),
    );
    const frame = await wb().chat();
    await sendQuestion(frame, 'Show me some HTML.');
    const turn = turnOf(frame, 'Show me some HTML.');
    await untilTurnEnds(turn, 'done');
    const md = turn.locator('.markdown');
    assert.match(await md.innerText(), /<img src=x onerror=/);
    assert.equal(await md.locator('img, script').count(), 0);
    assert.equal(await md.locator('a[href^="javascript"]').count(), 0);
    await md.getByText('a link').click().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await frame.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.notEqual(await frame.evaluate(() => document.title), 'pwned');
  });

  it('Insert at Cursor puts a code block into the active editor', async () => {
    kimi().script(reply.text('Use this:\n\n```js\nconst lamp = nextFoghornTest(Date.now());\n```\n'));
    await wb().runCommand('File: New Untitled Text File');
    const frame = await wb().chat();
    await sendQuestion(frame, 'Give me a snippet.');
    const turn = turnOf(frame, 'Give me a snippet.');
    await untilTurnEnds(turn, 'done');
    await turn.getByRole('button', { name: /^Insert code block \d+ at cursor$/ }).click();
    const editorText = wb().page.locator('.editor-group-container.active .monaco-editor .view-lines');
    await until('the inserted code', async () => ((await editorText.innerText()).includes('nextFoghornTest(Date.now())') ? true : undefined), 10_000);
    // Insert ends by moving the focus to the editor, after the text shows: a palette opened before
    // that would lose the focus and close under the command being typed into it.
    await wb().page.locator('.editor-group-container.active .monaco-editor.focused').waitFor({ timeout: 10_000 });
    await wb().runCommand('View: Revert and Close Editor');
  });

  it('the model picker lists Kimi\'s models and the next question uses the chosen one', async () => {
    const frame = await wb().chat();
    const picker = frame.getByRole('combobox', { name: 'Model' });
    await until('the model list', async () => ((await picker.locator('option').count()) >= 2 ? true : undefined));
    await picker.selectOption('kimi-k2-turbo-preview');
    kimi().script(reply.text('Answered by the turbo model.'));
    // The host handles webview messages in order, so the choice is saved before this question runs.
    await sendQuestion(frame, 'Which model are you?');
    const turn = turnOf(frame, 'Which model are you?');
    await untilTurnEnds(turn, 'done');
    assert.equal(kimi().chatBodies().at(-1)?.model, 'kimi-k2-turbo-preview');
  });

  it('a window reload keeps the conversation', async () => {
    await wb().page.reload();
    await wb().page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const frame = await wb().chat();
    // Every question of the session comes back, the last one included (it was saved when it ended).
    for (const q of [QUESTION, 'Tell me everything about the keeper.', 'First question, reworded?', 'Show me some HTML.', 'Give me a snippet.']) {
      await turnOf(frame, q).waitFor({ timeout: 30_000 });
    }
    assert.match(await frame.locator('.turn').first().locator('.markdown').innerText(), /Old Marguerite/);
    // The index state survives too: the status bar still knows the workspace is indexed.
    await wb().page.locator('.statusbar-item', { hasText: /Kimi: \d+ files/ }).waitFor({ timeout: 15_000 });
  });

  it('New chat opens an empty conversation', async () => {
    const frame = await wb().chat();
    await frame.getByRole('button', { name: 'New chat' }).click();
    await until('an empty log', async () => ((await frame.locator('.turn').count()) === 0 ? true : undefined));
    assert.equal(await frame.getByRole('log').count(), 1);
  });

  it('conversations: after a reload the last open one is back, and the list switches to the earlier one', async () => {
    kimi().script(reply.text('The second chat answers.'));
    let frame = await wb().chat();
    await sendQuestion(frame, 'A question in a second chat?');
    await untilTurnEnds(turnOf(frame, 'A question in a second chat?'), 'done');

    await wb().page.reload();
    await wb().page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    frame = await wb().chat();
    await turnOf(frame, 'A question in a second chat?').waitFor({ timeout: 30_000 });
    assert.equal(await frame.locator('.question', { hasText: QUESTION }).count(), 0, 'the earlier conversation leaked in');
    // The title arrives with the conversation list, which may trail the restored turns by a message.
    await until('the restored title', async () => ((await frame.locator('.chat-title').innerText()) === 'A question in a second chat?' ? true : undefined));

    // The Conversations button opens the list; the earlier conversation is titled by its first question.
    await frame.getByRole('button', { name: 'Conversations' }).click();
    const row = wb().page.locator('.quick-input-list .monaco-list-row', { hasText: QUESTION });
    await row.waitFor({ timeout: 15_000 });
    await wb().page.locator('.quick-input-list .monaco-list-row', { hasText: 'A question in a second chat?' }).waitFor();
    await row.click();
    await turnOf(frame, QUESTION).waitFor({ timeout: 15_000 });
    assert.match(await turnOf(frame, QUESTION).locator('.markdown').innerText(), /Old Marguerite/);
    assert.equal(await frame.locator('.question', { hasText: 'A question in a second chat?' }).count(), 0);
    await until('the switched title', async () => ((await frame.locator('.chat-title').innerText()) === QUESTION ? true : undefined));

    // The model continues that conversation, not the other one.
    kimi().script(reply.text('Still about the fog horn.'));
    await sendQuestion(frame, 'And on holidays?');
    await untilTurnEnds(turnOf(frame, 'And on holidays?'), 'done');
    const sent = JSON.stringify(kimi().chatBodies().at(-1)?.messages);
    assert.match(sent, /Old Marguerite/);
    assert.doesNotMatch(sent, /second chat/);
  });
});
