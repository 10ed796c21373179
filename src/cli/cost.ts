/**
 * Prices, totals and compaction for `ask` and `chat`: the settings from the environment, the daily
 * ledger per workspace (in the data dir) and how they are printed.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { compactShare } from '../core/agent/contextBudget';
import type { AgentEvent, TokenUsage } from '../core/agent/events';
import type { KimiConfig } from '../core/config';
import { SpendLedger, type SpendTotal } from '../core/cost/spend';
import { ConfigError } from '../core/errors';
import { parsePriceOverrides, PRICE_REGIONS, type PriceRegion } from '../core/kimi/pricing';
import { formatMoney, formatTokens, formatTotal } from '../shared/cost';
import { stringFlag, type CliIO, type ParsedArgs } from './command';
import { cliDataDir } from './context';

export const costOptions = {
  'compact-at': { type: 'string' },
} as const;

export const COST_HELP = [
  'Cost and context (environment):',
  '  KIMI_PRICE_REGION  auto (default: from KIMI_BASE_URL), global (USD) or china (CNY)',
  '  KIMI_PRICES        JSON prices per 1M tokens for models the table lacks, e.g.',
  '                     \'{"kimi-k2.5":{"input":0.6,"cachedInput":0.15,"output":2.5}}\'',
  '  --compact-at PCT   KIMI_COMPACT_AT  compact the conversation past this % of the window (default 85)',
].join('\n');

type CostConfig = Pick<KimiConfig, 'priceRegion' | 'prices' | 'compactAt'>;

export function costConfigFromEnv(env: NodeJS.ProcessEnv, args: ParsedArgs): CostConfig {
  const region = env.KIMI_PRICE_REGION?.trim() || 'auto';
  if (region !== 'auto' && !PRICE_REGIONS.includes(region as PriceRegion)) {
    throw new ConfigError(`KIMI_PRICE_REGION must be auto, global or china (got "${region}").`);
  }
  let prices: CostConfig['prices'];
  const raw = env.KIMI_PRICES?.trim();
  if (raw) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new ConfigError('KIMI_PRICES must be JSON, e.g. {"kimi-k2.5":{"input":0.6,"output":2.5}} (prices per 1M tokens).');
    }
    const { overrides, problems } = parsePriceOverrides(parsed);
    if (problems.length > 0) {
      throw new ConfigError(`KIMI_PRICES: ${problems.join(' ')}`);
    }
    prices = overrides;
  }
  const pct = (stringFlag(args, 'compact-at') ?? env.KIMI_COMPACT_AT)?.trim();
  const n = pct ? Number(pct) : undefined;
  if (n !== undefined && !(Number.isFinite(n) && n >= 10 && n <= 100)) {
    throw new ConfigError(`--compact-at (KIMI_COMPACT_AT) must be a percentage between 10 and 100 (got "${pct}").`);
  }
  return { priceRegion: region as PriceRegion | 'auto', ...(prices ? { prices } : {}), ...(n === undefined ? {} : { compactAt: compactShare(n) }) };
}

/** Today's spend for a workspace, kept in <data dir>/spend/<hash of the workspace path>.json. */
export function cliLedger(io: CliIO, args: ParsedArgs, workspace: string): SpendLedger {
  const file = path.join(cliDataDir(io, args), 'spend', `${createHash('sha256').update(workspace).digest('hex').slice(0, 16)}.json`);
  return new SpendLedger({
    load: async () => JSON.parse(await fs.readFile(file, 'utf8')) as unknown,
    save: async (data) => {
      await fs.mkdir(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      await fs.writeFile(tmp, JSON.stringify(data), 'utf8');
      await fs.rename(tmp, file);
    },
  });
}

/** "1,396 tokens (1,000 cached) · $0.0021", or tokens only without a price. */
export function usageText(u: TokenUsage): string {
  const cached = u.cachedTokens ? ` (${formatTokens(u.cachedTokens)} cached)` : '';
  return `${formatTokens(u.totalTokens)} tokens${cached}${u.cost ? ` · ${formatMoney(u.cost)}` : ''}`;
}

export function totalText(label: string, t: SpendTotal): string {
  return `${label} ${formatTotal(t)}`;
}

/** What compaction did, for stderr: never silent. */
export function compactionText(e: Extract<AgentEvent, { type: 'compaction' }>): string {
  const lines: string[] = [];
  if (e.shortenedResults > 0) {
    lines.push(`${e.shortenedResults} old tool result(s) shortened to fit the context window`);
  }
  if (e.summary) {
    lines.push(`earlier turns summarised (${e.summary.turns} turn(s)); Kimi now reads the summary instead`);
  }
  if (e.failure) {
    lines.push(`no summary could be made (${e.failure})`);
  }
  if (e.leftOut) {
    lines.push(`${e.leftOut.messages} earlier message(s) from ${e.leftOut.turns} question(s) left out of this request`);
  }
  return lines.map((l) => `… ${l}\n`).join('');
}
