#!/usr/bin/env node
// Installs code-server (the VS Code server and its web workbench) from the npm registry into a
// cache outside the repo, so the `vscode`/`e2e` suites and `npm start` can run a real VS Code on
// machines that cannot download desktop VS Code. code-server's own postinstall cannot run here (as
// root it demands --unsafe-perm, and @vscode/ripgrep downloads a binary from GitHub), so its steps
// are done by hand. Each step leaves a marker, so an interrupted install resumes where it stopped;
// the `.complete` marker means the whole install is usable.
//
//   node scripts/codeServer.mjs          install (if needed) and print the binary's path
//
// It also starts code-server (`startCodeServer`) for the test harnesses and `npm start`.
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  writeFileSync,
  copyFileSync,
  chmodSync,
  symlinkSync,
  lstatSync,
  rmSync,
  readFileSync,
  openSync,
  closeSync,
  cpSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';

/** Native modules of VS Code's server that `npm install --ignore-scripts` leaves unbuilt. */
const NATIVE_MODULES = ['@parcel/watcher', '@vscode/deviceid', '@vscode/spdlog', 'kerberos', 'native-watchdog', 'node-pty'];

export function codeServerDir() {
  const cache = process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache');
  return path.join(cache, 'kimi-milvus-chat', `code-server-${CODE_SERVER_VERSION}`);
}

export function codeServerBin(dir = codeServerDir()) {
  return path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

export function isCodeServerInstalled(dir = codeServerDir()) {
  return existsSync(path.join(dir, '.complete')) && existsSync(codeServerBin(dir));
}

/** @returns {Promise<void>} */
function run(cmd, args, cwd, log, extraEnv = {}) {
  return new Promise((resolve, reject) => {
    log(`  $ ${cmd} ${args.join(' ')}   (in ${cwd})`);
    const child = spawn(cmd, args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', ...extraEnv },
    });
    let tail = '';
    const keep = (d) => {
      tail = (tail + d).slice(-8000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) {
        resolve();
      } else {
        reject(new Error(`${cmd} ${args.join(' ')} failed with exit ${code} in ${cwd}\n${tail}`));
      }
    });
  });
}

function which(bin) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, bin);
    if (dir && existsSync(p)) {
      return p;
    }
  }
  return undefined;
}

/** One step at a time; a step whose marker exists is skipped (resume after an interruption). */
async function step(dir, name, log, fn) {
  const marker = path.join(dir, '.steps', name);
  if (existsSync(marker)) {
    log(`[code-server] ${name}: done before`);
    return;
  }
  const started = Date.now();
  log(`[code-server] ${name} …`);
  await fn();
  mkdirSync(path.dirname(marker), { recursive: true });
  writeFileSync(marker, new Date().toISOString());
  log(`[code-server] ${name}: ok (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Two suites (or a user's `npm start`) may ask at once; only one installs, the other waits. */
async function withLock(dir, log, fn) {
  mkdirSync(dir, { recursive: true });
  const lock = path.join(dir, '.lock');
  const deadline = Date.now() + 30 * 60_000;
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch {
      const holder = Number(readFileSync(lock, 'utf8').trim());
      if (!holder || !pidAlive(holder)) {
        rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`code-server install lock ${lock} held by pid ${holder} for 30 min`);
      }
      log(`[code-server] waiting for pid ${holder}, which is installing code-server …`);
      await new Promise((r) => setTimeout(r, 10_000));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

/**
 * Makes sure code-server is installed in the cache and returns the path of its entry script
 * (run it with `node`). Takes several minutes the first time (native rebuilds), instant after.
 */
export async function ensureCodeServer({ log = (m) => console.log(m) } = {}) {
  const dir = codeServerDir();
  if (isCodeServerInstalled(dir)) {
    return codeServerBin(dir);
  }
  const rg = which('rg');
  if (!rg) {
    throw new Error('ripgrep (rg) is not on PATH; install it first (Debian: apt-get install ripgrep)');
  }
  const started = Date.now();
  log(`[code-server] installing code-server ${CODE_SERVER_VERSION} into ${dir} (several minutes the first time)`);
  await withLock(dir, log, async () => {
    if (isCodeServerInstalled(dir)) {
      return;
    }
    const vscodeDir = path.join(dir, 'node_modules', 'code-server', 'lib', 'vscode');
    await step(dir, '1-npm-install-code-server', log, async () => {
      writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'code-server-cache', private: true }, null, 2));
      await run('npm', ['install', `code-server@${CODE_SERVER_VERSION}`, '--ignore-scripts'], dir, log);
    });
    // Both npm installs below follow the npm-shrinkwrap.json that code-server ships (exact versions).
    await step(dir, '2-vscode-deps', log, () => run('npm', ['install', '--omit=dev', '--ignore-scripts'], vscodeDir, log));
    await step(dir, '3-ripgrep', log, async () => {
      const binDir = path.join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
      mkdirSync(binDir, { recursive: true });
      copyFileSync(rg, path.join(binDir, 'rg'));
      chmodSync(path.join(binDir, 'rg'), 0o755);
    });
    await step(dir, '4-native-rebuild', log, () =>
      // npm_config_yes lets node-pty's post-install run `npx node-gyp` without a prompt.
      run('npm', ['rebuild', ...NATIVE_MODULES], vscodeDir, log, { npm_config_yes: 'true' }).catch((e) => {
        throw new Error(
          `${e.message}\nBuilding code-server's native modules needs a C/C++ toolchain, python3, pkg-config, ` +
            "libkrb5-dev and Node's headers (node-gyp uses <node prefix>/include/node, else downloads them " +
            'from nodejs.org). On Debian: apt-get install build-essential python3 pkg-config libkrb5-dev libsecret-1-dev libxkbfile-dev libx11-dev',
        );
      }),
    );
    await step(dir, '5-links', log, async () => {
      // VS Code and built-in extensions look for files under node_modules.asar; the terminal's
      // `code` command and the "open in browser" helper are platform scripts picked by a link.
      relink('node_modules', path.join(vscodeDir, 'node_modules.asar'));
      relink('code-linux.sh', path.join(vscodeDir, 'bin', 'remote-cli', 'code-server'));
      relink('browser-linux.sh', path.join(vscodeDir, 'bin', 'helpers', 'browser.sh'));
    });
    await step(dir, '6-builtin-extensions', log, () =>
      run('npm', ['install', '--omit=dev'], path.join(vscodeDir, 'extensions'), log),
    );
    await step(dir, '7-argon2', log, () => run('npm', ['rebuild', 'argon2', '--build-from-source'], dir, log));
    writeFileSync(path.join(dir, '.complete'), `${CODE_SERVER_VERSION} ${new Date().toISOString()}\n`);
  });
  log(`[code-server] ready (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  return codeServerBin(dir);
}

function relink(target, link) {
  if (existsSync(link) || isSymlink(link)) {
    rmSync(link, { recursive: true, force: true });
  }
  symlinkSync(target, link);
}

function isSymlink(p) {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** A free TCP port on 127.0.0.1 (the OS picks it; the tiny race with other programs is acceptable). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

/** Settings that keep dialogs and background network traffic out of a scripted workbench. */
export const TEST_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitForHealth(base, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited early (${child.exitCode ?? child.signalCode})`);
    }
    try {
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`code-server did not answer ${base}/healthz within ${timeoutMs / 1000} s`);
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts code-server on a free 127.0.0.1 port with no auth, in its own process group so that
 * `stop()` also ends the extension host, file watchers and terminals it spawned.
 *
 * @param {object} o
 * @param {string} o.folder                 workspace folder to open
 * @param {string} [o.userDataDir]          default: a fresh temporary directory (removed by stop())
 * @param {Record<string, unknown>} [o.settings]  user settings (default TEST_SETTINGS)
 * @param {NodeJS.ProcessEnv} [o.env]       environment of code-server and so of the extension host
 * @param {string} [o.logFile]              where code-server's stdout/stderr go
 * @param {string} [o.logDir]               stop() copies VS Code's own logs (exthost, server) here
 * @param {number} [o.port]                 default: a free port
 * @param {boolean} [o.workspaceTrust]      default false: no trust prompt, folder trusted
 * @param {string[]} [o.installExtensions]  .vsix files to install into the fresh extensions dir first
 * @param {(m: string) => void} [o.log]
 */
export async function startCodeServer(o) {
  const log = o.log ?? ((m) => console.log(m));
  const entry = await ensureCodeServer({ log });
  const port = o.port ?? (await freePort());
  const ownUserData = !o.userDataDir;
  const userDataDir = o.userDataDir ?? mkdtempSync(path.join(tmpdir(), 'kimi-milvus-cs-'));
  const settingsFile = path.join(userDataDir, 'User', 'settings.json');
  mkdirSync(path.dirname(settingsFile), { recursive: true });
  if (ownUserData || !existsSync(settingsFile)) {
    writeFileSync(settingsFile, JSON.stringify(o.settings ?? TEST_SETTINGS, null, 2));
  }
  const configFile = path.join(userDataDir, 'config.yaml');
  if (!existsSync(configFile)) {
    // An explicit config keeps code-server from writing ~/.config/code-server/config.yaml.
    writeFileSync(configFile, 'auth: none\n');
  }
  const extensionsDir = path.join(userDataDir, 'extensions');
  mkdirSync(extensionsDir, { recursive: true });
  for (const vsix of o.installExtensions ?? []) {
    // The packaged extension as a user installs it (no node_modules, only what the VSIX holds).
    await run(process.execPath, [entry, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--config', configFile, '--install-extension', path.resolve(vsix), '--force'], userDataDir, log);
  }
  const logFd = o.logFile ? (mkdirSync(path.dirname(o.logFile), { recursive: true }), openSync(o.logFile, 'a')) : 'ignore';
  const args = [
    entry,
    '--config', configFile,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    ...(o.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--ignore-last-opened',
    o.folder,
  ];
  const child = spawn(process.execPath, args, {
    cwd: o.folder,
    env: { ...(o.env ?? process.env), PORT: undefined, PASSWORD: undefined, HASHED_PASSWORD: undefined },
    stdio: ['ignore', logFd, logFd],
    detached: true,
  });
  if (typeof logFd === 'number') {
    closeSync(logFd);
  }
  // Last resort if our process ends without stop(): never leave a server behind. A signal's default
  // action skips 'exit' handlers, so when nobody else handles SIGINT/SIGTERM we do (a program with
  // its own handler is expected to call stop()).
  const onExit = () => killGroup(child.pid, 'SIGKILL');
  const onSignal = (signal) => {
    if (process.listenerCount(signal) === 1) {
      onExit();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
  };
  process.on('exit', onExit);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const base = `http://127.0.0.1:${port}`;
  let stopped;
  const stop = () => {
    stopped ??= (async () => {
      process.off('exit', onExit);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (killGroup(child.pid, 'SIGTERM')) {
        const deadline = Date.now() + 5000;
        while (Date.now() < deadline && killGroup(child.pid, 0)) {
          await sleep(100);
        }
        killGroup(child.pid, 'SIGKILL');
      }
      if (o.logDir) {
        const logs = path.join(userDataDir, 'logs');
        if (existsSync(logs)) {
          try {
            cpSync(logs, path.join(o.logDir, 'vscode-logs'), { recursive: true });
          } catch (e) {
            log(`could not copy VS Code logs: ${e instanceof Error ? e.message : e}`);
          }
        }
      }
      if (ownUserData) {
        rmSync(userDataDir, { recursive: true, force: true });
      }
    })();
    return stopped;
  };
  try {
    await waitForHealth(base, child, 60_000);
  } catch (e) {
    await stop();
    throw e;
  }
  /** vscode-remote URI of a local path, as the workbench's payload expects. */
  const remoteUri = (p) => `vscode-remote://127.0.0.1:${port}${path.resolve(p)}`;
  /** URL that opens the workbench on the folder; `payload` entries e.g. [['extensionDevelopmentPath', remoteUri(dir)]]. */
  const workbenchUrl = (payload = []) => {
    const q = new URLSearchParams({ folder: path.resolve(o.folder) });
    if (payload.length) {
      q.set('payload', JSON.stringify(payload));
    }
    return `${base}/?${q}`;
  };
  return { port, url: base, pid: child.pid, userDataDir, process: child, remoteUri, workbenchUrl, stop };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureCodeServer()
    .then((bin) => console.log(bin))
    .catch((e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    });
}
