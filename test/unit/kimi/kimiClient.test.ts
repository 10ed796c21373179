import { strict as assert } from 'node:assert';
import { KimiClient } from '../../../src/core/kimi/kimiClient';
import { ApiError, UserAbortError } from '../../../src/core/errors';
import type { KimiConfig } from '../../../src/core/config';
import { reply, startFakeKimi, type FakeKimi } from '../../fakes/kimiServer';

const KEY = 'sk-test-key-123456';

function config(kimi: FakeKimi, extra: Partial<KimiConfig> = {}): KimiConfig {
  return { apiKey: KEY, baseUrl: kimi.baseUrl, model: 'kimi-k2.5', temperature: undefined, maxSteps: 16, webSearch: false, ...extra };
}

describe('KimiClient against the fake Kimi server', () => {
  let kimi: FakeKimi;
  beforeEach(async () => {
    kimi = await startFakeKimi({ apiKey: KEY });
  });
  afterEach(async () => {
    await kimi.close();
  });

  it('streams text, reads usage inside the final choice, sends explicit max_tokens and no temperature', async () => {
    kimi.script(reply.text('Hello from Kimi, streamed in pieces.', { usage: { prompt_tokens: 19, completion_tokens: 13, total_tokens: 32 } }));
    const client = new KimiClient(config(kimi), { retry: { baseDelayMs: 5 } });
    const deltas: string[] = [];
    const turn = await client.chat({ messages: [{ role: 'user', content: 'hi' }] }, { onTextDelta: (t) => deltas.push(t) });
    assert.equal(turn.content, 'Hello from Kimi, streamed in pieces.');
    assert.ok(deltas.length > 3, 'text arrives in several deltas');
    assert.equal(deltas.join(''), turn.content);
    assert.equal(turn.finishReason, 'stop');
    assert.equal(turn.complete, true);
    assert.deepEqual(turn.usage, { promptTokens: 19, completionTokens: 13, totalTokens: 32 });
    const [body] = kimi.chatBodies();
    assert.equal(body?.stream, true);
    assert.equal(body?.model, 'kimi-k2.5');
    assert.equal(typeof body?.max_tokens, 'number');
    assert.ok(!('temperature' in (body ?? {})));
    assert.equal(kimi.requests[0]?.headers.authorization, `Bearer ${KEY}`);
  });

  it('clamps a configured temperature to [0, 1]', async () => {
    kimi.script(reply.text('a'), reply.text('b'));
    await new KimiClient(config(kimi, { temperature: 1.7 })).chat({ messages: [{ role: 'user', content: 'x' }] });
    await new KimiClient(config(kimi, { temperature: -0.5 })).chat({ messages: [{ role: 'user', content: 'x' }] });
    assert.deepEqual(
      kimi.chatBodies().map((b) => b.temperature),
      [1, 0],
    );
  });

  it('assembles parallel tool calls whose arguments are split across many chunks, after the content', async () => {
    kimi.script(
      reply.toolCalls(
        [
          { name: 'search_workspace', arguments: { query: 'where is the retry policy defined?', limit: 5 } },
          { name: 'read_file', arguments: { path: 'src/core/kimi/retry.ts', start_line: 1, end_line: 40 } },
        ],
        { text: 'Let me look.', chunkChars: 3 },
      ),
    );
    const client = new KimiClient(config(kimi));
    const turn = await client.chat({ messages: [{ role: 'user', content: 'q' }] });
    assert.equal(turn.content, 'Let me look.');
    assert.equal(turn.finishReason, 'tool_calls');
    assert.equal(turn.toolCalls.length, 2);
    assert.equal(turn.toolCalls[0]?.id, 'search_workspace:0');
    assert.equal(turn.toolCalls[0]?.function.name, 'search_workspace');
    assert.deepEqual(JSON.parse(turn.toolCalls[0]?.function.arguments ?? ''), { query: 'where is the retry policy defined?', limit: 5 });
    assert.equal(turn.toolCalls[1]?.id, 'read_file:1');
    assert.deepEqual(JSON.parse(turn.toolCalls[1]?.function.arguments ?? ''), { path: 'src/core/kimi/retry.ts', start_line: 1, end_line: 40 });
  });

  it('captures reasoning_content separately and before the content', async () => {
    kimi.script(reply.text('The answer is 4.', { reasoning: 'Two plus two is four.' }));
    const order: string[] = [];
    const turn = await new KimiClient(config(kimi)).chat(
      { messages: [{ role: 'user', content: '2+2?' }] },
      { onReasoningDelta: () => order.push('r'), onTextDelta: () => order.push('t') },
    );
    assert.equal(turn.reasoning, 'Two plus two is four.');
    assert.equal(turn.content, 'The answer is 4.');
    assert.ok(order.lastIndexOf('r') < order.indexOf('t'));
  });

  it('waits as told by a 429 "try again after 1 seconds", then succeeds', async () => {
    kimi.script(reply.rateLimit(1), reply.text('ok'));
    const retries: Array<{ attempt: number; delayMs: number }> = [];
    const started = Date.now();
    const turn = await new KimiClient(config(kimi), { retry: { baseDelayMs: 5 } }).chat(
      { messages: [{ role: 'user', content: 'x' }] },
      { onRetry: (attempt, delayMs) => retries.push({ attempt, delayMs }) },
    );
    assert.equal(turn.content, 'ok');
    assert.equal(retries.length, 1);
    assert.ok(retries[0].delayMs >= 1000 && retries[0].delayMs < 1500, `delay ${retries[0].delayMs}`);
    assert.ok(Date.now() - started >= 1000);
    assert.equal(kimi.chatBodies().length, 2);
  });

  it('fails at once on a quota error (429 exceeded_current_quota_error), without retrying', async () => {
    kimi.script(reply.quota(), reply.text('never'));
    await assert.rejects(new KimiClient(config(kimi), { retry: { baseDelayMs: 5 } }).chat({ messages: [{ role: 'user', content: 'x' }] }), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.status, 429);
      assert.equal(err.type, 'exceeded_current_quota_error');
      assert.equal(err.retryable, false);
      assert.match(err.message, /balance/);
      return true;
    });
    assert.equal(kimi.chatBodies().length, 1);
  });

  it('fails at once on content_filter and on 401', async () => {
    kimi.script(reply.contentFilter());
    await assert.rejects(new KimiClient(config(kimi)).chat({ messages: [{ role: 'user', content: 'x' }] }), /content filter/);
    await assert.rejects(new KimiClient(config(kimi, { apiKey: 'sk-wrong-key-0000' })).chat({ messages: [{ role: 'user', content: 'x' }] }), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.status, 401);
      assert.ok(!err.message.includes('sk-wrong-key-0000'), 'the key is never in the message');
      return true;
    });
    assert.equal(kimi.chatBodies().length, 2);
  });

  it('retries a 500 and a connection cut before any output, with backoff', async () => {
    kimi.script(reply.serverError(), { text: 'never seen', cutAfterChunks: 0 }, reply.text('recovered'));
    const retries: number[] = [];
    const turn = await new KimiClient(config(kimi), { retry: { baseDelayMs: 5 } }).chat(
      { messages: [{ role: 'user', content: 'x' }] },
      { onRetry: (a) => retries.push(a) },
    );
    assert.equal(turn.content, 'recovered');
    assert.deepEqual(retries, [1, 2]);
  });

  it('reports a stream cut mid-way as incomplete and never returns its partial tool calls', async () => {
    kimi.script(reply.toolCalls([{ name: 'read_file', arguments: { path: 'a.ts' } }], { text: 'Reading the file now.', chunkChars: 4, cutAfterChunks: 6 }));
    const turn = await new KimiClient(config(kimi), { retry: { baseDelayMs: 5 } }).chat({ messages: [{ role: 'user', content: 'x' }] });
    assert.equal(turn.complete, false);
    assert.deepEqual(turn.toolCalls, []);
    assert.ok(turn.content.length > 0 && 'Reading the file now.'.startsWith(turn.content));
    assert.equal(kimi.chatBodies().length, 1, 'output was shown, so no silent retry');
  });

  it('treats a stream that ends without a finish_reason after shown text as incomplete', async () => {
    kimi.script(reply.toolCalls([{ name: 'list_files', arguments: {} }], { text: 'Listing.', noFinish: true }));
    const turn = await new KimiClient(config(kimi)).chat({ messages: [{ role: 'user', content: 'x' }] });
    assert.equal(turn.complete, false);
    assert.equal(turn.finishReason, null);
    assert.deepEqual(turn.toolCalls, []);
  });

  it('aborts mid-stream with UserAbortError', async () => {
    kimi.script(reply.text('x'.repeat(400), { chunkChars: 4, chunkDelayMs: 20 }));
    const controller = new AbortController();
    let received = 0;
    const started = Date.now();
    await assert.rejects(
      new KimiClient(config(kimi)).chat(
        { messages: [{ role: 'user', content: 'x' }] },
        {
          onTextDelta: () => {
            if (++received === 3) {
              controller.abort();
            }
          },
        },
        controller.signal,
      ),
      UserAbortError,
    );
    assert.ok(Date.now() - started < 1500, 'does not wait for the rest of the stream (2 s)');
  });

  it('lists models, and a bad key makes listModels throw ApiError 401', async () => {
    assert.deepEqual(await new KimiClient(config(kimi)).listModels(), ['kimi-k2.5', 'kimi-k2-turbo-preview', 'moonshot-v1-8k']);
    await assert.rejects(new KimiClient(config(kimi, { apiKey: 'sk-bad-000000' })).listModels(), (err: unknown) => err instanceof ApiError && err.status === 401);
  });

  it('estimates tokens with /tokenizers/estimate-token-count', async () => {
    const n = await new KimiClient(config(kimi)).estimateTokens('kimi-k2.5', [{ role: 'user', content: 'a'.repeat(400) }]);
    assert.ok(n >= 100, `got ${n}`);
    const req = kimi.requests.find((r) => r.path === '/v1/tokenizers/estimate-token-count');
    assert.equal((req?.body as { model: string }).model, 'kimi-k2.5');
  });

  it('refuses to call without a key, with a message naming how to set it', async () => {
    await assert.rejects(new KimiClient(config(kimi, { apiKey: undefined })).chat({ messages: [{ role: 'user', content: 'x' }] }), /API key/);
    assert.equal(kimi.requests.length, 0);
  });
});
