// Cost and the context window as a user sees them: Chromium drives the real workbench with the
// extension, and a fake Kimi server (real HTTP + SSE) that reports its own token counts and enforces
// moonshot-v1-8k's 8k window. The meter, an answer's price, the summary marker and the budget prompt.
import { strict as assert } from 'node:assert';
import type { Frame } from 'playwright-core';
import { SUMMARY_INSTRUCTIONS } from '../../src/core/agent/summaryPrompt';
import { fakeTokenCount, reply, type ChatBody } from '../fakes/kimiServer';
import { until } from '../support/until';
import { sendQuestion, turnOf, untilTurnEnds, useWorkbenchWithFakeKimi } from './workbench';

const KEY = 'kimi-e2e-cost-key-P3n7Vb2K';
const isSummary = (b: ChatBody): boolean => b.messages[0]?.content === SUMMARY_INSTRUCTIONS;
const filler = 'The keeper writes the weather, the ships and the lamp hours in the logbook every night. '.repeat(36);

describe('cost and the context window (e2e)', function () {
  this.timeout(300_000);
  const { wb, kimi } = useWorkbenchWithFakeKimi(KEY, {
    name: 'cost',
    viewport: { width: 1300, height: 860 },
    fake: { windows: { 'moonshot-v1-8k': 8_192 }, countUsage: true, models: ['kimi-k2-0711-preview', 'moonshot-v1-8k'] },
    settings: { 'kimiMilvus.kimi.model': 'kimi-k2-0711-preview', 'kimiMilvus.pricing.region': 'global', 'kimiMilvus.budget.dailyLimit': 0.5 },
  });

  const done = async (frame: Frame, question: string): Promise<void> => {
    await untilTurnEnds(turnOf(frame, question), 'done', 60_000);
  };
  it('sets the key', async () => {
    const frame = await wb().chat();
    await wb().setKimiKey(frame, KEY);
  });

  it('the meter counts the draft with Kimi\'s count, within 10 % of the request then sent; the answer shows its tokens, cache hits and price', async () => {
    const frame = await wb().chat();
    const question = 'When is the fog horn tested, and who writes it in the logbook?';
    await frame.getByRole('textbox', { name: 'Message' }).fill(question);
    const meter = frame.getByRole('meter', { name: 'Context window' });
    // The meter is labelled with the draft's own count once typing pauses.
    const measured = await until('Kimi\'s count of the draft', async () => {
      const text = await meter.getAttribute('aria-valuetext');
      return text?.includes('counted by Kimi') ? Number(await meter.getAttribute('aria-valuenow')) : undefined;
    });
    assert.match(await frame.locator('.meter-label').innerText(), /\/ 131,072 tokens \(\d+ %\) · Kimi count/);
    kimi().script(reply.text('Every Friday at noon; the keeper writes it down (src/foghorn.js:4-9).', { usage: { prompt_tokens: 12_000, cached_tokens: 8_000, completion_tokens: 500, total_tokens: 12_500 } }));
    const before = kimi().chatBodies().length;
    await frame.getByRole('textbox', { name: 'Message' }).press('Enter');
    await done(frame, question);
    const sent = fakeTokenCount(kimi().chatBodies()[before] ?? {});
    assert.ok(Math.abs(measured - sent) / sent <= 0.1, `meter ${measured}, server ${sent}`);
    // 4,000 uncached at $0.60, 8,000 cached at $0.15, 500 out at $2.50 per 1M: $0.00485.
    const usage = turnOf(frame, question).locator('.usage');
    assert.equal(await usage.innerText(), '12,500 tokens · 8,000 cached · $0.00485');
    assert.match((await usage.getAttribute('title')) ?? '', /Prompt 12,000 \(8,000 cached\), completion 500 tokens/);
    await until('the totals', async () => ((await frame.locator('.meter-totals').innerText()).startsWith('This chat $0.00485 · Today $') ? true : undefined));
    assert.match(await frame.locator('.meter-totals').innerText(), / of \$0\.50$/);
  });

  it('a conversation past moonshot-v1-8k\'s window keeps answering, with one "Earlier turns summarised" marker that opens the summary', async () => {
    const frame = await wb().chat();
    await frame.getByRole('combobox', { name: 'Model' }).selectOption('moonshot-v1-8k');
    let n = 0;
    kimi().handle((b) => (isSummary(b) ? reply.text('## Files\n- src/lamp.ts:1-40\n## Decisions\n- keep the lamp lit\n## Open questions\n- who winds the clock?') : reply.text(`Answer ${++n}. ${filler}`)));
    let after = -1;
    for (let q = 1; q <= 10 && (after < 0 || q <= after + 1); q++) {
      await sendQuestion(frame, `Question ${q} about the lamp?`);
      await done(frame, `Question ${q} about the lamp?`);
      if (after < 0 && (await frame.locator('.summary-marker').count()) > 0) {
        after = q;
      }
    }
    assert.ok(after > 0, 'a summary was made');
    assert.equal(await frame.locator('.summary-marker').count(), 1);
    const marker = frame.locator('.summary-marker');
    assert.match(await marker.locator('summary').innerText(), /^Earlier turns summarised \(\d+ turns\)$/);
    assert.equal(await marker.getAttribute('open'), null, 'collapsed');
    await marker.locator('summary').click();
    await marker.getByText('who winds the clock?').waitFor();
    assert.equal(await frame.locator('.context-note').count(), 0, 'nothing was left out');
    assert.equal(kimi().rejected.length, 0);
    kimi().handle(undefined);
  });

  it('past the daily limit the chat asks first: Cancel keeps the question in the input, Send Anyway sends it', async () => {
    const frame = await wb().chat();
    await frame.getByRole('combobox', { name: 'Model' }).selectOption('kimi-k2-0711-preview');
    // One expensive answer ($0.60 for 1M prompt tokens) takes today past the $0.50 limit.
    kimi().script(reply.text('That was a long one.', { usage: { prompt_tokens: 1_000_000, completion_tokens: 10, total_tokens: 1_000_010 } }));
    await sendQuestion(frame, 'Read the whole logbook?');
    await done(frame, 'Read the whole logbook?');
    const requests = kimi().chatBodies().length;
    await sendQuestion(frame, 'One more question?');
    const dialog = wb().page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 30_000 });
    assert.match(await dialog.innerText(), /past your daily limit of \$0\.50/);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await until('the question back in the input', async () => ((await frame.getByRole('textbox', { name: 'Message' }).inputValue()) === 'One more question?' ? true : undefined));
    assert.equal(kimi().chatBodies().length, requests, 'nothing was sent');
    assert.equal(await frame.locator('.question', { hasText: 'One more question?' }).count(), 0);

    kimi().script(reply.text('Sent anyway.'));
    await frame.getByRole('textbox', { name: 'Message' }).press('Enter');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Send Anyway' }).click();
    await done(frame, 'One more question?');
    assert.match(await turnOf(frame, 'One more question?').locator('.markdown').innerText(), /Sent anyway/);
  });
});
