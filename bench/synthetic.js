// Shared synthetic data for benchmarks: seeded randomness and clustered unit vectors
// (a mixture of Gaussians, like real sentence embeddings; uniform random data flatters nothing).

export function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussian(rand) {
  let u = 0;
  while (u === 0) u = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** A unit vector near one of `centres` (clustered) for topic `topic`. */
export function clusteredVector(rand, centres, topic, dim, spread = 0.6) {
  const c = centres[topic];
  const v = new Float32Array(dim);
  let n = 0;
  for (let i = 0; i < dim; i++) {
    v[i] = c[i] + (spread * gaussian(rand)) / Math.sqrt(dim);
    n += v[i] * v[i];
  }
  n = Math.sqrt(n);
  for (let i = 0; i < dim; i++) v[i] /= n;
  return v;
}

export function centres(rand, count, dim) {
  return Array.from({ length: count }, () => {
    const c = new Float32Array(dim);
    let n = 0;
    for (let i = 0; i < dim; i++) (c[i] = gaussian(rand)), (n += c[i] * c[i]);
    n = Math.sqrt(n);
    for (let i = 0; i < dim; i++) c[i] /= n;
    return c;
  });
}

export function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function summarise(samples) {
  const s = [...samples].sort((a, b) => a - b);
  return { median: percentile(s, 50), p95: percentile(s, 95) };
}

export const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
export const ms = (x) => `${x.toFixed(2)} ms`;
