// A browser drives the real VS Code workbench (code-server) with the extension loaded.
import { strict as assert } from 'node:assert';
import { OUTPUT_CHANNEL_NAME } from '../../src/extension/constants';
import { useWorkbench } from './workbench';

describe('workbench (e2e)', function () {
  this.timeout(120_000);
  const wb = useWorkbench({ name: 'workbench' });

  it('opens the Kimi Milvus view from the activity bar', async () => {
    await wb().openKimiView();
    const title = await wb().page.locator('.part.sidebar .composite.title').innerText();
    assert.match(title, /kimi milvus/i);
    const headers = await wb().page.locator('.part.sidebar .pane-header').allInnerTexts();
    assert.ok(headers.some((h) => /chat/i.test(h)), `no Chat view header in ${JSON.stringify(headers)}`);
    assert.ok(headers.some((h) => /collections/i.test(h)), `no Collections view header in ${JSON.stringify(headers)}`);
  });

  it('renders the chat webview under a strict CSP with a nonce', async () => {
    await wb().openKimiView();
    const frame = await wb().chatFrame();
    const csp = await frame.evaluate(
      () => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '',
    );
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src[^;]*'nonce-[A-Za-z0-9+/=_-]{16,}'/);
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    const scriptNonces = await frame.evaluate(() => [...document.querySelectorAll('script[src]')].map((s) => (s as HTMLScriptElement).nonce));
    assert.ok(scriptNonces.length > 0, 'the webview loads no script');
    assert.ok(scriptNonces.every((n) => n === nonce), 'a script without the CSP nonce');
    // The nonce'd script ran and rendered text the user can read.
    const text = await frame.locator('body').innerText({ timeout: 15_000 });
    assert.ok(text.trim().length > 0, 'the chat webview rendered no text');
  });

  it(`runs "Kimi Milvus: Show Logs" from the command palette and shows the output channel`, async () => {
    await wb().runCommand('Kimi Milvus: Show Logs');
    await wb().page.locator('.part.panel').waitFor({ state: 'visible' });
    let channel: string | undefined;
    const deadline = Date.now() + 15_000;
    while (channel !== OUTPUT_CHANNEL_NAME && Date.now() < deadline) {
      channel = await wb().visibleOutputChannel();
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(channel, OUTPUT_CHANNEL_NAME);
  });
});
