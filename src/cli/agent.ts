/**
 * `kimi-milvus ask` and `kimi-milvus chat`: the agent loop from a terminal. The answer goes to
 * stdout, progress and tool calls to stderr (so `ask … > answer.md` keeps only the answer);
 * `--json` puts everything, tool calls included, on stdout as one JSON document.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { Agent, type AgentResult } from '../core/agent/agent';
import type { AgentEvent, SourceRef } from '../core/agent/events';
import { ChatHistory } from '../core/agent/history';
import { createToolRegistry } from '../core/agent/tools';
import { DEFAULT_KIMI_MODEL, KIMI_GLOBAL_BASE_URL, type KimiConfig } from '../core/config';
import { ApiError, ConfigError, errorMessage, isAbortError } from '../core/errors';
import { collectionNameFor } from '../core/indexing/collectionName';
import type { Logger } from '../core/logger';
import { boolFlag, failureMessage, stringFlag, type CliCommand, type CliIO, type ParsedArgs } from './command';
import { deadlinesFromArgs, EMBEDDING_HELP, embeddingOptions } from './config';
import { COMMON_HELP, cliLogger, commonOptions } from './context';
import { imagesOf } from './images';
import { withServices } from './services';
import { Redactor, secretsFromEnv } from '../core/redaction';

const agentOptions = {
  workspace: { type: 'string' },
  collection: { type: 'string', multiple: true },
  'max-steps': { type: 'string' },
  'web-search': { type: 'boolean' },
  ...embeddingOptions,
  ...commonOptions,
} as const;

const KIMI_HELP = [
  'Kimi (environment):',
  '  KIMI_API_KEY     required; create one at https://platform.moonshot.ai/console/api-keys',
  `  KIMI_BASE_URL    default ${KIMI_GLOBAL_BASE_URL}; https://api.moonshot.cn/v1 for platform.moonshot.cn keys`,
  `  KIMI_MODEL       default ${DEFAULT_KIMI_MODEL} (e.g. kimi-k2-turbo-preview, kimi-k2-0711-preview)`,
  '  KIMI_TEMPERATURE optional, clamped to [0, 1]',
].join('\n');

const SHARED_HELP = [
  'Options:',
  '  --workspace DIR      the workspace (default: the current directory); tools cannot leave it',
  '  --collection NAME    also search this collection (repeatable)',
  '  --max-steps N        tool-calling rounds before Kimi must answer (default 16)',
  '  --web-search         let Kimi use its built-in $web_search (billed per search)',
  '',
  KIMI_HELP,
  '',
  EMBEDDING_HELP,
  '',
  COMMON_HELP,
].join('\n');

export function kimiConfigFromEnv(env: NodeJS.ProcessEnv, args: ParsedArgs): KimiConfig {
  const apiKey = env.KIMI_API_KEY?.trim();
  if (!apiKey) {
    throw new ConfigError(
      'KIMI_API_KEY is not set. Create a key at https://platform.moonshot.ai/console/api-keys and run: export KIMI_API_KEY=sk-… ' +
        '(keys from platform.moonshot.cn also need KIMI_BASE_URL=https://api.moonshot.cn/v1).',
    );
  }
  const baseUrl = env.KIMI_BASE_URL?.trim() || KIMI_GLOBAL_BASE_URL;
  if (!/^https?:\/\/[^\s]+$/.test(baseUrl)) {
    throw new ConfigError(`KIMI_BASE_URL must be an http(s) URL such as ${KIMI_GLOBAL_BASE_URL} (got "${baseUrl}").`);
  }
  const temp = env.KIMI_TEMPERATURE?.trim();
  const temperature = temp ? Number(temp) : undefined;
  if (temperature !== undefined && !Number.isFinite(temperature)) {
    throw new ConfigError(`KIMI_TEMPERATURE must be a number in [0, 1] (got "${temp}").`);
  }
  const steps = stringFlag(args, 'max-steps');
  const maxSteps = steps === undefined ? 16 : Number(steps);
  if (!Number.isInteger(maxSteps) || maxSteps < 1) {
    throw new ConfigError(`--max-steps must be a positive integer (got "${steps}").`);
  }
  return {
    apiKey,
    baseUrl,
    model: env.KIMI_MODEL?.trim() || DEFAULT_KIMI_MODEL,
    temperature,
    maxSteps,
    webSearch: boolFlag(args, 'web-search'),
    deadlines: deadlinesFromArgs(args, env),
  };
}

async function workspaceOf(io: CliIO, args: ParsedArgs): Promise<string> {
  const dir = path.resolve(io.cwd, stringFlag(args, 'workspace') ?? '.');
  const stat = await fs.stat(dir).catch(() => undefined);
  if (!stat?.isDirectory()) {
    throw new ConfigError(`The workspace ${dir} is not a directory.`);
  }
  return dir;
}

interface Session {
  readonly agent: Agent;
  readonly workspace: string;
  readonly model: string;
}

/** Sets up config, Milvus, embedder, indexer and tools, then hands an agent to `fn`. */
async function withAgent<T>(io: CliIO, args: ParsedArgs, logger: Logger, fn: (s: Session) => Promise<T>): Promise<T> {
  const kimi = kimiConfigFromEnv(io.env, args);
  const workspace = await workspaceOf(io, args);
  const extra = Array.isArray(args.values.collection) ? args.values.collection.filter((c): c is string => typeof c === 'string') : [];
  return withServices(io, args, async (services) => {
    const embedder = await services.embedder(); // a bad embedding setting fails before Milvus starts
    const store = await services.store();
    const indexer = await services.indexer();
    const tools = createToolRegistry(
      { store, embedder, indexer, workspaceFolders: [workspace], collectionFor: collectionNameFor, searchCollections: () => extra, trusted: true, logger, redactor: new Redactor(secretsFromEnv(io.env)) },
      { webSearch: kimi.webSearch },
    );
    // Loaded only by the commands that talk to Kimi: evaluating the openai package costs every other command ~0.1 s.
    const { KimiClient } = await import('../core/kimi/kimiClient.js');
    const client = new KimiClient(kimi, { logger });
    const agent = new Agent({ client, tools, logger, maxSteps: kimi.maxSteps, webSearch: kimi.webSearch });
    return fn({ agent, workspace, model: kimi.model });
  });
}

function short(value: unknown, max = 160): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Human output: answer on stdout (streamed on a terminal), progress on stderr. */
function humanPrinter(io: CliIO, stream: boolean): { onEvent(e: AgentEvent): void; finish(r: AgentResult): void } {
  let streamed = false;
  return {
    onEvent(e) {
      switch (e.type) {
        case 'textDelta':
          if (stream) {
            io.stdout(e.text);
            streamed = true;
          }
          break;
        case 'toolStarted':
          io.stderr(`${streamed ? '\n' : ''}→ ${e.name} ${short(e.args)}\n`);
          streamed = false;
          break;
        case 'toolFinished':
          io.stderr(`  ${e.success ? '✓' : '✗'} ${short(e.summary, 200)} (${e.durationMs} ms)\n`);
          break;
        case 'retry':
          io.stderr(`… ${e.reason} Retrying in ${Math.ceil(e.delayMs / 1000)} s\n`);
          break;
        default:
          break;
      }
    },
    finish(r) {
      if (!stream) {
        io.stdout(`${r.text}\n`);
      } else {
        io.stdout('\n');
      }
      io.stderr(`(${r.steps} step${r.steps === 1 ? '' : 's'}, ${r.usage.totalTokens} tokens${r.incomplete ? ', incomplete' : ''})\n`);
    },
  };
}

const ask: CliCommand = {
  name: 'ask',
  summary: 'Ask Kimi one question about the workspace (answer on stdout)',
  usage: [
    'Usage: kimi-milvus ask "<question>" [--image FILE]... [--json] [--workspace DIR] [options]',
    '',
    '  --image FILE         attach a PNG, JPEG, WebP or GIF image (repeatable, up to 4; needs a vision model such as kimi-k2.5)',
    '  --json               print everything (answer, tool calls, sources, usage) on stdout as JSON',
    SHARED_HELP,
  ].join('\n'),
  options: { ...agentOptions, image: { type: 'string', multiple: true } },
  async run(args, io) {
    const json = boolFlag(args, 'json');
    const question = args.positionals.join(' ').trim();
    if (!question) {
      io.stderr('Give a question: kimi-milvus ask "How is the retry policy implemented?"\n');
      return 2;
    }
    const logger = cliLogger(io);
    try {
      const images = await imagesOf(io, args);
      return await withAgent(io, args, logger, async ({ agent, workspace, model }) => {
        const events: AgentEvent[] = [];
        const printer = humanPrinter(io, process.stdout.isTTY === true);
        const result = await agent.run(new ChatHistory(), question, (e) => (json ? events.push(e) : printer.onEvent(e)), io.signal, images);
        if (json) {
          io.stdout(`${JSON.stringify(jsonReport(question, model, workspace, result, events), null, 2)}\n`);
        } else {
          printer.finish(result);
        }
        return 0;
      });
    } catch (err) {
      if (json) {
        io.stdout(`${JSON.stringify({ error: failureMessage(err), cancelled: isAbortError(err) }, null, 2)}\n`);
      }
      throw err;
    }
  },
};

function jsonReport(question: string, model: string, workspace: string, result: AgentResult, events: readonly AgentEvent[]): Record<string, unknown> {
  const calls = new Map<string, Record<string, unknown>>();
  const sources: SourceRef[] = [];
  for (const e of events) {
    if (e.type === 'toolStarted') {
      calls.set(e.callId, { name: e.name, args: e.args });
    } else if (e.type === 'toolFinished') {
      calls.set(e.callId, { ...calls.get(e.callId), success: e.success, summary: e.summary, durationMs: e.durationMs, sources: e.sources ?? [] });
      sources.push(...(e.sources ?? []));
    }
  }
  const seen = new Set<string>();
  return {
    question,
    answer: result.text,
    incomplete: result.incomplete,
    steps: result.steps,
    usage: result.usage,
    model,
    workspace,
    toolCalls: [...calls.values()],
    sources: sources.filter((s) => {
      const key = `${s.root ?? ''}|${s.path}:${s.startLine}-${s.endLine}`;
      return seen.has(key) ? false : (seen.add(key), true);
    }),
  };
}

const chat: CliCommand = {
  name: 'chat',
  summary: 'Chat with Kimi about the workspace, interactively (quit or exit to leave)',
  usage: ['Usage: kimi-milvus chat [--workspace DIR] [options]', '', 'Type a question and press Enter; "quit" or "exit" (or Ctrl+D) leaves. The conversation is remembered until you leave.', '', SHARED_HELP].join('\n'),
  options: agentOptions,
  async run(args, io) {
    const logger = cliLogger(io);
    return withAgent(io, args, logger, async ({ agent, workspace, model }) => {
      io.stderr(`Kimi Milvus chat: ${model} on ${workspace}. Type "quit" or "exit" to leave.\n`);
      const history = new ChatHistory();
      const rl = readline.createInterface({ input: process.stdin, terminal: false });
      const closeOnAbort = (): void => rl.close();
      io.signal.addEventListener('abort', closeOnAbort, { once: true });
      try {
        io.stderr('> ');
        for await (const line of rl) {
          const q = line.trim();
          if (q === 'quit' || q === 'exit') {
            break;
          }
          if (q) {
            const printer = humanPrinter(io, process.stdout.isTTY === true);
            try {
              printer.finish(await agent.run(history, q, (e) => printer.onEvent(e), io.signal));
            } catch (err) {
              if (io.signal.aborted) {
                break;
              }
              // One failed question does not end the chat: the user can rephrase or retry.
              io.stderr(`kimi-milvus: ${errorMessage(err)}\n`);
              if (err instanceof ApiError && !err.retryable && (err.status === 401 || err.type === 'exceeded_current_quota_error')) {
                return 1;
              }
            }
          }
          io.stderr('> ');
        }
      } finally {
        io.signal.removeEventListener('abort', closeOnAbort);
        rl.close();
      }
      io.stderr('Goodbye!\n');
      return 0;
    });
  },
};

export const commands: CliCommand[] = [ask, chat];
