import { EmbeddingApiError } from '../errors';
import { Redactor } from '../redaction';

const RETRYABLE = new Set([408, 409, 429]);

/** Where a request went, for messages and details; the key only to keep it out of them. */
export interface EmbeddingTarget {
  readonly host: string;
  readonly url: string;
  readonly model: string;
  readonly apiKey: string | undefined;
}

/** The error for an embeddings response with a failing HTTP status; the key never appears in it. */
export function embeddingHttpError(status: number, body: string, requestId: string | undefined, where: EmbeddingTarget): EmbeddingApiError {
  const { message: raw, type, code } = providerError(body);
  // Some providers quote the key they were sent in a 401; it must not travel on in our message.
  const message = raw === undefined ? undefined : new Redactor([where.apiKey]).redact(raw);
  const detail = message ? `: ${message}` : '.';
  const init = { status, type, retryable: false, requestId, details: { host: where.host, model: where.model } };
  if (status === 401 || status === 403) {
    return new EmbeddingApiError('auth', `The embedding endpoint ${where.host} rejected the API key (HTTP ${status})${detail}`, { ...init, type: type ?? 'authentication_error' });
  }
  if (status === 429 && (code === 'insufficient_quota' || type === 'insufficient_quota')) {
    return new EmbeddingApiError('quota', `The embedding quota at ${where.host} is used up (HTTP 429)${detail}`, { ...init, type: 'insufficient_quota' });
  }
  if (status === 404) {
    return new EmbeddingApiError('not-found', `The embedding endpoint ${where.url} or model "${where.model}" was not found (HTTP 404)${detail}`, init);
  }
  const retryable = RETRYABLE.has(status) || status >= 500;
  return new EmbeddingApiError('failed', `Embedding request to ${where.host} failed (HTTP ${status})${detail}`, { ...init, retryable });
}

/**
 * The error that ends a request after its retries. A deadline that even a single input cannot meet
 * says so (details.inputs); which setting gives a slow endpoint more time is each front end's to
 * word (src/text/errorText.ts, by the code 'timeout').
 */
export function gaveUp(error: EmbeddingApiError, maxRetries: number, inputs: number): EmbeddingApiError {
  if (!error.retryable || maxRetries === 0) {
    return error;
  }
  const slow =
    error.code === 'timeout'
      ? ` Even a request of ${inputs} input${inputs === 1 ? '' : 's'} did not finish in time: the endpoint is overloaded or too slow for this deadline.`
      : '';
  const { status, type, requestId } = error;
  const details = { ...error.details, inputs, retries: maxRetries };
  return new EmbeddingApiError(error.code, `${error.message} Gave up after ${maxRetries} retries.${slow}`, { status, type, retryable: true, requestId, details, cause: error });
}

/** OpenAI-style `{ error: { message, type, code } }`, tolerating anything else. */
function providerError(body: string): { message?: string; type?: string; code?: string } {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && 'error' in parsed) {
      const e: unknown = parsed.error;
      if (typeof e === 'string') {
        return { message: e };
      }
      if (typeof e === 'object' && e !== null) {
        const rec = e as Record<string, unknown>;
        const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
        return { message: str(rec.message), type: str(rec.type), code: str(rec.code) };
      }
    }
  } catch {
    // Not JSON: fall through to the raw text.
  }
  const trimmed = body.trim().slice(0, 200);
  return trimmed ? { message: trimmed } : {};
}
