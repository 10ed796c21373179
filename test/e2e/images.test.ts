// Images in the chat as a user meets them: Chromium drives the real workbench (code-server) with the
// extension loaded and the fake Kimi server. A screenshot pasted into the input becomes a thumbnail
// chip, is downscaled on the view's canvas and reaches a vision model as an image_url part; with a
// text-only model the composer says so and offers the vision model, and sending anyway is refused;
// the thumbnail survives a window reload.
import { strict as assert } from 'node:assert';
import type { Frame } from 'playwright-core';
import { reply } from '../fakes/kimiServer';
import { makePng } from '../support/documentFiles';
import { until } from '../support/until';
import { sendQuestion, turnOf, untilTurnEnds, useWorkbenchWithFakeKimi } from './workbench';

const KEY = 'kimi-e2e-images-Zt4Qw9';
/** Larger than the longest side sent (1,568 px): the view must scale it down. */
const SCREENSHOT = makePng(2400, 1200, [30, 120, 200, 255]).toString('base64');

describe('images in the chat (e2e)', function () {
  this.timeout(300_000);
  const { wb, kimi } = useWorkbenchWithFakeKimi(KEY, { name: 'images', viewport: { width: 1300, height: 860 } });


  /** What pasting a screenshot from the clipboard does: a paste event carrying an image file. */
  async function paste(frame: Frame, name: string): Promise<void> {
    await frame.evaluate(
      ([b64, fileName]) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const data = new DataTransfer();
        data.items.add(new File([bytes], fileName, { type: 'image/png' }));
        const input = document.querySelector('textarea.input');
        input?.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
      },
      [SCREENSHOT, name] as const,
    );
    await frame.locator('.composer .image-chip img.thumb').first().waitFor({ timeout: 15_000 });
  }

  it('a pasted screenshot reaches the vision model as an image_url part, scaled down', async () => {
    const frame = await wb().chat();
    await wb().setKimiKey(frame, KEY);
    const picker = frame.getByRole('combobox', { name: 'Model' });
    await until('the model list', async () => ((await picker.locator('option').count()) >= 2 ? true : undefined));
    assert.equal(await picker.inputValue(), 'kimi-k2.5');

    await paste(frame, 'screenshot.png');
    assert.equal(await frame.locator('.image-notice').isVisible(), false, 'kimi-k2.5 sees images: no warning');
    kimi().script(reply.text('A blue rectangle, twice as wide as it is tall.'));
    await sendQuestion(frame, 'What is in this screenshot?');
    const turn = turnOf(frame, 'What is in this screenshot?');
    await untilTurnEnds(turn, 'done');
    await turn.locator('.question .image-chip img.thumb').waitFor();
    assert.equal(await frame.locator('.composer .image-chip').count(), 0, 'the composer is cleared after sending');

    const body = kimi().chatBodies().at(-1);
    const content = body?.messages.at(-1)?.content as Array<{ type: string; image_url?: { url: string }; text?: string }>;
    assert.ok(Array.isArray(content), 'the question went as a list of parts');
    const image = content.find((p) => p.type === 'image_url');
    assert.match(image?.image_url?.url ?? '', /^data:image\/png;base64,/);
    assert.deepEqual(content.find((p) => p.type === 'text'), { type: 'text', text: 'What is in this screenshot?' });
    // Scaled down in the view: the PNG's header says 1568 × 784.
    const png = Buffer.from((image?.image_url?.url ?? '').split(',')[1] ?? '', 'base64');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [1568, 784]);
  });

  it('with a text-only model the composer says so and offers the vision model; sending anyway is refused', async () => {
    const frame = await wb().chat();
    const picker = frame.getByRole('combobox', { name: 'Model' });
    await picker.selectOption('kimi-k2-turbo-preview');
    await paste(frame, 'error-dialog.png');
    const notice = frame.locator('.image-notice');
    await notice.getByText('kimi-k2-turbo-preview cannot see images.').waitFor({ timeout: 15_000 });
    await notice.getByRole('button', { name: 'Use kimi-k2.5' }).waitFor();

    const before = kimi().chatBodies().length;
    await sendQuestion(frame, 'Why does this dialog appear?');
    const turn = turnOf(frame, 'Why does this dialog appear?');
    await untilTurnEnds(turn, 'error');
    assert.match(await turn.innerText(), /kimi-k2-turbo-preview cannot see images\. Choose a model with vision \(such as kimi-k2\.5\)/);
    assert.equal(kimi().chatBodies().length, before, 'nothing was sent to Kimi');

    await paste(frame, 'error-dialog.png');
    await notice.getByRole('button', { name: 'Use kimi-k2.5' }).click();
    await until('the vision model chosen', async () => ((await picker.inputValue()) === 'kimi-k2.5' ? true : undefined), 15_000);
    await until('the warning gone', async () => ((await notice.isVisible()) ? undefined : true), 15_000);
  });

  it('a window reload keeps the sent image with the conversation', async () => {
    await wb().page.reload();
    await wb().page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const frame = await wb().chat();
    const turn = turnOf(frame, 'What is in this screenshot?');
    await turn.waitFor({ timeout: 30_000 });
    const src = await turn.locator('.question .image-chip img.thumb').getAttribute('src');
    assert.match(src ?? '', /^data:image\/jpeg;base64,/);
    await wb().screenshot('chat-image');
  });
});
