// Inside the real extension host: the chat view's own session (driven through the test API, the host
// has no webview to type into) against a fake Kimi server that enforces moonshot-v1-8k's window and
// reports its own token counts: prices from the settings, today's total, and Compact Conversation.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { SUMMARY_INSTRUCTIONS } from '../../../src/core/agent/summaryPrompt';
import { costAt } from '../../../src/core/kimi/pricing';
import { Commands } from '../../../src/extension/constants';
import type { KimiMilvusTestApi } from '../../../src/extension/testApi';
import { reply, startFakeKimi, type ChatBody, type FakeKimi } from '../../fakes/kimiServer';
import { testApi } from '../testApi';

const KIMI_KEY = 'kimi-cost-key-W4p9Lx2Qe';
const V1_8K = { input: 0.2, output: 2, currency: 'USD' as const };
const isSummary = (b: ChatBody): boolean => b.messages[0]?.content === SUMMARY_INSTRUCTIONS;

describe('cost and compaction in the chat (inside VS Code, fake Kimi with an 8k window)', function () {
  this.timeout(240_000);
  let api: KimiMilvusTestApi;
  let kimi: FakeKimi;
  const config = () => vscode.workspace.getConfiguration('kimiMilvus');
  const settings: Array<[string, unknown]> = [];
  const set = async (key: string, value: unknown): Promise<void> => {
    settings.push([key, undefined]);
    await config().update(key, value, vscode.ConfigurationTarget.Global);
  };

  before(async () => {
    api = await testApi();
    kimi = await startFakeKimi({ apiKey: KIMI_KEY, windows: { 'moonshot-v1-8k': 8_192 }, countUsage: true });
    await set('kimi.baseUrl', kimi.baseUrl);
    await set('kimi.model', 'moonshot-v1-8k');
    // The fake server is on 127.0.0.1: say whose prices apply, as a proxy's user would.
    await set('pricing.region', 'global');
    assert.equal(await vscode.commands.executeCommand(Commands.setKimiApiKey, KIMI_KEY), true);
    await vscode.commands.executeCommand(Commands.newChat);
  });

  after(async () => {
    await vscode.commands.executeCommand(Commands.clearSecrets, true);
    for (const [key] of settings) {
      await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    }
    await vscode.commands.executeCommand(Commands.newChat);
    await kimi.close();
  });

  it('prices each answer from the table on the server\'s usage, adds it to today\'s total, and Compact Conversation summarises with Kimi', async () => {
    let n = 0;
    kimi.handle((b) => (isSummary(b) ? reply.text('- Files: src/foghorn.js:4-9\n- Decisions: test on Fridays') : reply.text(`Answer ${++n}: see src/foghorn.js:4-9.`)));
    const before = await api.chat.totals();
    const served: number[] = [];
    for (const q of ['When is the fog horn tested?', 'And on holidays?', 'Who tests it?']) {
      const seen = kimi.usages.length;
      await api.chat.send(q);
      served.push(kimi.usages.slice(seen).reduce((sum, u) => sum + costAt(V1_8K, { promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens }).amount, 0));
    }
    const turns = api.chat.turns();
    assert.deepEqual(turns.map((t) => t.status), ['done', 'done', 'done'], JSON.stringify(turns.map((t) => t.error)));
    turns.forEach((t, i) => {
      assert.equal(t.usage?.cost?.currency, 'USD');
      assert.ok(Math.abs((t.usage?.cost?.amount ?? -1) - (served[i] ?? 0)) < 1e-12, `answer ${i + 1}: ${t.usage?.cost?.amount} ≠ ${served[i]}`);
    });
    // Today's total is written when an answer ends; it may trail the answer by a moment.
    const spent = served.reduce((a, b) => a + b, 0);
    let after = await api.chat.totals();
    for (let i = 0; i < 50 && after.today.answers < before.today.answers + 3; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await api.chat.totals();
    }
    assert.equal(after.today.answers, before.today.answers + 3);
    assert.ok(Math.abs((after.today.costs.USD ?? 0) - (before.today.costs.USD ?? 0) - spent) < 1e-12);
    assert.ok(Math.abs((after.conversation.costs.USD ?? 0) - spent) < 1e-12);

    await vscode.commands.executeCommand(Commands.compactConversation);
    const summaryRequest = kimi.chatBodies().find(isSummary);
    assert.ok(summaryRequest, 'a summary request was made');
    assert.match(String(summaryRequest.messages[1]?.content), /When is the fog horn tested\?/);
    const last = api.chat.turns().at(-1);
    assert.equal(last?.summary?.manual, true);
    assert.match(last?.summary?.text ?? '', /src\/foghorn\.js:4-9/);
    assert.ok(last?.summary?.usage?.cost, 'the summary request is priced');
    // The next question carries the summary instead of the turns it covers.
    await api.chat.send('What did we decide?');
    const next = kimi.chatBodies().at(-1);
    assert.match(String(next?.messages[1]?.content), /^Summary of the earlier part of this conversation/);
    assert.equal(kimi.rejected.length, 0);
  });

  it('a model the table lacks shows tokens only until the user sets its price', async () => {
    await set('kimi.model', 'kimi-k2.5');
    kimi.handle(() => reply.text('Priced?', { usage: { prompt_tokens: 3_000, cached_tokens: 1_000, completion_tokens: 200, total_tokens: 3_200 } }));
    await api.chat.send('How much was that?');
    const unpriced = api.chat.turns().at(-1);
    assert.equal(unpriced?.usage?.totalTokens, 3_200);
    assert.equal(unpriced?.usage?.cachedTokens, 1_000);
    assert.equal(unpriced?.usage?.cost, undefined);
    await set('pricing.models', { 'kimi-k2.5': { input: 0.6, cachedInput: 0.15, output: 2.5 } });
    await api.chat.send('And now?');
    const priced = api.chat.turns().at(-1);
    assert.ok(Math.abs((priced?.usage?.cost?.amount ?? -1) - (2_000 * 0.6 + 1_000 * 0.15 + 200 * 2.5) / 1e6) < 1e-12, JSON.stringify(priced?.usage));
  });
});
