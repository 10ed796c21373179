// Shared helpers for end-to-end tests: a real VS Code workbench (code-server) with this extension
// loaded from the repo, driven by headless Chromium through playwright-core.
//
//   describe('my feature', function () {
//     const wb = useWorkbench({ name: 'my-feature' });   // starts before(), stops after()
//     it('…', async () => {
//       await wb().openKimiView();
//       const frame = await wb().chatFrame();
//       await frame.getByRole('textbox').fill('hello');
//       await wb().runCommand('Kimi Milvus: New Chat');
//       await wb().screenshot('after-new-chat');
//     });
//   });
//
// Artifacts go to test-results/e2e/<name>/: screenshots, code-server.log, browser-console.log,
// vscode-logs/ (extension host and output channels) and <test title>.failed.png for failed tests.
import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser, Frame, Locator, Page } from 'playwright-core';
// The .mjs launchers are shared with the plain-Node harness; this CommonJS file loads them with import().
import type { RunningCodeServer } from '../../scripts/codeServer.mjs' with { 'resolution-mode': 'import' };
import { EXTENSION_ID, VIEW_CONTAINER_ID } from '../../src/extension/constants';
import type { TurnStatus } from '../../src/shared/chatModel';
import { startFakeKimi, type FakeKimi, type FakeKimiOptions } from '../fakes/kimiServer';
import { until } from '../support/until';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const SAMPLE_WORKSPACE = path.join(REPO_ROOT, 'test', 'fixtures', 'sample-workspace');

export interface WorkbenchOptions {
  /** Names the artifacts folder test-results/e2e/<name>/ (default "workbench"). */
  name?: string;
  /** Workspace folder to open (default: a fresh copy of test/fixtures/sample-workspace, removed by close()). */
  folder?: string;
  /** Extra environment for code-server and the extension host (e.g. a fake Kimi server's URL). */
  env?: NodeJS.ProcessEnv;
  /** User settings merged over the harness defaults (e.g. kimiMilvus.kimi.baseUrl of a fake server). */
  settings?: Record<string, unknown>;
  viewport?: { width: number; height: number };
  /** Load the extension from the repo as under development (default true). */
  developmentExtension?: boolean;
  /** .vsix files to install first, e.g. the packaged extension (then set developmentExtension: false). */
  installVsix?: string[];
}

export class Workbench {
  private constructor(
    readonly server: RunningCodeServer,
    readonly browser: Browser,
    readonly page: Page,
    /** test-results/e2e/<name> */
    readonly resultsDir: string,
    /** Removes the workspace copy the workbench opened (a no-op for a folder given in the options). */
    private readonly removeFolder: () => void,
  ) {}

  /** Starts code-server with the extension under development and opens the workbench in Chromium. */
  static async start(options: WorkbenchOptions = {}): Promise<Workbench> {
    const resultsDir = path.join(REPO_ROOT, 'test-results', 'e2e', options.name ?? 'workbench');
    rmSync(resultsDir, { recursive: true, force: true });
    mkdirSync(resultsDir, { recursive: true });
    const { startCodeServer, TEST_SETTINGS } = await import('../../scripts/codeServer.mjs');
    const { launchChromium } = await import('../vscode/browser.mjs');
    const { copySampleWorkspace } = await import('../support/sampleWorkspace.mjs');
    const copy = options.folder ? { folder: options.folder, remove: () => undefined } : copySampleWorkspace();
    const server = await startCodeServer({
      folder: copy.folder,
      logFile: path.join(resultsDir, 'code-server.log'),
      logDir: resultsDir,
      settings: { ...TEST_SETTINGS, ...options.settings },
      installExtensions: options.installVsix,
      env: {
        ...process.env,
        KIMI_MILVUS_VENV: process.env.KIMI_MILVUS_VENV || path.join(REPO_ROOT, '.cache', 'milvus-venv'),
        KIMI_MILVUS_TEST_DATA_DIR: process.env.KIMI_MILVUS_TEST_DATA_DIR || path.join(REPO_ROOT, '.cache', 'test-milvus-vscode'),
        ...options.env,
      },
    }).catch((e: unknown) => {
      copy.remove();
      throw e;
    });
    let browser: Browser | undefined;
    try {
      browser = await launchChromium();
      const page = await browser.newPage({ viewport: options.viewport ?? { width: 1400, height: 900 } });
      page.setDefaultTimeout(30_000);
      const consoleLog = path.join(resultsDir, 'browser-console.log');
      page.on('console', (m) => appendFileSync(consoleLog, `[${m.type()}] ${m.text()}\n`));
      page.on('pageerror', (e) => appendFileSync(consoleLog, `[pageerror] ${e.stack ?? e.message}\n`));
      const payload: [string, string][] =
        options.developmentExtension === false ? [] : [['extensionDevelopmentPath', server.remoteUri(REPO_ROOT)]];
      await page.goto(server.workbenchUrl(payload), { timeout: 60_000 });
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      return new Workbench(server, browser, page, resultsDir, copy.remove);
    } catch (e) {
      await browser?.close().catch(() => undefined);
      await server.stop();
      copy.remove();
      throw e;
    }
  }

  /** The Kimi Milvus item of the activity bar (present once VS Code has read the manifest). */
  activityBarItem() {
    return this.page.locator(`.activitybar a.action-label[class*="activity-workbench-view-extension-${VIEW_CONTAINER_ID}-"]`);
  }

  /** Clicks the Kimi Milvus icon in the activity bar and waits for the side bar to show it. */
  async openKimiView(): Promise<void> {
    const item = this.activityBarItem();
    await item.waitFor({ timeout: 60_000 });
    const checked = await item.evaluate((a) => a.closest('.action-item')?.classList.contains('checked') ?? false);
    if (!checked) {
      await item.click();
    }
    await this.page.locator('.part.sidebar .composite.title', { hasText: /kimi milvus/i }).waitFor();
  }

  /** Opens the Kimi Milvus view and returns the chat webview's frame. */
  async chat(): Promise<Frame> {
    await this.openKimiView();
    return this.chatFrame();
  }

  /** Sets the Kimi key through the chat's "Set Kimi API Key" button and waits for the setup banner to go. */
  async setKimiKey(frame: Frame, key: string): Promise<void> {
    await frame.getByRole('button', { name: 'Set Kimi API Key' }).click();
    const box = this.page.locator('.quick-input-widget input.input');
    await box.waitFor();
    await box.fill(key);
    await box.press('Enter');
    await frame.getByRole('button', { name: 'Set Kimi API Key' }).waitFor({ state: 'detached', timeout: 30_000 });
  }

  /**
   * The frame holding the chat webview's own document (VS Code nests it in an outer iframe of the
   * extension). Open the view first (openKimiView).
   */
  async chatFrame(timeoutMs = 30_000): Promise<Frame> {
    return until('the chat webview frame', async () => {
      for (const frame of this.page.frames()) {
        const parent = frame.parentFrame();
        if (!parent || !parent.url().includes(`extensionId=${encodeURIComponent(EXTENSION_ID)}`)) {
          continue;
        }
        const ready = await frame
          .evaluate(() => document.readyState === 'complete' && document.body !== null && document.body.childElementCount > 0)
          .catch(() => false);
        if (ready) {
          return frame;
        }
      }
      return undefined;
    }, timeoutMs);
  }

  /**
   * Runs a command by its palette label (e.g. "Kimi Milvus: Show Logs") through F1. Returns once
   * the palette is gone or the command has opened its own input box / quick pick (answer it via
   * `page.locator('.quick-input-widget input.input')`).
   */
  async runCommand(label: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input.input');
    await until('the command palette', async () => {
      if (await input.isVisible()) {
        return true;
      }
      await this.page.keyboard.press('F1');
      return (await input.isVisible().catch(() => false)) || undefined;
    }, 30_000);
    // The palette closes when it loses the focus: an editor or view still taking the focus from an
    // earlier action closes it under us, and fill() then times out on a hidden input. Say so.
    await input.fill(`>${label}`).catch((e: unknown) => {
      throw new Error(`the command palette closed before "${label}" was typed into it (did an earlier action still move the focus?): ${String(e)}`);
    });
    const row = this.page
      .locator('.quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) })
      .first();
    await row.waitFor({ timeout: 15_000 });
    await row.click();
    // Done when the palette closes, or when the command replaced it with its own prompt (an
    // input box or quick pick reuses the same widget, without the ">" of the palette).
    await until(`"${label}" to leave the command palette`, async () => {
      const visible = await input.isVisible().catch(() => false);
      const value = visible ? await input.inputValue().catch(() => '') : '';
      return !visible || !value.startsWith('>') ? true : undefined;
    }, 15_000);
  }

  /** The channel currently shown in the Output panel, or undefined if the panel is not open. */
  async visibleOutputChannel(): Promise<string | undefined> {
    const select = this.page.locator('.part.panel .monaco-select-box').first();
    if (!(await select.isVisible().catch(() => false))) {
      return undefined;
    }
    return select.evaluate((el) =>
      el instanceof HTMLSelectElement ? el.options[el.selectedIndex]?.text : (el.getAttribute('title') ?? el.textContent ?? undefined),
    );
  }

  /** Saves a PNG of the whole workbench under resultsDir and returns its path. */
  async screenshot(name: string): Promise<string> {
    const file = path.join(this.resultsDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
    await this.page.screenshot({ path: file, timeout: 15_000 });
    return file;
  }

  /** Closes the browser, stops code-server (and everything it started) and removes the workspace copy. */
  async close(): Promise<void> {
    await Promise.race([this.browser.close().catch(() => undefined), new Promise((r) => setTimeout(r, 10_000))]);
    await this.server.stop();
    this.removeFolder();
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The last turn in the chat whose question contains `question`. */
export function turnOf(frame: Frame, question: string): Locator {
  return frame.locator('.turn', { has: frame.locator('.question', { hasText: question }) }).last();
}

/** Types a question into the chat's input and sends it with Enter. */
export async function sendQuestion(frame: Frame, text: string): Promise<void> {
  const input = frame.getByRole('textbox', { name: 'Message' });
  await input.fill(text);
  await input.press('Enter');
}

/**
 * Waits until `turn` (from turnOf) has ended as `end`. On timeout the error names the turn and the
 * status it had last, so a failure says whether the answer was still streaming or ended otherwise.
 */
export async function untilTurnEnds(turn: Locator, end: Exclude<TurnStatus, 'streaming'>, timeoutMs?: number): Promise<void> {
  let status: string | null = null;
  await until(() => `${turn.toString()} to end ${end} (its status: ${status ?? 'none'})`, async () => {
    status = await turn.getAttribute('data-status');
    return status === end ? true : undefined;
  }, timeoutMs);
}

/**
 * Mocha helper: starts one workbench for the enclosing describe() and returns its getter. A
 * failed test leaves `<test title>.failed.png` in the artifacts folder.
 */
export function useWorkbench(options: WorkbenchOptions = {}): () => Workbench {
  let wb: Workbench | undefined;
  before(async function () {
    this.timeout(180_000);
    wb = await Workbench.start(options);
  });
  afterEach(async function () {
    if (wb && this.currentTest?.state === 'failed') {
      await wb.screenshot(`${this.currentTest.title}.failed`).catch(() => undefined);
    }
  });
  after(async function () {
    this.timeout(60_000);
    await wb?.close();
    wb = undefined;
  });
  return () => {
    if (!wb) {
      throw new Error('the workbench is not running (did before() fail?)');
    }
    return wb;
  };
}

/**
 * useWorkbench with a fake Kimi server (test/fakes/kimiServer) started first, the workbench
 * pointed at it (kimiMilvus.kimi.baseUrl, the server's port is only known then) in the light
 * theme the screenshots use. Returns both getters.
 */
export function useWorkbenchWithFakeKimi(
  apiKey: string,
  options: Omit<WorkbenchOptions, 'settings'> & { fake?: Omit<FakeKimiOptions, 'apiKey'>; settings?: Record<string, unknown> },
): { wb: () => Workbench; kimi: () => FakeKimi } {
  let kimi: FakeKimi | undefined;
  const settings: Record<string, unknown> = { ...options.settings };
  before(async () => {
    kimi = await startFakeKimi({ ...options.fake, apiKey });
    settings['kimiMilvus.kimi.baseUrl'] = kimi.baseUrl;
    settings['workbench.colorTheme'] = 'Default Light Modern';
  });
  after(async () => {
    await kimi?.close();
  });
  const { fake: _fake, settings: _settings, ...workbench } = options;
  const wb = useWorkbench({ ...workbench, settings });
  return {
    wb,
    kimi: () => {
      if (!kimi) {
        throw new Error('the fake Kimi server is not running (did before() fail?)');
      }
      return kimi;
    },
  };
}
