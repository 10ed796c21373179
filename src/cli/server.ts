/**
 * `kimi-milvus server start|stop|status`: manage the embedded Milvus Lite server of a data
 * dir. `start` leaves it running for later commands (and VS Code) until `stop`.
 */
import type { ServerInfo } from '../core/milvus/liteServer';
import { embeddedServer } from '../core/store/factory';
import { boolFlag, type CliCommand, type CliIO, type ParsedArgs } from './command';
import { cliLogger, cliMilvusConfig } from './context';

const options = {
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
} as const;

const OPTIONS_HELP = [
  'Options:',
  '  --data-dir DIR   data dir of the embedded server (KIMI_MILVUS_DATA_DIR; default: your user data folder)',
  '  --json           print the result as JSON on stdout',
].join('\n');

function server(io: CliIO, args: ParsedArgs) {
  const config = cliMilvusConfig(io, args);
  return embeddedServer(config, { logger: cliLogger(io), onProgress: (m) => io.stderr(`${m}\n`) });
}

function describe(info: ServerInfo, dataDir: string): string {
  return `Milvus Lite ${info.version} is running: pid ${info.pid}, address ${info.address}, data dir ${dataDir}` +
    (info.keepAlive ? ' (kept running until `kimi-milvus server stop`)' : '');
}

function toJson(running: boolean, dataDir: string, info: ServerInfo | undefined, extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify({
    running,
    dataDir,
    ...(info
      ? { pid: info.pid, port: info.port, host: info.host, address: info.address, version: info.version, startedAt: info.startedAt, keepAlive: info.keepAlive }
      : {}),
    ...extra,
  }, null, 2)}\n`;
}

const start: CliCommand = {
  name: 'server start',
  summary: 'Start the embedded Milvus Lite server (or find the running one) and keep it running',
  usage: ['Usage: kimi-milvus server start [--data-dir DIR] [--json]', '', 'Installs Milvus Lite into a private venv on first use.', '', OPTIONS_HELP].join('\n'),
  options,
  async run(args, io) {
    const s = server(io, args);
    const lease = await s.acquire({ keepAlive: true }, io.signal);
    const info = lease.info;
    await lease.release();
    io.stdout(boolFlag(args, 'json') ? toJson(true, s.dataDir, info) : `${describe(info, s.dataDir)}\n`);
    return 0;
  },
};

const stop: CliCommand = {
  name: 'server stop',
  summary: 'Stop the embedded Milvus Lite server',
  usage: ['Usage: kimi-milvus server stop [--data-dir DIR] [--json]', '', 'Stops it even if VS Code or another command still uses it.', '', OPTIONS_HELP].join('\n'),
  options,
  async run(args, io) {
    const s = server(io, args);
    const stopped = await s.stop();
    io.stdout(
      boolFlag(args, 'json')
        ? toJson(false, s.dataDir, undefined, { stopped })
        : stopped
          ? `Milvus Lite stopped (data dir ${s.dataDir}).\n`
          : `No Milvus Lite server was running for ${s.dataDir}.\n`,
    );
    return 0;
  },
};

const status: CliCommand = {
  name: 'server status',
  summary: 'Show whether the embedded Milvus Lite server runs (pid, port, version)',
  usage: ['Usage: kimi-milvus server status [--data-dir DIR] [--json]', '', 'Exit code 0 when running, 3 when not.', '', OPTIONS_HELP].join('\n'),
  options,
  async run(args, io) {
    const s = server(io, args);
    const st = await s.status();
    if (boolFlag(args, 'json')) {
      io.stdout(toJson(st.running, st.dataDir, st.info, { users: st.users }));
    } else if (st.info) {
      io.stdout(`${describe(st.info, st.dataDir)}; ${st.users} process(es) using it.\n`);
    } else {
      io.stdout(`Milvus Lite is not running for ${st.dataDir}.\n`);
    }
    return st.running ? 0 : 3;
  },
};

export const commands: CliCommand[] = [start, stop, status];
