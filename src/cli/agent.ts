/**
 * `kimi-milvus ask` and `kimi-milvus chat`: the agent loop from a terminal. The answer goes to
 * stdout, progress and tool calls to stderr (so `ask … > answer.md` keeps only the answer);
 * `--json` puts everything, tool calls included, on stdout as one JSON document.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { Agent, type AgentResult } from '../core/agent/agent';
import type { AgentEvent } from '../core/agent/events';
import { ChatHistory } from '../core/agent/history';
import { createToolRegistry } from '../core/agent/tools';
import { DEFAULT_KIMI_MODEL, KIMI_GLOBAL_BASE_URL, type KimiConfig } from '../core/config';
import { ConfigError, KimiApiError, isAbortError } from '../core/errors';
import { collectionNameFor } from '../core/indexing/collectionName';
import type { Logger } from '../core/logger';
import { boolFlag, failureMessage, stringFlag, type CliCommand, type CliIO, type ParsedArgs } from './command';
import { deadlinesFromArgs, EMBEDDING_HELP, embeddingOptions } from './config';
import { COMMON_HELP, cliLogger, commonOptions } from './context';
import { imagesOf } from './images';
import { withServices } from './services';
import { Redactor, secretsFromEnv } from '../core/redaction';
import { addToTotal, EMPTY_TOTAL, type SpendLedger, type SpendTotal } from '../core/cost/spend';
import { priceBookFor } from '../core/kimi/pricing';
import { jsonReport } from './askReport';
import { cliLedger, compactionText, COST_HELP, costConfigFromEnv, costOptions, totalText, usageText } from './cost';

const agentOptions = {
  workspace: { type: 'string' },
  collection: { type: 'string', multiple: true },
  'max-steps': { type: 'string' },
  'web-search': { type: 'boolean' },
  ...costOptions,
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
  COST_HELP,
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
    ...costConfigFromEnv(env, args),
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
  /** Today's spend in this workspace. */
  readonly ledger: SpendLedger;
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
      {
        store,
        embedder,
        indexer,
        workspaceFolders: [workspace],
        collectionFor: collectionNameFor,
        searchCollections: () => extra,
        howToIndex: `Tell the user to run \`kimi-milvus index ${workspace}\`.`,
        trusted: true,
        logger,
        redactor: new Redactor(secretsFromEnv(io.env)),
      },
      { webSearch: kimi.webSearch },
    );
    // Loaded only by the commands that talk to Kimi: evaluating the openai package costs every other command ~0.1 s.
    const { KimiClient } = await import('../core/kimi/kimiClient.js');
    const client = new KimiClient(kimi, { logger });
    const agent = new Agent({ client, tools, logger, maxSteps: kimi.maxSteps, webSearch: kimi.webSearch, prices: priceBookFor(kimi), compactAt: kimi.compactAt });
    return fn({ agent, workspace, model: kimi.model, ledger: cliLedger(io, args, workspace) });
  });
}

function short(value: unknown, max = 160): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Human output: answer on stdout (streamed on a terminal), progress on stderr. */
function humanPrinter(io: CliIO, stream: boolean): { onEvent(e: AgentEvent): void; finish(r: AgentResult, totals: string): void } {
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
        case 'compaction':
          io.stderr(`${streamed ? '\n' : ''}${compactionText(e)}`);
          streamed = false;
          break;
        default:
          break;
      }
    },
    finish(r, totals) {
      if (!stream) {
        io.stdout(`${r.text}\n`);
      } else {
        io.stdout('\n');
      }
      io.stderr(`(${r.steps} step${r.steps === 1 ? '' : 's'}, ${usageText(r.usage)}${r.incomplete ? ', incomplete' : ''}; ${totals})\n`);
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
      return await withAgent(io, args, logger, async ({ agent, workspace, model, ledger }) => {
        const events: AgentEvent[] = [];
        const printer = humanPrinter(io, process.stdout.isTTY === true);
        const result = await agent.run(new ChatHistory(), question, (e) => (json ? events.push(e) : printer.onEvent(e)), io.signal, images);
        const today = await ledger.add(result.usage);
        if (json) {
          const totals = { conversation: addToTotal(EMPTY_TOTAL, result.usage), today };
          io.stdout(`${JSON.stringify({ ...jsonReport(question, model, workspace, result, events), totals }, null, 2)}\n`);
        } else {
          printer.finish(result, totalText('today', today));
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

const chat: CliCommand = {
  name: 'chat',
  summary: 'Chat with Kimi about the workspace, interactively (quit or exit to leave)',
  usage: ['Usage: kimi-milvus chat [--workspace DIR] [options]', '', 'Type a question and press Enter; "quit" or "exit" (or Ctrl+D) leaves. The conversation is remembered until you leave.', '', SHARED_HELP].join('\n'),
  options: agentOptions,
  async run(args, io) {
    const logger = cliLogger(io);
    return withAgent(io, args, logger, async ({ agent, workspace, model, ledger }) => {
      io.stderr(`Kimi Milvus chat: ${model} on ${workspace}. Type "quit" or "exit" to leave.\n`);
      const history = new ChatHistory();
      let conversation: SpendTotal = EMPTY_TOTAL;
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
            let spent: AgentEvent | undefined;
            const onEvent = (e: AgentEvent): void => {
              spent = e.type === 'usage' ? e : spent;
              printer.onEvent(e);
            };
            try {
              const result = await agent.run(history, q, onEvent, io.signal);
              conversation = addToTotal(conversation, result.usage);
              printer.finish(result, `${totalText('chat', conversation)} · ${totalText('today', await ledger.add(result.usage))}`);
            } catch (err) {
              // A failed question may still have used tokens: they count for today.
              if (spent?.type === 'usage' && spent.usage.totalTokens > 0) {
                await ledger.add(spent.usage);
              }
              if (io.signal.aborted) {
                break;
              }
              // One failed question does not end the chat: the user can rephrase or retry.
              io.stderr(`kimi-milvus: ${failureMessage(err)}\n`);
              if (err instanceof KimiApiError && (err.code === 'auth' || err.code === 'quota')) {
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
