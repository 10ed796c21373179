import { ApiError } from '../errors';

/** Vectors of an OpenAI embeddings response, in input order (the API may return them out of order). */
export function parseEmbeddingResponse(text: string, expected: number, host: string): number[][] {
  const bad = (why: string): ApiError => new ApiError(`The embedding endpoint ${host} sent an invalid response (${why}).`, 200, 'invalid_response', false);
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
    const vector = rec.embedding;
    if (!Array.isArray(vector) || !vector.every((v): v is number => typeof v === 'number' && Number.isFinite(v))) {
      throw bad('an embedding is not an array of numbers');
    }
    if (index < 0 || index >= expected || out[index] !== undefined) {
      throw bad('embedding indexes do not match the inputs');
    }
    out[index] = vector;
  });
  return out;
}
