// Launches the system's headless Chromium through playwright-core (no browser download needed).
// Shared by the vscode harness and the e2e helpers.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

/** Flags that work for a headless Chromium in a container, without network side traffic. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumPath() {
  const candidates = [process.env.KIMI_MILVUS_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  const found = candidates.find((p) => p && existsSync(p));
  if (!found) {
    throw new Error('Chromium not found: install it (Debian: apt-get install chromium) or set KIMI_MILVUS_CHROMIUM');
  }
  return found;
}

/** @returns {Promise<import('playwright-core').Browser>} */
export function launchChromium() {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true, timeout: 60_000 });
}
