#!/usr/bin/env node
// `npm start [folder]`: builds the extension, then opens a VS Code with it loaded on a folder.
// `folder` is relative to where you ran npm (`npm start .` opens that directory); without one it
// opens test/fixtures/sample-workspace, a tiny project to try indexing on, and says so.
// - Desktop VS Code on PATH (`code`): `code --extensionDevelopmentPath=<repo> <folder>`.
// - Otherwise: a local code-server (installed once into ~/.cache/kimi-milvus-chat) on 127.0.0.1;
//   open the printed URL in a browser. Ctrl+C stops it. Its user data (settings, keys) persist in
//   ~/.cache/kimi-milvus-chat/start-user-data.
// Options: --code-server (use code-server even if `code` exists), --port N.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODE_SERVER_VERSION, codeServerDir, startCodeServer } from './codeServer.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const forceCodeServer = args.includes('--code-server');
const portArg = args.indexOf('--port');
const port = portArg >= 0 ? Number(args[portArg + 1]) : undefined;
const positional = args.filter((a, i) => !a.startsWith('--') && !(portArg >= 0 && i === portArg + 1));
// npm runs scripts in the package folder; INIT_CWD is where the user typed the command.
const userCwd = process.env.INIT_CWD || process.cwd();
const sample = path.join(root, 'test', 'fixtures', 'sample-workspace');
const folder = positional[0] !== undefined ? path.resolve(userCwd, positional[0]) : sample;

if (!existsSync(folder) || !statSync(folder).isDirectory()) {
  console.error(`Not a folder: ${folder}`);
  process.exit(2);
}
if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
  console.error('--port needs a number between 1 and 65535');
  process.exit(2);
}

if (folder === sample) {
  console.log(`No folder given: opening the sample workspace (${sample}).`);
  console.log('To open your own project: npm start /path/to/project   (or `npm start .` in it)');
}
console.log('Building the extension …');
const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  process.exit(build.status ?? 1);
}

function onPath(bin) {
  return (process.env.PATH ?? '').split(path.delimiter).some((d) => d && existsSync(path.join(d, bin)));
}

if (!forceCodeServer && onPath('code')) {
  console.log(`Opening VS Code on ${folder} with the extension from ${root}`);
  const code = spawn('code', [`--extensionDevelopmentPath=${root}`, folder], { stdio: 'inherit' });
  code.on('close', (c) => process.exit(c ?? 0));
} else {
  const userDataDir = path.join(path.dirname(codeServerDir()), 'start-user-data');
  const server = await startCodeServer({
    folder,
    port,
    userDataDir,
    // Keep workspace trust: Restricted Mode is part of what a person may want to try.
    workspaceTrust: true,
    settings: { 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off' },
    logFile: path.join(userDataDir, 'code-server.log'),
  });
  const url = server.workbenchUrl([['extensionDevelopmentPath', server.remoteUri(root)]]);
  console.log(`\ncode-server ${CODE_SERVER_VERSION} is running with Kimi Milvus Chat loaded on ${folder}.`);
  console.log(`Open this URL in a browser:\n\n  ${url}\n`);
  console.log('VS Code first asks whether you trust the folder\'s authors: "Yes, I trust the authors" enables indexing;');
  console.log('"No" opens Restricted Mode, where the chat answers but does not index or read files.');
  console.log('After `npm run build` (or with `npm run watch`), run "Developer: Reload Window" in the browser to load the new code.');
  console.log(`Logs: ${path.join(userDataDir, 'code-server.log')}. Press Ctrl+C to stop.`);
  let stopping = false;
  const stop = async () => {
    if (stopping) {
      return;
    }
    stopping = true;
    console.log('\nStopping code-server …');
    await server.stop();
    process.exit(0);
  };
  // A signal handler's promise is awaited by nobody: a failure to stop is reported here, then the exit.
  const onSignal = () => {
    stop().catch((err) => {
      console.error(`Stopping code-server failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  server.process.on('exit', (code) => {
    if (!stopping) {
      console.error(`code-server exited (${code}); see ${path.join(userDataDir, 'code-server.log')}`);
      process.exit(1);
    }
  });
}
