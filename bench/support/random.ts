/** mulberry32: a deterministic PRNG, so benchmark rows and queries are the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Zipf-like word source over a synthetic code vocabulary (identifier-ish words, skewed frequencies). */
export function wordSource(rand: () => number, size: number): () => string {
  const vocab = Array.from({ length: size }, (_, i) => `w${i.toString(36)}${['init', 'parse', 'load', 'index', 'query', 'store'][i % 6]}`);
  return () => vocab[Math.floor(rand() ** 2 * vocab.length)];
}
