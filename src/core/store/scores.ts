/**
 * Scores for display, in [0, 1] with the best hit highest. Raw scores differ by backend:
 * Milvus returns positive BM25 scores, Milvus Lite negative ones (it ranks by -bm25), and
 * RRF scores are tiny sums of 1/(k + rank).
 */

/** RRF constant used for hybrid search (Milvus' default). */
export const RRF_K = 60;

/** BM25 magnitude that maps to 0.5; typical code-search scores are 1–20. */
const BM25_HALF = 5;

export function normalizeBm25(raw: number): number {
  const m = Math.abs(raw);
  return Number.isFinite(m) ? m / (m + BM25_HALF) : 0;
}

/** The BM25 magnitude a normalized score came from (normalizeBm25's inverse): comparable as a ratio. */
export function bm25Magnitude(normalized: number): number {
  return normalized >= 1 ? Number.MAX_VALUE : (BM25_HALF * Math.max(0, normalized)) / (1 - normalized);
}

/** RRF over `routes` result lists: 1 means ranked first by every route. */
export function normalizeRrf(raw: number, routes = 2, k = RRF_K): number {
  const best = routes / (k + 1);
  return clamp01(raw / best);
}

/** Cosine similarity in [-1, 1] to [0, 1]. */
export function normalizeCosine(raw: number): number {
  return clamp01((raw + 1) / 2);
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
