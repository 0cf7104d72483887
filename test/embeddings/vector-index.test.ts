import { describe, expect, it } from "vitest";
import { VectorIndex, type SearchHit } from "../../src/embeddings/vector-index.js";
import { rerankExact, RERANK_SHORTLIST } from "../../src/embeddings/rerank.js";
import { rng } from "../helpers/seeded.js";

/** Normalised points around random centres: the shape sentence embeddings have. */
function clustered(n: number, dim: number, clusters: number, seed = 1): Float32Array[] {
  const rand = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());
  const centres = Array.from({ length: clusters }, () => Float32Array.from({ length: dim }, gauss));
  return Array.from({ length: n }, () => {
    const c = centres[Math.floor(rand() * clusters)];
    const v = Float32Array.from(c, (x) => x + 1.2 * gauss());
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

const ids = (hits: SearchHit[]) => hits.map((h) => h.id);

function recallAt(index: VectorIndex, queries: Float32Array[], k: number, filter?: (id: number) => boolean) {
  let hit = 0;
  let total = 0;
  for (const q of queries) {
    const want = new Set(ids(index.exactSearch(q, k, filter)));
    total += want.size;
    for (const id of ids(index.search(q, k, filter))) if (want.has(id)) hit++;
  }
  return hit / total;
}

describe("VectorIndex", () => {
  const DIM = 96;
  const all = clustered(12_040, DIM, 60);
  const data = all.slice(0, 12_000);
  const queries = all.slice(12_000); // held out: not in the index, from the same distribution
  const big = new VectorIndex(DIM);
  data.forEach((v, i) => big.add(i + 1, v));

  it("quantised search agrees with exact search (recall@10 >= 0.95 on clustered data)", () => {
    expect(big.size).toBe(12_000);
    expect(recallAt(big, queries, 10)).toBeGreaterThanOrEqual(0.95);
  });

  it("a shortlist re-scored with the float32 vectors gives back the exact float32 top-k", () => {
    // The same sums in the same order as a `reduce`, without a closure call per element (12k × 40).
    const dot = (v: Float32Array, q: Float32Array) => {
      let s = 0;
      for (let j = 0; j < v.length; j++) s += v[j] * q[j];
      return s;
    };
    const floatTop = (q: Float32Array, k: number) => {
      const qNorm = Math.hypot(...q);
      return data
        .map((v, i) => ({ id: i + 1, score: dot(v, q) / qNorm }))
        .sort((a, b) => b.score - a.score)
        .slice(0, k)
        .map((h) => h.id);
    };
    const vectors = new Map(data.map((v, i) => [i + 1, v]));
    let plain = 0;
    let reranked = 0;
    for (const q of queries) {
      const want = new Set(floatTop(q, 10));
      const shortlist = big.search(q, 10, undefined, { shortlist: 10 * RERANK_SHORTLIST });
      expect(shortlist).toHaveLength(40);
      plain += shortlist.slice(0, 10).filter((h) => want.has(h.id)).length;
      reranked += rerankExact(shortlist, q, 10, vectors).filter((h) => want.has(h.id)).length;
    }
    expect(reranked / 400).toBeGreaterThanOrEqual(0.99);
    expect(reranked).toBeGreaterThanOrEqual(plain);
  });

  it("returns hits best first with cosine scores (one byte per dimension: within 1e-3)", () => {
    const hits = big.search(data[5], 10);
    expect(hits).toHaveLength(10);
    expect(hits[0]).toEqual({ id: 6, score: expect.closeTo(1, 3) });
    for (let i = 1; i < hits.length; i++) expect(hits[i].score).toBeLessThanOrEqual(hits[i - 1].score);
  });

  it("applies the filter during the scan, in both modes", () => {
    const even = (id: number) => id % 2 === 0;
    for (const hits of [big.search(queries[0], 10, even), big.exactSearch(queries[0], 10, even)]) {
      expect(hits).toHaveLength(10);
      expect(hits.every((h) => even(h.id))).toBe(true);
    }
    expect(recallAt(big, queries.slice(0, 10), 10, even)).toBeGreaterThanOrEqual(0.95);
    // A selective filter leaves fewer rows than the candidate pool: the answer is then exact.
    const few = (id: number) => id % 1000 === 7;
    expect(big.search(queries[1], 5, few)).toEqual(big.exactSearch(queries[1], 5, few));
    expect(big.search(queries[1], 5, () => false)).toEqual([]);
  });

  it("a set of allowed ids (a tag filter) scans only those: exact for a small set, recall kept for a large one", () => {
    const all = Array.from({ length: big.size }, (_, i) => i + 1);
    const fewIds = new Set(all.filter((id) => id % 97 === 3));
    const few = (id: number) => fewIds.has(id);
    for (const q of queries.slice(0, 5)) expect(big.search(q, 10, fewIds)).toEqual(big.exactSearch(q, 10, few));
    const halfIds = new Set(all.filter((id) => id % 2 === 0));
    const half = (id: number) => halfIds.has(id);
    let hit = 0;
    for (const q of queries.slice(0, 10)) {
      const want = new Set(ids(big.exactSearch(q, 10, half)));
      const got = big.search(q, 10, halfIds);
      expect(got.every((h) => halfIds.has(h.id))).toBe(true);
      for (const h of got) if (want.has(h.id)) hit++;
    }
    expect(hit / 100).toBeGreaterThanOrEqual(0.95);
    expect(big.search(queries[0], 10, new Set([-5]))).toEqual([]);
  });

  it("a set searched again after the index changed sees the change (its slots are kept only until then)", () => {
    const index = new VectorIndex(DIM);
    data.slice(0, 9000).forEach((v, i) => index.add(i + 1, v));
    // Half the ids, some not in the index yet: a tag on passages whose vectors are still to come.
    const allowed = new Set(Array.from({ length: 10_000 }, (_, i) => i + 1).filter((id) => id % 2 === 0));
    const inSet = (id: number) => allowed.has(id);
    const q = data[9100];
    expect(ids(index.search(q, 5, allowed))).not.toContain(9102);
    index.add(9102, q); // now the closest of all, and in the set
    expect(ids(index.search(q, 5, allowed))[0]).toBe(9102);
    index.remove(9102);
    index.remove(2); // the last slot moves into slot 1
    const after = index.search(q, 10, allowed);
    expect(ids(after)).not.toContain(9102);
    expect(after.every((h) => inSet(h.id))).toBe(true);
    // The ranking matches a set seen for the first time (nothing kept).
    expect(after).toEqual(index.search(q, 10, new Set(allowed)));
  });

  it("stays in step with removals and re-additions", () => {
    const index = new VectorIndex(DIM, { initialCapacity: 16 });
    data.slice(0, 6000).forEach((v, i) => index.add(i + 1, v));
    const q = data[100];
    const before = ids(index.search(q, 10));
    expect(before[0]).toBe(101);
    for (const id of before.slice(0, 3)) expect(index.remove(id)).toBe(true);
    expect(index.remove(before[0])).toBe(false);
    expect(index.size).toBe(5997);
    const after = ids(index.search(q, 10));
    expect(after).not.toContain(before[0]);
    expect(after).toEqual(ids(index.exactSearch(q, 10)));
    index.add(before[0], data[100]);
    expect(ids(index.search(q, 1))).toEqual([101]);
    expect(index.has(101)).toBe(true);
    expect(index.size).toBe(5998);
    // Every remaining id is still findable by its own vector after the swap-removes moved slots.
    for (const id of [1, 2, 3000, 5999, 6000]) expect(ids(index.exactSearch(data[id - 1], 1))).toEqual([id]);
  });

  it("replaces the vector when an id is added again", () => {
    const index = new VectorIndex(3);
    index.add(1, Float32Array.of(1, 0, 0));
    index.add(2, Float32Array.of(0, 1, 0));
    index.add(1, Float32Array.of(0, 0, 1));
    expect(index.size).toBe(2);
    expect(index.search(Float32Array.of(0, 0, 1), 1)).toEqual([{ id: 1, score: expect.closeTo(1, 6) }]);
  });

  it("normalises what it stores, so scores are cosines whatever the input length", () => {
    const index = new VectorIndex(2);
    index.add(1, Float32Array.of(10, 0));
    index.add(2, Float32Array.of(1, 1));
    const [a, b] = index.search(Float32Array.of(3, 0), 2);
    expect(a).toEqual({ id: 1, score: expect.closeTo(1, 6) });
    expect(b.score).toBeCloseTo(Math.SQRT1_2, 6);
  });

  it("handles the edges: empty index, k larger than size, zero query, wrong width", () => {
    const index = new VectorIndex(4);
    expect(index.search(Float32Array.of(1, 0, 0, 0), 5)).toEqual([]);
    index.add(7, Float32Array.of(1, 0, 0, 0));
    expect(ids(index.search(Float32Array.of(1, 1, 0, 0), 5))).toEqual([7]);
    expect(index.search(new Float32Array(4), 5)).toEqual([]);
    expect(index.search(Float32Array.of(1, 0, 0, 0), 0)).toEqual([]);
    expect(() => index.search(new Float32Array(3), 1)).toThrow(RangeError);
    expect(() => index.add(8, new Float32Array(5))).toThrow(RangeError);
    index.clear();
    expect(index.size).toBe(0);
    expect(index.has(7)).toBe(false);
  });

  it("takes sign codes around the data's centre, also for vectors added after the codes exist", () => {
    // Every vector shares a large offset; codes taken around zero would all look alike.
    const offset = Float32Array.from({ length: DIM }, (_, i) => (i % 3 === 0 ? 0.4 : -0.2));
    const shifted = all.map((v) => v.map((x, i) => x + offset[i]));
    const index = new VectorIndex(DIM);
    shifted.slice(0, 5000).forEach((v, i) => index.add(i + 1, v));
    index.search(shifted[0], 10);
    shifted.slice(5000).forEach((v, i) => index.add(i + 5001, v));
    expect(recallAt(index, shifted.slice(12_000), 10)).toBeGreaterThanOrEqual(0.95);
  });
});
