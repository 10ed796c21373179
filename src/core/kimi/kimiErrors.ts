/**
 * Turns whatever the openai SDK (or fetch) threw into the product's ApiError, decided by Kimi's
 * error *type* rather than the status alone: a 429 can be a retryable rate limit or a
 * non-retryable empty balance (docs/reference/kimi-api.md#errors-and-retries). Messages say what the user can do.
 */
import { APIError, APIConnectionError, APIUserAbortError } from 'openai';
import { ApiError, UserAbortError, isAbortError, errorMessage } from '../errors';
import { Redactor } from '../redaction';
import { deadlineOf } from '../net/deadlines';

/** An ApiError that also knows how long the server asked us to wait. */
export class KimiApiError extends ApiError {
  constructor(
    message: string,
    status: number | undefined,
    type: string | undefined,
    retryable: boolean,
    readonly retryAfterMs: number | undefined,
    requestId?: string,
    options?: { cause?: unknown },
  ) {
    super(message, status, type, retryable, requestId, options);
  }
}

/** "…please try again after 3 seconds" → 3000 (docs/reference/kimi-api.md#errors-and-retries, 429 rate_limit_reached_error). */
export function parseRetryAfter(message: string): number | undefined {
  const m = /try again after\s+(\d+(?:\.\d+)?)\s*(?:seconds?|s)\b/i.exec(message);
  return m ? Math.round(Number(m[1]) * 1000) : undefined;
}

function bodyError(err: APIError): { type?: string; message?: string } {
  const e: unknown = err.error;
  if (e && typeof e === 'object') {
    const rec = e as Record<string, unknown>;
    return {
      type: typeof rec.type === 'string' ? rec.type : undefined,
      message: typeof rec.message === 'string' ? rec.message : undefined,
    };
  }
  return {};
}

export interface ErrorContext {
  readonly baseUrl: string;
  readonly model: string;
  /** Removed from any text the server echoes back (some providers quote the key they were sent). */
  readonly apiKey?: string;
}

/** Moonshot's own API hosts; hints about its regional endpoints make no sense for a proxy or a local server. */
export function isMoonshotHost(baseUrl: string): boolean {
  try {
    return /(^|\.)moonshot\.(ai|cn)$/i.test(new URL(baseUrl).hostname);
  } catch {
    return false;
  }
}

/** What to check when the endpoint cannot be reached, depending on whose endpoint it is. */
export function connectionHint(baseUrl: string): string {
  let host = '';
  try {
    host = new URL(baseUrl).hostname;
  } catch {
    return 'Check "kimiMilvus.kimi.baseUrl": it must be an http(s) URL.';
  }
  if (/^(localhost|127\.\d+\.\d+\.\d+|\[::1\]|0\.0\.0\.0)$/i.test(host)) {
    return `Is the local server running and listening on ${host}?`;
  }
  if (!isMoonshotHost(baseUrl)) {
    return `Check the network, and that ${host} is reachable from here (proxy, VPN, firewall).`;
  }
  return /\.cn$/i.test(host)
    ? 'Check the network or proxy; outside China https://api.moonshot.ai/v1 (with a key from platform.moonshot.ai) may connect better.'
    : 'Check the network or proxy; from outside China https://api-sg.moonshot.ai/v1 may connect better.';
}

export function toKimiError(err: unknown, ctx: ErrorContext): KimiApiError | UserAbortError {
  if (err instanceof UserAbortError || err instanceof APIUserAbortError || isAbortError(err)) {
    return new UserAbortError();
  }
  if (err instanceof KimiApiError) {
    return err;
  }
  const deadline = deadlineOf(err);
  if (deadline) {
    return new KimiApiError(
      `${deadline.message} The request was stopped; the limits are the network timeout settings (kimiMilvus.network.*, or KIMI_MILVUS_*_TIMEOUT for the CLI).`,
      undefined,
      'timeout',
      true,
      undefined,
      undefined,
      { cause: err },
    );
  }
  const redactor = new Redactor([ctx.apiKey]);
  if (err instanceof APIConnectionError || !(err instanceof APIError)) {
    return new KimiApiError(
      `Could not reach Kimi at ${ctx.baseUrl} (${redactor.redact(errorMessage(err))}). ${connectionHint(ctx.baseUrl)}`,
      undefined,
      'connection_error',
      true,
      undefined,
      undefined,
      { cause: err },
    );
  }
  const status = err.status;
  const { type = err.type, message: rawMessage = err.message } = bodyError(err);
  const serverMessage = redactor.redact(rawMessage);
  const requestId = err.headers?.get('msh-request-id') ?? err.requestID ?? undefined;
  const detail = serverMessage ? `: ${serverMessage}` : '';
  const make = (message: string, retryable: boolean, retryAfterMs?: number): KimiApiError =>
    new KimiApiError(message, status, type, retryable, retryAfterMs, requestId ?? undefined, { cause: err });

  if (type === 'exceeded_current_quota_error') {
    return make(`Your Kimi account has no balance left or is not active (${type})${detail}. Top up or check the account in the Moonshot console, then try again.`, false);
  }
  if (type === 'content_filter') {
    return make(`Kimi's content filter rejected this request (content_filter). Rephrase the question or start a new chat; the filter also checks the model's own output.`, false);
  }
  if (type === 'rate_limit_reached_error') {
    if (/\bTPD\b/.test(serverMessage)) {
      return make(`Kimi's daily token limit (TPD) is used up${detail}. Try again tomorrow or raise your tier.`, false);
    }
    return make(`Kimi rate limit reached${detail}`, true, parseRetryAfter(serverMessage));
  }
  if (type === 'engine_overloaded_error') {
    return make(`Kimi is overloaded${detail}`, true);
  }
  if (status === 400 && /\b(image|vision)\b/i.test(serverMessage)) {
    return make(`${ctx.model} did not take the attached image${detail}. Choose a model with vision (such as kimi-k2.5), or ask without the image.`, false);
  }
  if (/token limit|token length too long|context length/i.test(serverMessage)) {
    return make(`The conversation is too long for ${ctx.model}${detail}. Start a new chat or use a model with a larger context window.`, false);
  }
  switch (status) {
    case 401:
      return make(
        `Kimi rejected the API key (401${type ? ` ${type}` : ''}). Set a valid key${isMoonshotHost(ctx.baseUrl) ? `, and check that it belongs to the platform of ${ctx.baseUrl} (keys from platform.moonshot.cn need https://api.moonshot.cn/v1)` : ` that ${ctx.baseUrl} accepts`}.`,
        false,
      );
    case 403:
      return make(`Kimi refused the request (403${type ? ` ${type}` : ''})${detail}.`, false);
    case 404:
      return make(`Kimi does not know the model "${ctx.model}" or your key has no access to it (404)${detail}. Pick a model from the list.`, false);
    case 400:
    case 422:
      return make(`Kimi rejected the request (${status}${type ? ` ${type}` : ''})${detail}.`, false);
    default:
      break;
  }
  if (status === undefined || status === 408 || status === 409 || status === 429 || status >= 500) {
    return make(`Kimi request failed (${status ?? 'stream error'}${type ? ` ${type}` : ''})${detail}`, true);
  }
  return make(`Kimi request failed (${status})${detail}.`, false);
}
