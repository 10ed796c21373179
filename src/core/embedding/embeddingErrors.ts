import { ApiError } from '../errors';
import { Redactor } from '../redaction';

const RETRYABLE = new Set([408, 409, 429]);

/** The error for an embeddings response with a failing HTTP status; the key never appears in it. */
export function embeddingHttpError(
  status: number,
  body: string,
  requestId: string | undefined,
  where: { readonly host: string; readonly url: string; readonly model: string; readonly apiKey: string | undefined },
): ApiError {
  const { message: raw, type, code } = providerError(body);
  // Some providers quote the key they were sent in a 401; it must not travel on in our message.
  const message = raw === undefined ? undefined : new Redactor([where.apiKey]).redact(raw);
  const detail = message ? `: ${message}` : '.';
  if (status === 401 || status === 403) {
    return new ApiError(
      `The embedding endpoint ${where.host} rejected the API key (HTTP ${status})${detail} Check EMBEDDING_API_KEY or run "Kimi Milvus: Set Embedding API Key".`,
      status, type ?? 'authentication_error', false, requestId,
    );
  }
  if (status === 429 && (code === 'insufficient_quota' || type === 'insufficient_quota')) {
    return new ApiError(`The embedding quota at ${where.host} is used up (HTTP 429)${detail}`, status, 'insufficient_quota', false, requestId);
  }
  if (status === 404) {
    return new ApiError(`The embedding endpoint ${where.url} or model "${where.model}" was not found (HTTP 404)${detail}`, status, type, false, requestId);
  }
  const retryable = RETRYABLE.has(status) || status >= 500;
  return new ApiError(`Embedding request to ${where.host} failed (HTTP ${status})${detail}`, status, type, retryable, requestId);
}

/**
 * The error that ends a request after its retries. A deadline that even a single input cannot meet
 * says which setting gives a slow endpoint more time.
 */
export function gaveUp(error: ApiError, maxRetries: number, inputs: number): ApiError {
  if (!error.retryable || maxRetries === 0) {
    return error;
  }
  const slow =
    error.type === 'timeout'
      ? ` Even a request of ${inputs} input${inputs === 1 ? '' : 's'} did not finish in time: the endpoint is overloaded or too slow for this deadline. ` +
        'Give it more time (the connect timeout: --connect-timeout or KIMI_MILVUS_CONNECT_TIMEOUT, in VS Code kimiMilvus.network.connectTimeoutSeconds; ' +
        'the whole request: --request-timeout, KIMI_MILVUS_REQUEST_TIMEOUT or kimiMilvus.network.requestTimeoutSeconds), or check that it is running.'
      : '';
  return new ApiError(`${error.message} Gave up after ${maxRetries} retries.${slow}`, error.status, error.type, true, error.requestId, { cause: error });
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
