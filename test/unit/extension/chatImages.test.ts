/**
 * Images in the chat, from what the webview sends to what reaches Kimi: the host's ChatSession
 * with an engine made of the real core Agent and KimiClient, talking to the fake Kimi over HTTP.
 * A pasted image reaches a vision model as an image_url part; a text-only model refuses it with a
 * message before anything is sent; images survive a reload within the conversation's caps.
 */
import { strict as assert } from 'node:assert';
import { Agent } from '../../../src/core/agent/agent';
import { ChatHistory } from '../../../src/core/agent/history';
import { ToolRegistry } from '../../../src/core/agent/tools/registry';
import { IMAGE_TOKENS, estimateMessagesTokens } from '../../../src/core/agent/tokens';
import { imageInputFrom, sniffImageType } from '../../../src/core/kimi/imageInput';
import { KimiClient } from '../../../src/core/kimi/kimiClient';
import { KimiApiError } from '../../../src/core/errors';
import { supportsVision, visionModelAmong } from '../../../src/core/kimi/models';
import { nullLogger } from '../../../src/core/logger';
import { capThumbnails } from '../../../src/extension/chat/chatImages';
import { type ChatEngine, ChatSession } from '../../../src/extension/chat/chatSession';
import type { ChatStore } from '../../../src/extension/chat/chatStore';
import { parseWebviewMessage } from '../../../src/shared/protocol';
import { MAX_IMAGES } from '../../../src/shared/images';
import { reply, startFakeKimi, type FakeKimi } from '../../fakes/kimiServer';
import { makePng } from '../../support/documentFiles';

const PNG = `data:image/png;base64,${makePng(40, 30).toString('base64')}`;
const THUMB = `data:image/png;base64,${makePng(8, 6).toString('base64')}`;

function memoryStore(): ChatStore {
  const docs = new Map<string, unknown>();
  return {
    load: async (name) => docs.get(name),
    save: async (name, data) => void docs.set(name, JSON.parse(JSON.stringify(data)) as unknown),
    remove: async (name) => void docs.delete(name),
  };
}

/** The extension's engine in miniature: the same core Agent and ChatHistory, a KimiClient on the fake. */
function engineFor(kimi: FakeKimi, model: string): ChatEngine {
  const restore = (saved: unknown): ChatHistory => (saved === undefined ? new ChatHistory() : ChatHistory.fromJSON(saved));
  return {
    async run(saved, question, onEvent, signal, options) {
      const history = restore(saved);
      const client = new KimiClient({ apiKey: 'sk-test', baseUrl: kimi.baseUrl, model, temperature: undefined, maxSteps: 4, webSearch: false }, { retry: { maxRetries: 0 } });
      await new Agent({ client, tools: new ToolRegistry([]) }).run(history, question, onEvent, signal, options?.images ?? []);
      return history.toJSON();
    },
    size: (saved) => (saved === undefined ? 0 : restore(saved).length),
    rewind: (saved, n) => ({ ...restore(saved).toJSON(), messages: restore(saved).toJSON().messages.slice(0, n) }),
    imagesAt: (saved, i) => (saved === undefined ? [] : restore(saved).imagesAt(i)),
  };
}

describe('images in the chat', function () {
  this.timeout(30_000);
  let kimi: FakeKimi;
  beforeEach(async () => {
    kimi = await startFakeKimi({ apiKey: 'sk-test' });
  });
  afterEach(() => kimi.close());

  it('a pasted image reaches a vision model as an image_url part, and survives a reload', async () => {
    const message = parseWebviewMessage({ type: 'send', text: 'What is wrong in this screenshot?', images: [{ name: 'shot.png', dataUrl: PNG, thumbnail: THUMB }] });
    assert.ok(message?.type === 'send' && message.images?.length === 1, 'the webview message is accepted');
    kimi.script(reply.text('The button is red.'), reply.text('Still red.'));
    const store = memoryStore();
    const session = new ChatSession(store, engineFor(kimi, 'kimi-k2.5'), nullLogger);
    await session.send(message.text, undefined, message.images.map((i) => ({ name: i.name, thumbnail: i.thumbnail, url: i.dataUrl })));

    const [body] = kimi.chatBodies();
    const user = body?.messages.at(-1);
    assert.ok(Array.isArray(user?.content), 'content is a list of parts, not a string');
    assert.deepEqual(user.content, [
      { type: 'image_url', image_url: { url: PNG } },
      { type: 'text', text: 'What is wrong in this screenshot?' },
    ]);
    assert.equal(session.allTurns[0]?.status, 'done');
    assert.deepEqual(session.allTurns[0]?.images, [{ name: 'shot.png', thumbnail: THUMB }]);

    // A reload: a new session on the same storage shows the thumbnail, and Regenerate sends the image again.
    const reloaded = new ChatSession(store, engineFor(kimi, 'kimi-k2.5'), nullLogger);
    await reloaded.whenLoaded();
    assert.deepEqual(reloaded.allTurns[0]?.images, [{ name: 'shot.png', thumbnail: THUMB }]);
    await reloaded.resend(reloaded.allTurns[0]?.id ?? '');
    const again = kimi.chatBodies()[1]?.messages.at(-1);
    assert.deepEqual(again?.content, user.content);
  });

  it('a text-only model refuses the image with a message, and nothing is sent to Kimi', async () => {
    const session = new ChatSession(memoryStore(), engineFor(kimi, 'kimi-k2-turbo-preview'), nullLogger);
    await session.send('What is this?', undefined, [{ name: 'shot.png', thumbnail: THUMB, url: PNG }]);
    const turn = session.allTurns[0];
    assert.equal(turn?.status, 'error');
    assert.match(turn?.error ?? '', /kimi-k2-turbo-preview cannot see images\. Choose a model with vision \(such as kimi-k2\.5\)/);
    assert.equal(kimi.chatBodies().length, 0);
  });

  it('Kimi itself refusing an image is reported in words (the fake checks vision and data URLs)', async () => {
    const client = new KimiClient({ apiKey: 'sk-test', baseUrl: kimi.baseUrl, model: 'moonshot-v1-8k', temperature: undefined, maxSteps: 1, webSearch: false }, { retry: { maxRetries: 0 } });
    await assert.rejects(
      client.chat({ messages: [{ role: 'user', content: 'hi', images: [{ url: PNG }] }] }),
      (e: unknown) => e instanceof KimiApiError && e.status === 400 && /moonshot-v1-8k did not take the attached image/.test(e.message),
    );
    const vision = new KimiClient({ apiKey: 'sk-test', baseUrl: kimi.baseUrl, model: 'kimi-k2.5', temperature: undefined, maxSteps: 1, webSearch: false }, { retry: { maxRetries: 0 } });
    await assert.rejects(vision.chat({ messages: [{ role: 'user', content: 'hi', images: [{ url: 'https://example.com/a.png' }] }] }), /base64 data URL/);
  });

  it('knows which models see images, and offers kimi-k2.5 first', () => {
    assert.deepEqual(['kimi-k2.5', 'kimi-k2-turbo-preview', 'kimi-k2-0711-preview', 'moonshot-v1-8k', 'moonshot-v1-8k-vision-preview', 'kimi-latest'].map(supportsVision), [true, false, false, false, true, true]);
    assert.equal(visionModelAmong(['moonshot-v1-8k', 'kimi-latest', 'kimi-k2.5']), 'kimi-k2.5');
    assert.equal(visionModelAmong(['moonshot-v1-8k', 'moonshot-v1-32k-vision-preview']), 'moonshot-v1-32k-vision-preview');
  });

  it('the webview message is checked: types, data URLs, counts and sizes', () => {
    const img = { name: 'a.png', dataUrl: PNG, thumbnail: THUMB };
    const bad = [
      { ...img, dataUrl: 'https://example.com/a.png' },
      { ...img, dataUrl: PNG.replace('image/png', 'image/svg+xml') },
      { ...img, thumbnail: `data:image/png;base64,${'A'.repeat(100_000)}` },
      { ...img, name: 7 },
    ];
    for (const b of bad) {
      assert.equal(parseWebviewMessage({ type: 'send', text: 'x', images: [b] }), undefined, JSON.stringify(b).slice(0, 80));
    }
    assert.equal(parseWebviewMessage({ type: 'send', text: 'x', images: Array.from({ length: MAX_IMAGES + 1 }, () => img) }), undefined);
    assert.deepEqual(parseWebviewMessage({ type: 'send', text: '', images: [img] }), { type: 'send', text: '', images: [img] });
    assert.equal(parseWebviewMessage({ type: 'send', text: '  ' }), undefined);
  });

  it('a conversation keeps its newest images within the caps; each image counts 1024 tokens', () => {
    const history = new ChatHistory();
    history.addUser('first', [{ url: PNG }]);
    history.addAssistant('ok');
    history.addUser('second', [{ url: PNG }, { url: PNG }]);
    assert.equal(estimateMessagesTokens(history.messages) - estimateMessagesTokens([{ role: 'user', content: 'first' }, { role: 'assistant', content: 'ok' }, { role: 'user', content: 'second' }]), 3 * IMAGE_TOKENS);
    assert.equal(history.capImages(PNG.length * 2), 1);
    const restored = ChatHistory.fromJSON(JSON.parse(JSON.stringify(history.toJSON())));
    assert.equal(restored.imagesAt(2).length, 2);
    assert.equal(restored.imagesAt(0).length, 0);
    assert.match(restored.messages[0]?.content ?? '', /no longer kept/);

    const turn = (id: string) => ({ id, question: id, answer: '', reasoning: '', tools: [], sources: [], status: 'done' as const, images: [{ name: `${id}.png`, thumbnail: THUMB }] });
    const capped = capThumbnails([turn('a'), turn('b'), turn('c')], THUMB.length * 2);
    assert.deepEqual(capped.map((t) => t.images?.[0]?.thumbnail !== undefined), [false, true, true]);
  });

  it('the CLI recognises image files by their bytes', () => {
    assert.equal(sniffImageType(makePng(2, 2)), 'image/png');
    assert.equal(sniffImageType(Buffer.from('GIF89a...')), 'image/gif');
    assert.equal(sniffImageType(Buffer.from('%PDF-1.4')), undefined);
    assert.match(imageInputFrom(makePng(2, 2), 'x.png').url, /^data:image\/png;base64,iVBOR/);
    assert.throws(() => imageInputFrom(Buffer.from('hello'), 'notes.txt'), /notes\.txt is not a PNG, JPEG, WebP or GIF image/);
  });
});
