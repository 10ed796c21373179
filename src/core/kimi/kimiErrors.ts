/**
 * Turns whatever the openai SDK (or fetch) threw into the product's ApiError, decided by Kimi's
 * error *type* rather than the status alone: a 429 can be a retryable rate limit or a
 * non-retryable empty balance (docs/reference/kimi-api.md#errors-and-retries). The code says
 * which; what the user can do about it is worded by each front end (src/text/errorText.ts).
 */
import { APIError, APIConnectionError, APIUserAbortError } from 'openai';
import { KimiApiError, UserAbortError, isAbortError, errorMessage, type KimiErrorCode } from '../errors';
import { Redactor } from '../redaction';
import { deadlineOf } from '../net/deadlines';

/** "…please try again after 3 seconds" → 3000 (docs/reference/kimi-api.md#errors-and-retries, 429 rate_limit_reached_error). */
export function parseRetryAfter(message: string): number | undefined {
  const m = /try again after\s+(\d+(?:\.\d+)?)\s*(?:seconds?|s)\b/i.exec(message);
  return m ? Math.round(Number(m[1]) * 1000) : undefined;
}

/** `instanceof APIError` alone types the error's status and headers as `any`; this keeps the SDK's own types. */
function isApiError(err: unknown): err is APIError {
  return err instanceof APIError;
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

export function toKimiError(err: unknown, ctx: ErrorContext): KimiApiError | UserAbortError {
  if (err instanceof UserAbortError || err instanceof APIUserAbortError || isAbortError(err)) {
    return new UserAbortError();
  }
  if (err instanceof KimiApiError) {
    return err;
  }
  const details = { baseUrl: ctx.baseUrl, model: ctx.model };
  const deadline = deadlineOf(err);
  if (deadline) {
    return new KimiApiError('timeout', `${deadline.message} The request was stopped.`, { type: 'timeout', retryable: true, details, cause: err });
  }
  const redactor = new Redactor([ctx.apiKey]);
  if (err instanceof APIConnectionError || !isApiError(err)) {
    const message = `Could not reach Kimi at ${ctx.baseUrl} (${redactor.redact(errorMessage(err))}).`;
    return new KimiApiError('connection', message, { type: 'connection_error', retryable: true, details, cause: err });
  }
  return httpKimiError(err, ctx, redactor);
}

/** An HTTP error answer, classified by Kimi's error type first and its status second. */
function httpKimiError(err: APIError, ctx: ErrorContext, redactor: Redactor): KimiApiError {
  const status = err.status;
  const { type = err.type, message: rawMessage = err.message } = bodyError(err);
  const serverMessage = redactor.redact(rawMessage);
  const requestId = err.headers?.get('msh-request-id') ?? err.requestID ?? undefined;
  const detail = serverMessage ? `: ${serverMessage}` : '';
  const typed = type ? ` ${type}` : '';
  const make = (code: KimiErrorCode, message: string, retryable: boolean, retryAfterMs?: number): KimiApiError =>
    new KimiApiError(code, message, { status, type, retryable, retryAfterMs, requestId: requestId ?? undefined, details: { baseUrl: ctx.baseUrl, model: ctx.model }, cause: err });

  if (type === 'exceeded_current_quota_error') {
    return make('quota', `Your Kimi account has no balance left or is not active (${type})${detail}.`, false);
  }
  if (type === 'content_filter') {
    return make('content-filter', "Kimi's content filter rejected this request (content_filter).", false);
  }
  if (type === 'rate_limit_reached_error') {
    if (/\bTPD\b/.test(serverMessage)) {
      return make('daily-limit', `Kimi's daily token limit (TPD) is used up${detail}.`, false);
    }
    return make('rate-limit', `Kimi rate limit reached${detail}`, true, parseRetryAfter(serverMessage));
  }
  if (type === 'engine_overloaded_error') {
    return make('overloaded', `Kimi is overloaded${detail}`, true);
  }
  if (status === 400 && /\b(image|vision)\b/i.test(serverMessage)) {
    return make('image-refused', `${ctx.model} did not take the attached image${detail}.`, false);
  }
  if (/token limit|token length too long|context length/i.test(serverMessage)) {
    return make('context-too-long', `The conversation is too long for ${ctx.model}${detail}.`, false);
  }
  switch (status) {
    case 401:
      return make('auth', `Kimi rejected the API key (401${typed}).`, false);
    case 403:
      return make('forbidden', `Kimi refused the request (403${typed})${detail}.`, false);
    case 404:
      return make('model-not-found', `Kimi does not know the model "${ctx.model}" or your key has no access to it (404)${detail}.`, false);
    case 400:
    case 422:
      return make('rejected', `Kimi rejected the request (${status}${typed})${detail}.`, false);
    default:
      break;
  }
  if (status === undefined || status === 408 || status === 409 || status === 429 || status >= 500) {
    return make('failed', `Kimi request failed (${status ?? 'stream error'}${typed})${detail}`, true);
  }
  return make('failed', `Kimi request failed (${status})${detail}.`, false);
}
