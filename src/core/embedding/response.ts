import { endianness } from 'node:os';
import { EmbeddingApiError } from '../errors';

/**
 * Vectors of an OpenAI embeddings response, in input order (the API may return them out of order),
 * and the tokens its `usage` counted (undefined when absent). An embedding is an array of numbers,
 * or (`encoding_format: 'base64'`) the base64 of its little-endian float32 values.
 */
export function parseEmbeddingResponse(text: string, expected: number, host: string): { vectors: number[][]; tokens: number | undefined } {
  const bad = (why: string): EmbeddingApiError =>
    new EmbeddingApiError('invalid-response', `The embedding endpoint ${host} sent an invalid response (${why}).`, { status: 200, type: 'invalid_response', retryable: false, details: { host } });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw bad('not JSON');
  }
  const data = typeof parsed === 'object' && parsed !== null && 'data' in parsed ? parsed.data : undefined;
  if (!Array.isArray(data)) {
    throw bad('no "data" array');
  }
  if (data.length !== expected) {
    throw bad(`${data.length} embeddings for ${expected} inputs`);
  }
  const out: number[][] = new Array<number[]>(expected);
  data.forEach((item: unknown, position) => {
    if (typeof item !== 'object' || item === null) {
      throw bad('an item is not an object');
    }
    const rec = item as Record<string, unknown>;
    const index = typeof rec.index === 'number' ? rec.index : position;
    const vector = typeof rec.embedding === 'string' ? fromBase64(rec.embedding) : rec.embedding;
    if (vector === undefined) {
      throw bad('a base64 embedding is not a whole number of float32 values');
    }
    if (!Array.isArray(vector) || !vector.every((v): v is number => typeof v === 'number' && Number.isFinite(v))) {
      throw bad('an embedding is not an array of numbers');
    }
    if (index < 0 || index >= expected || out[index] !== undefined) {
      throw bad('embedding indexes do not match the inputs');
    }
    out[index] = vector;
  });
  return { vectors: out, tokens: usageTokens(parsed) };
}

function usageTokens(parsed: unknown): number | undefined {
  const usage = typeof parsed === 'object' && parsed !== null && 'usage' in parsed ? parsed.usage : undefined;
  const tokens = typeof usage === 'object' && usage !== null && 'prompt_tokens' in usage ? usage.prompt_tokens : undefined;
  return typeof tokens === 'number' && Number.isFinite(tokens) && tokens >= 0 ? tokens : undefined;
}

/** Little-endian float32 values from base64, or undefined when the bytes are not whole values. */
function fromBase64(text: string): number[] | undefined {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length === 0 || bytes.length % 4 !== 0) {
    return undefined;
  }
  if (endianness() !== 'LE') {
    return Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
  }
  // One copy into an aligned Float32Array (a Buffer's offset in its pool need not be a multiple of 4).
  const floats = new Float32Array(bytes.length / 4);
  new Uint8Array(floats.buffer).set(bytes);
  return Array.from(floats);
}
