// The @kimi chat participant inside the real extension host. code-server 1.100 has no Chat view to
// type into, so the test drives the participant's request handler (from the test API) the way
// VS Code does: a real CancellationTokenSource's token and a response stream that records what it
// is sent. Kimi is the fake server (real HTTP, streamed); the tools run on the real workspace.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { Commands } from '../../../src/extension/constants';
import type { KimiChatMetadata } from '../../../src/extension/lm/chatParticipant';
import type { KimiMilvusTestApi } from '../../../src/extension/testApi';
import { reply, startFakeKimi, type FakeKimi } from '../../fakes/kimiServer';
import { testApi } from '../testApi';

const KIMI_KEY = 'kimi-participant-key-Hs83Kd0Q';
const ANSWER = 'The brass lens is polished on the first Tuesday of each month (docs/maintenance.md:3-3).';

class RecordingStream {
  readonly markdown: string[] = [];
  readonly progress: string[] = [];
  readonly references: vscode.Location[] = [];
  readonly anchors: Array<{ target: vscode.Uri | vscode.Location; title?: string }> = [];
  readonly buttons: vscode.Command[] = [];
  onMarkdown: () => void = () => undefined;

  asStream(): vscode.ChatResponseStream {
    return {
      markdown: (value) => {
        this.markdown.push(typeof value === 'string' ? value : value.value);
        this.onMarkdown();
      },
      anchor: (target, title) => this.anchors.push({ target, title }),
      button: (command) => this.buttons.push(command),
      filetree: () => undefined,
      progress: (value) => this.progress.push(value),
      reference: (value) => {
        assert.ok(value instanceof vscode.Location);
        this.references.push(value);
      },
      push: () => undefined,
    };
  }

  get text(): string {
    return this.markdown.join('');
  }
}

function request(prompt: string): vscode.ChatRequest {
  // A ChatRequest has no public constructor; these are the fields the handler reads.
  return { prompt, command: undefined, references: [], toolReferences: [], toolInvocationToken: undefined, model: undefined } as unknown as vscode.ChatRequest;
}

const NO_HISTORY: vscode.ChatContext = { history: [] };

describe('@kimi chat participant (inside VS Code, fake Kimi, real tools)', function () {
  this.timeout(240_000);
  let api: KimiMilvusTestApi;
  let kimi: FakeKimi;
  const config = () => vscode.workspace.getConfiguration('kimiMilvus');

  before(async () => {
    api = await testApi();
    kimi = await startFakeKimi({ apiKey: KIMI_KEY });
    await config().update('kimi.baseUrl', kimi.baseUrl, vscode.ConfigurationTarget.Global);
    assert.equal(await vscode.commands.executeCommand(Commands.setKimiApiKey, KIMI_KEY), true);
  });

  after(async () => {
    // The key goes first: with no key, nothing lists models against the next suite's fake Kimi.
    await vscode.commands.executeCommand(Commands.clearSecrets, true);
    await config().update('kimi.baseUrl', undefined, vscode.ConfigurationTarget.Global);
    await kimi.close();
  });

  it('streams the answer as Markdown, with tool progress, references and citation anchors', async () => {
    kimi.script(
      reply.toolCalls([{ name: 'read_file', arguments: { path: 'docs/maintenance.md', start_line: 3, end_line: 3 } }]),
      reply.text(ANSWER, { chunkChars: 10 }),
    );
    const rec = new RecordingStream();
    const source = new vscode.CancellationTokenSource();
    const result = await api.kimiChatHandler(request('When is the lens polished?'), NO_HISTORY, rec.asStream(), source.token);
    source.dispose();
    assert.ok(result, 'the handler returns a result');
    assert.equal(result.errorDetails, undefined, JSON.stringify(result.errorDetails));
    assert.ok(rec.text.startsWith(ANSWER), rec.text);
    assert.ok(rec.markdown.length > 2, 'streamed in pieces');
    assert.ok(rec.progress.some((p) => p.startsWith('read_file docs/maintenance.md')), rec.progress.join(' | '));
    assert.equal(rec.references.length, 1);
    assert.ok(rec.references[0].uri.fsPath.endsWith('docs/maintenance.md'));
    assert.equal(rec.references[0].range.start.line, 2);
    const anchor = rec.anchors.find((a) => a.title === 'docs/maintenance.md:3-3');
    assert.ok(anchor && anchor.target instanceof vscode.Location && anchor.target.uri.fsPath.endsWith('docs/maintenance.md'));
    const meta = result.metadata as KimiChatMetadata;
    assert.ok(meta.history, 'the agent history rides along for the next question');
    // The key reached Kimi from SecretStorage, and the tool result went back to the model.
    const bodies = kimi.chatBodies();
    const toolMessage = bodies.at(-1)?.messages.find((m) => m.role === 'tool');
    assert.match(String(toolMessage?.content), /brass lens/);
    assert.equal(kimi.requests.at(-1)?.headers.authorization, `Bearer ${KIMI_KEY}`);
  });

  it('stops streaming when the request is cancelled', async () => {
    const long = 'The fog horn is tested every Friday at noon. '.repeat(40);
    kimi.script(reply.text(long, { chunkChars: 4, chunkDelayMs: 40 }));
    const rec = new RecordingStream();
    const source = new vscode.CancellationTokenSource();
    rec.onMarkdown = () => {
      if (rec.markdown.length === 3) {
        source.cancel();
      }
    };
    const result = await api.kimiChatHandler(request('When is the horn tested?'), NO_HISTORY, rec.asStream(), source.token);
    source.dispose();
    assert.ok(result);
    assert.equal((result.metadata as KimiChatMetadata).cancelled, true);
    assert.equal(result.errorDetails, undefined);
    assert.ok(rec.markdown.length >= 3 && rec.text.length < long.length, `${rec.text.length} of ${long.length} characters`);
    assert.ok(long.startsWith(rec.text));
  });
});
