/**
 * What a Kimi request costs: the one price table of the product, in the currency of the
 * endpoint's region (docs/reference/kimi-api.md#pricing). Prices are only those Moonshot publishes;
 * a model the table does not know has no price (tokens only) unless the user gives one.
 */

export type Currency = 'USD' | 'CNY';
/** `global`: api.moonshot.ai and its mirrors, billed in USD; `china`: api.moonshot.cn, billed in CNY. */
export type PriceRegion = 'global' | 'china';
export const PRICE_REGIONS: readonly PriceRegion[] = ['global', 'china'];

export interface Cost {
  readonly amount: number;
  readonly currency: Currency;
}

/** Per 1,000,000 tokens. Without a cache-hit price, cached prompt tokens cost the input price. */
export interface ModelPrice {
  readonly input: number;
  readonly cachedInput?: number;
  readonly output: number;
  readonly currency: Currency;
}

/** The part of a response's `usage` that is billed. `cachedTokens` is a part of `promptTokens`. */
export interface BilledUsage {
  readonly promptTokens: number;
  readonly cachedTokens?: number;
  readonly completionTokens: number;
}

type Tiered = readonly (readonly [maxRequestTokens: number, price: ModelPrice])[];
type Entry = readonly [model: RegExp, price: ModelPrice | Tiered];

const usd = (input: number, output: number, cachedInput?: number): ModelPrice => ({
  input,
  output,
  currency: 'USD',
  ...(cachedInput === undefined ? {} : { cachedInput }),
});

const V1_8K = usd(0.2, 2);
const V1_32K = usd(1, 3);
const V1_128K = usd(2, 5);

/**
 * Moonshot's "Model Inference Pricing" page for the global platform (USD per 1M tokens, tax
 * included). kimi-latest and moonshot-v1-auto are billed at the 8k/32k/128k tier their request
 * falls into (prompt plus max_tokens).
 */
const GLOBAL_TABLE: readonly Entry[] = [
  [/^kimi-k2-0711-preview$/, usd(0.6, 2.5, 0.15)],
  [
    /^kimi-latest$/,
    [
      [8_192, usd(0.2, 2, 0.15)],
      [32_768, usd(1, 3, 0.15)],
      [Infinity, usd(2, 5, 0.15)],
    ],
  ],
  [/^kimi-thinking-preview$/, usd(30, 30)],
  [/^moonshot-v1-8k(-vision-preview)?$/, V1_8K],
  [/^moonshot-v1-32k(-vision-preview)?$/, V1_32K],
  [/^moonshot-v1-128k(-vision-preview)?$/, V1_128K],
  [
    /^moonshot-v1-auto$/,
    [
      [8_192, V1_8K],
      [32_768, V1_32K],
      [Infinity, V1_128K],
    ],
  ],
];

/** The China platform's docs read for this project give no model prices in CNY: tokens only there. */
const TABLES: Readonly<Record<PriceRegion, readonly Entry[]>> = { global: GLOBAL_TABLE, china: [] };

export const REGION_CURRENCY: Readonly<Record<PriceRegion, Currency>> = { global: 'USD', china: 'CNY' };

/** The region of a base URL: Moonshot's (and Kimi's) hosts only; anything else (a proxy, a local server) is unknown. */
export function regionOf(baseUrl: string): PriceRegion | undefined {
  let host: string;
  try {
    host = new URL(baseUrl).hostname.toLowerCase();
  } catch {
    return undefined;
  }
  if (host === 'moonshot.cn' || host.endsWith('.moonshot.cn')) {
    return 'china';
  }
  if (/(^|\.)(moonshot\.ai|kimi\.ai)$/.test(host)) {
    return 'global';
  }
  return undefined;
}

/** A price the user set for a model (settings or environment), per 1M tokens. */
export interface PriceOverride {
  readonly input: number;
  readonly output: number;
  readonly cachedInput?: number;
  /** Default: the region's currency, else USD. */
  readonly currency?: Currency;
}

export interface PriceBookOptions {
  /** undefined: no built-in prices apply (an unknown endpoint); overrides still do. */
  readonly region: PriceRegion | undefined;
  readonly overrides?: Readonly<Record<string, PriceOverride>>;
}

export class PriceBook {
  constructor(private readonly options: PriceBookOptions) {}

  get currency(): Currency | undefined {
    return this.options.region ? REGION_CURRENCY[this.options.region] : undefined;
  }

  /** The price of `model` for a request of `requestTokens` (prompt + max_tokens), or undefined. */
  priceOf(model: string, requestTokens = 0): ModelPrice | undefined {
    const own = this.options.overrides?.[model];
    if (own) {
      return { input: own.input, output: own.output, currency: own.currency ?? this.currency ?? 'USD', ...(own.cachedInput === undefined ? {} : { cachedInput: own.cachedInput }) };
    }
    const region = this.options.region;
    const entry = region ? TABLES[region].find(([re]) => re.test(model)) : undefined;
    if (!entry) {
      return undefined;
    }
    const price = entry[1];
    return isTiered(price) ? price.find(([max]) => requestTokens <= max)?.[1] : price;
  }

  /** The cost of one response, or undefined when the model has no price. */
  cost(model: string, usage: BilledUsage, requestTokens?: number): Cost | undefined {
    const price = this.priceOf(model, requestTokens ?? usage.promptTokens + usage.completionTokens);
    return price ? costAt(price, usage) : undefined;
  }
}

/** The table's arithmetic: uncached prompt at the input price, cached prompt at the cache-hit price, output at the output price. */
export function costAt(price: ModelPrice, usage: BilledUsage): Cost {
  const cached = Math.min(Math.max(0, usage.cachedTokens ?? 0), usage.promptTokens);
  const amount =
    ((usage.promptTokens - cached) * price.input + cached * (price.cachedInput ?? price.input) + usage.completionTokens * price.output) / 1_000_000;
  return { amount, currency: price.currency };
}

/** The price book of a Kimi configuration: its region (from the base URL unless forced) and the user's prices. */
export function priceBookFor(config: { readonly baseUrl: string; readonly priceRegion?: PriceRegion | 'auto'; readonly prices?: Readonly<Record<string, PriceOverride>> }): PriceBook {
  const region = config.priceRegion && config.priceRegion !== 'auto' ? config.priceRegion : regionOf(config.baseUrl);
  return new PriceBook({ region, overrides: config.prices });
}

function isTiered(p: ModelPrice | Tiered): p is Tiered {
  return Array.isArray(p);
}

/**
 * Parses user-given prices (a JSON object of model id → { input, output, cachedInput?, currency? }).
 * Returns the valid entries and a message per invalid one, so one typo does not silence the rest.
 */
export function parsePriceOverrides(raw: unknown): { overrides: Record<string, PriceOverride>; problems: string[] } {
  const overrides: Record<string, PriceOverride> = {};
  const problems: string[] = [];
  if (raw === undefined || raw === null) {
    return { overrides, problems };
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return { overrides, problems: ['Prices must be an object of model id → { "input": …, "output": … }.'] };
  }
  for (const [model, v] of Object.entries(raw as Record<string, unknown>)) {
    const p = v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {};
    const num = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0;
    const currency = p.currency === undefined || p.currency === 'USD' || p.currency === 'CNY' ? (p.currency) : null;
    if (!num(p.input) || !num(p.output) || (p.cachedInput !== undefined && !num(p.cachedInput)) || currency === null) {
      problems.push(`The price of "${model}" needs "input" and "output" (numbers per 1M tokens, ≥ 0), an optional "cachedInput" and "currency" ("USD" or "CNY").`);
      continue;
    }
    overrides[model] = { input: p.input, output: p.output, ...(num(p.cachedInput) ? { cachedInput: p.cachedInput } : {}), ...(currency ? { currency } : {}) };
  }
  return { overrides, problems };
}
