// Layout helpers for e2e tests and the screenshot script: side bar width, theme, view state, and
// geometry checks (clipped text, overlapping boxes) measured in the real workbench.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import { until } from '../support/until';
import type { Workbench } from './workbench';

/** Drags the sash between the side bar and the editor until the side bar is `width` px wide. */
export async function setSideBarWidth(page: Page, width: number): Promise<void> {
  const sidebar = page.locator('.part.sidebar');
  await sidebar.waitFor();
  for (let attempt = 0; attempt < 3; attempt++) {
    const box = await sidebar.boundingBox();
    if (!box || Math.abs(box.width - width) <= 2) {
      return;
    }
    const right = box.x + box.width;
    const sashes = await page.locator('.monaco-sash.vertical').evaluateAll((els) =>
      els.map((e) => {
        const r = e.getBoundingClientRect();
        return { x: r.left + r.width / 2, top: r.top, height: r.height };
      }),
    );
    const sash = sashes.filter((s) => s.height > 100).sort((a, b) => Math.abs(a.x - right) - Math.abs(b.x - right))[0];
    if (!sash || Math.abs(sash.x - right) > 8) {
      throw new Error(`no sash at the side bar's edge (x=${right})`);
    }
    const y = sash.top + sash.height / 2;
    await page.mouse.move(sash.x, y);
    await page.mouse.down();
    await page.mouse.move(sash.x + (width - box.width) / 2, y, { steps: 4 });
    await page.mouse.move(sash.x + (width - box.width), y, { steps: 4 });
    await page.mouse.up();
  }
  const final = await sidebar.boundingBox();
  if (!final || Math.abs(final.width - width) > 2) {
    throw new Error(`the side bar is ${final?.width} px wide, not ${width}`);
  }
}

/** Settings under which text typed into an editor arrives as typed (see updateUserSettings). */
export const VERBATIM_EDITOR_SETTINGS = {
  'editor.autoClosingBrackets': 'never',
  'editor.autoClosingQuotes': 'never',
  'editor.autoIndent': 'none',
  'editor.autoSurround': 'never',
} as const;

/**
 * Changes user settings while the workbench runs, as a user would: in the settings JSON editor,
 * saved, so VS Code applies them at once (a file written behind its back is picked up late, if at
 * all). The workbench must run with VERBATIM_EDITOR_SETTINGS. `undefined` removes a key.
 * Application-scoped settings like kimi.baseUrl can only be set here, not in a workspace's settings.
 */
export async function updateUserSettings(wb: Workbench, patch: Record<string, unknown>): Promise<void> {
  const file = path.join(wb.server.userDataDir, 'User', 'settings.json');
  const current = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) {
      delete current[key];
    } else {
      current[key] = value;
    }
  }
  const text = JSON.stringify(current, null, 2);
  await wb.runCommand('Preferences: Open User Settings (JSON)');
  const editor = wb.page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
  await editor.click();
  await wb.page.keyboard.press('Control+a');
  await wb.page.keyboard.press('Delete');
  // insertText: no auto-closing brackets or quotes on the way.
  await wb.page.keyboard.insertText(text);
  await wb.page.keyboard.press('Control+s');
  await until('the settings saved', async () => {
    try {
      return JSON.stringify(JSON.parse(readFileSync(file, 'utf8'))) === JSON.stringify(current) ? true : undefined;
    } catch {
      return undefined;
    }
  }, 15_000);
  await wb.runCommand('View: Close All Editors');
}

export const THEMES = {
  dark: { name: 'Default Dark Modern', marker: '.monaco-workbench.vs-dark' },
  light: { name: 'Default Light Modern', marker: '.monaco-workbench.vs' },
  'high-contrast': { name: 'Default High Contrast', marker: '.monaco-workbench.hc-black' },
} as const;
export type ThemeKind = keyof typeof THEMES;

/** Switches the colour theme through the palette and waits until the workbench shows it. */
export async function setTheme(wb: Workbench, kind: ThemeKind): Promise<void> {
  const { name, marker } = THEMES[kind];
  await wb.runCommand('Preferences: Color Theme');
  await wb.page.locator('.quick-input-widget input.input').fill(name);
  await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().click();
  await wb.page.locator(marker).waitFor();
}

/** Expands or collapses a view of the side bar by its header. */
export async function setViewExpanded(page: Page, title: RegExp, expanded: boolean): Promise<void> {
  const header = page.locator('.part.sidebar .pane-header', { hasText: title });
  if (((await header.getAttribute('aria-expanded')) === 'true') !== expanded) {
    await header.click();
  }
  await until(`the view ${title} ${expanded ? 'expanded' : 'collapsed'}`, async () =>
    ((await header.getAttribute('aria-expanded')) === 'true') === expanded ? true : undefined,
  );
}

export interface Problem {
  readonly what: string;
  readonly detail: string;
}

/**
 * What is clipped or overlapping in the chat webview: text cut off inside its own box (wider or
 * taller content than the box shows, ellipsis included), controls partly outside the view, and
 * the title drawn over the conversation. Empty when the layout is clean.
 */
export async function chatLayoutProblems(frame: Frame): Promise<Problem[]> {
  await defineNameHelper(frame);
  return frame.evaluate(() => {
    const problems: Array<{ what: string; detail: string }> = [];
    const name = (e: Element): string => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} "${(e.textContent ?? '').trim().slice(0, 40)}"`;
    const view = document.documentElement.getBoundingClientRect();
    const log = document.querySelector('.log');
    const logBox = log?.getBoundingClientRect();
    for (const e of Array.from(document.querySelectorAll('button, select, .chip, .notice, .error, .sources a, .setup-item p'))) {
      const box = e.getBoundingClientRect();
      if (box.width === 0 || box.height === 0 || (e as HTMLElement).offsetParent === null) {
        continue;
      }
      // Inside the log, only what is scrolled into view counts.
      if (log?.contains(e) && logBox && (box.bottom <= logBox.top || box.top >= logBox.bottom)) {
        continue;
      }
      if (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'auto') {
        problems.push({ what: 'clipped text', detail: `${name(e)}: ${e.scrollWidth} px of text in ${e.clientWidth} px` });
      }
      if (e instanceof HTMLSelectElement) {
        const probe = document.createElement('span');
        probe.style.font = getComputedStyle(e).font;
        probe.style.position = 'absolute';
        probe.style.visibility = 'hidden';
        probe.style.whiteSpace = 'pre';
        probe.textContent = e.selectedOptions[0]?.textContent ?? '';
        document.body.append(probe);
        const needed = probe.getBoundingClientRect().width + 20;
        probe.remove();
        if (box.width < needed) {
          problems.push({ what: 'clipped text', detail: `${name(e)} shows ${Math.round(box.width)} of the ${Math.round(needed)} px its value needs` });
        }
      }
      if (box.left < view.left - 1 || box.right > view.right + 1 || box.bottom > view.bottom + 1) {
        problems.push({ what: 'outside the view', detail: name(e) });
      }
    }
    const title = document.querySelector('.chat-title');
    const titleBox = title && (title as HTMLElement).offsetParent !== null ? title.getBoundingClientRect() : undefined;
    if (titleBox && logBox) {
      for (const e of Array.from(document.querySelectorAll('.log .question, .log .answer > *'))) {
        const box = e.getBoundingClientRect();
        const visibleTop = Math.max(box.top, logBox.top);
        if (box.bottom > logBox.top && visibleTop < titleBox.bottom - 1 && box.right > titleBox.left && box.left < titleBox.right) {
          problems.push({ what: 'overlap', detail: `the title is drawn over ${name(e)}` });
        }
      }
    }
    return problems;
  });
}

/** Every line break inside each citation link, as the text before it; a good break follows a "/". */
export async function citationBreaks(links: Locator): Promise<Array<{ link: string; before: string }>> {
  await defineNameHelper(links.page().mainFrame());
  for (const frame of links.page().frames()) {
    await defineNameHelper(frame);
  }
  return links.evaluateAll((as) =>
    as.flatMap((a) => {
      const text = a.textContent ?? '';
      const walker = document.createTreeWalker(a, NodeFilter.SHOW_TEXT);
      const tops: Array<{ offset: number; top: number }> = [];
      let offset = 0;
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const len = n.textContent?.length ?? 0;
        for (let i = 0; i < len; i++) {
          const r = document.createRange();
          r.setStart(n, i);
          r.setEnd(n, i + 1);
          const rect = r.getClientRects()[0];
          if (rect) {
            tops.push({ offset: offset + i, top: Math.round(rect.top) });
          }
        }
        offset += len;
      }
      const breaks: Array<{ link: string; before: string }> = [];
      for (let i = 1; i < tops.length; i++) {
        if (tops[i].top > tops[i - 1].top + 2) {
          breaks.push({ link: text, before: text.slice(0, tops[i].offset) });
        }
      }
      return breaks;
    }),
  );
}

/**
 * tsx compiles these tests with esbuild's keepNames, which wraps named inner functions in
 * `__name(…)`; a function sent to the page with evaluate() needs that helper there too.
 */
async function defineNameHelper(frame: Frame): Promise<void> {
  await frame.evaluate('globalThis.__name = globalThis.__name || ((f) => f)').catch(() => undefined);
}
