// Vector index benchmark: build time, top-10 latency (quantised vs an exact float32 scan), recall@10
// against that exact float32 ranking, and RSS
// at 1k / 10k / 100k 384-d vectors. Clustered data stands in for real sentence embeddings;
// uniform random data is the worst case for sign-bit codes, reported so nobody is surprised.
// Run: npm run build && node bench/vector-index.js
import { VectorIndex } from "../dist/embeddings/vector-index.js";
import { rerankExact, RERANK_SHORTLIST } from "../dist/embeddings/rerank.js";
import { gaussian, rng } from "./synthetic.js";

const DIM = 384;
const K = 10;
const QUERIES = 100;
const SIZES = [1_000, 10_000, 100_000];

function normalise(v, at) {
  let n = 0;
  for (let i = 0; i < DIM; i++) n += v[at + i] ** 2;
  n = Math.sqrt(n) || 1;
  for (let i = 0; i < DIM; i++) v[at + i] /= n;
}

/**
 * n points plus queries from the same distribution.
 * - clustered: a two-level Gaussian mixture (topics of ~5,000 points split into subtopics of
 *   ~500), because real embedding corpora have neighbourhoods inside neighbourhoods.
 * - coarse: flat blobs of ~5,000 points, so the true top-10 hide among thousands of near-equals
 *   (harder than real text, and larger than the 2,000 re-rank candidates).
 * - random: isotropic Gaussian, the worst case for sign codes.
 */
function dataset(n, kind, seed) {
  const rand = rng(seed);
  const total = n + QUERIES;
  const out = new Float32Array(total * DIM);
  const noise = (scale) => (scale * gaussian(rand)) / Math.sqrt(DIM);
  if (kind === "random") {
    for (let i = 0; i < out.length; i++) out[i] = gaussian(rand);
  } else {
    const topics = Math.max(2, Math.round(n / 5000));
    const groups = kind === "coarse" ? topics : Math.max(4, Math.round(n / 500));
    const topicCentres = new Float32Array(topics * DIM);
    for (let i = 0; i < topicCentres.length; i++) topicCentres[i] = noise(1);
    const centres = new Float32Array(groups * DIM);
    const spread = kind === "coarse" ? 0 : 0.5;
    for (let c = 0; c < groups; c++) {
      for (let i = 0; i < DIM; i++) centres[c * DIM + i] = topicCentres[(c % topics) * DIM + i] + noise(spread);
    }
    for (let p = 0; p < total; p++) {
      const c = Math.floor(rand() * groups);
      for (let i = 0; i < DIM; i++) out[p * DIM + i] = centres[c * DIM + i] + noise(1);
    }
  }
  for (let p = 0; p < total; p++) normalise(out, p * DIM);
  return {
    base: out.subarray(0, n * DIM),
    queries: Array.from({ length: QUERIES }, (_, q) => out.subarray((n + q) * DIM, (n + q + 1) * DIM)),
  };
}

function timeQueries(queries, fn) {
  for (let i = 0; i < 5; i++) fn(queries[i]); // warm the JIT before timing
  const times = [];
  const results = [];
  for (const q of queries) {
    const t = performance.now();
    results.push(fn(q));
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const at = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
  return { median: at(0.5), p95: at(0.95), results };
}

function recall(approx, exact) {
  let hit = 0;
  let total = 0;
  for (let q = 0; q < exact.length; q++) {
    const want = new Set(exact[q].map((h) => h.id));
    total += want.size;
    for (const h of approx[q]) if (want.has(h.id)) hit++;
  }
  return hit / total;
}

/** Ground truth over the float32 vectors as given (the index stores one byte per dimension). */
function floatExact(base, n, q) {
  let qn = 0;
  for (let i = 0; i < DIM; i++) qn += q[i] * q[i];
  const scores = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let dot = 0;
    let vn = 0;
    for (let i = 0, at = r * DIM; i < DIM; i++) {
      dot += q[i] * base[at + i];
      vn += base[at + i] * base[at + i];
    }
    scores[r] = dot / Math.sqrt(vn * qn || 1);
  }
  const order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a]).slice(0, K);
  return order.map((r) => ({ id: r + 1, score: scores[r] }));
}

const rows = [];
for (const kind of ["clustered", "coarse", "random"]) {
  for (const n of SIZES) {
    const { base, queries } = dataset(n, kind, n + kind.length);
    const t0 = performance.now();
    const index = new VectorIndex(DIM);
    for (let i = 0; i < n; i++) index.add(i + 1, base.subarray(i * DIM, (i + 1) * DIM));
    index.search(queries[0], K); // first quantised search builds the sign codes
    const build = performance.now() - t0;
    const quant = timeQueries(queries, (q) => index.search(q, K));
    const exact = timeQueries(queries, (q) => floatExact(base, n, q));
    // What archival search does: a 4k shortlist from the index, re-scored with the float32 vectors.
    const floats = { get: (id) => base.subarray((id - 1) * DIM, id * DIM) };
    const refined = timeQueries(queries, (q) => rerankExact(index.search(q, K, undefined, { shortlist: K * RERANK_SHORTLIST }), q, K, floats));
    rows.push({
      data: kind,
      n,
      "build ms": build.toFixed(0),
      "quant med ms": quant.median.toFixed(2),
      "quant p95 ms": quant.p95.toFixed(2),
      "exact med ms": exact.median.toFixed(2),
      "exact p95 ms": exact.p95.toFixed(2),
      "recall@10": recall(quant.results, exact.results).toFixed(3),
      "+rerank med ms": refined.median.toFixed(2),
      "+rerank recall@10": recall(refined.results, exact.results).toFixed(3),
      "index MB": (index.memoryBytes / 2 ** 20).toFixed(0),
      "rss MB": (process.memoryUsage().rss / 2 ** 20).toFixed(0),
    });
  }
}

console.log(`VectorIndex, ${DIM}-d, top-${K}, ${QUERIES} queries each (node ${process.version})`);
console.table(rows);
console.log("Below ~4k vectors (2 x the 2,000 re-rank candidates) search() is an exact scan, so recall is 1.");
console.log("build = adds + the first search (which takes the sign codes); rss is the whole process, data sets included.");
