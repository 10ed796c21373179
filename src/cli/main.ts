import { version as PRODUCT_VERSION } from '../../package.json';
import { exitCodeFor, failureMessage, parseCommandArgs, type CliCommand, type CliIO } from './command';
import { commands as serverCommands } from './server';
import { commands as indexCommands } from './indexing';
import { commands as agentCommands } from './agent';
import { mcpCommand } from './mcp';
import { Redactor, secretsFromEnv } from '../core/redaction';

/** Every command takes --help (parseCommandArgs adds it), so its line is added to every usage here. */
const HELP_LINE = '  -h, --help          this help';

const ALL: CliCommand[] = [...indexCommands, ...agentCommands, ...serverCommands, mcpCommand];

function overview(): string {
  const width = Math.max(...ALL.map((c) => c.name.length));
  return [
    'kimi-milvus: index a folder into Milvus and ask Kimi K2 about it.',
    '',
    'Usage: kimi-milvus <command> [options]   (kimi-milvus <command> --help for details)',
    '',
    'Commands:',
    ...ALL.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Environment: KIMI_API_KEY, KIMI_BASE_URL, KIMI_MODEL, KIMI_TEMPERATURE,',
    '  MILVUS_URI, MILVUS_TOKEN, KIMI_MILVUS_DATA_DIR, KIMI_MILVUS_VENV, KIMI_MILVUS_PYTHON, KIMI_MILVUS_LOG_LEVEL,',
    '  EMBEDDING_PROVIDER, EMBEDDING_BASE_URL, EMBEDDING_API_KEY, EMBEDDING_MODEL, EMBEDDING_DIMENSIONS, KIMI_EMBED_VENV,',
    '  KIMI_EMBED_THREADS (the local model\'s inference threads; default every core),',
    '  KIMI_MILVUS_CONNECT_TIMEOUT, KIMI_MILVUS_IDLE_TIMEOUT, KIMI_MILVUS_REQUEST_TIMEOUT (seconds),',
    '  KIMI_MILVUS_CODE_CACHE=0 (do not keep a compiled copy of the CLI in the user cache folder).',
    '',
  ].join('\n');
}

/** Finds the longest command name that prefixes argv ("server start" before "server"). */
function findCommand(argv: string[]): { cmd: CliCommand; rest: string[] } | undefined {
  let best: { cmd: CliCommand; rest: string[] } | undefined;
  for (const cmd of ALL) {
    const words = cmd.name.split(' ');
    if (words.every((w, i) => argv[i] === w) && (!best || words.length > best.cmd.name.split(' ').length)) {
      best = { cmd, rest: argv.slice(words.length) };
    }
  }
  return best;
}

export async function runCli(argv: string[], ioOverride?: Partial<CliIO>): Promise<number> {
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  const raw: CliIO = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
    ...ioOverride,
  };
  // The edge: whatever a command prints (answers, --json, errors, log lines) passes the keys' redactor.
  const redactor = new Redactor(secretsFromEnv(raw.env));
  const io: CliIO = { ...raw, stdout: (t) => raw.stdout(redactor.redact(t)), stderr: (t) => raw.stderr(redactor.redact(t)) };
  try {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      io.stdout(overview());
      return argv.length === 0 ? 1 : 0;
    }
    if (argv[0] === '--version' || argv[0] === '-v') {
      io.stdout(`${PRODUCT_VERSION}\n`);
      return 0;
    }
    const found = findCommand(argv);
    if (!found) {
      io.stderr(`Unknown command: ${argv.join(' ')}\n\n${overview()}`);
      return 2;
    }
    let args;
    try {
      args = parseCommandArgs(found.cmd, found.rest);
    } catch (err) {
      io.stderr(`${err instanceof Error ? err.message : String(err)}\n\n${found.cmd.usage}\n`);
      return 2;
    }
    if (args.values.help === true) {
      io.stdout(`${found.cmd.usage}\n${HELP_LINE}\n`);
      return 0;
    }
    try {
      return await found.cmd.run(args, io);
    } catch (err) {
      // Commands throw; this is the one place a failure becomes a message and an exit code.
      io.stderr(`kimi-milvus: ${failureMessage(err)}\n`);
      return exitCodeFor(err);
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
