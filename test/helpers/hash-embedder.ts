import type { Embedder } from "../../src/embeddings/types.js";

/**
 * A deterministic bag-of-words embedder for fast store tests; synonym groups share a
 * dimension so "semantic" matches without shared words can be asserted.
 * (The real transformers.js path is tested with a generated tiny model in test/embeddings.)
 */
const SYNONYMS: Record<string, string> = { postgres: "database", sqlite: "database", db: "database" };

export function hashEmbedder(dim = 64, modelId = "test/hash-embedder"): Embedder & { calls: number } {
  const e = {
    modelId,
    dim,
    calls: 0,
    async embed(texts: string[]) {
      e.calls++;
      return texts.map((t) => {
        const v = new Float32Array(dim);
        for (const raw of t.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
          const w = SYNONYMS[raw] ?? raw;
          let h = 2166136261;
          for (const ch of w) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
          v[(h >>> 0) % dim] += 1;
        }
        const n = Math.hypot(...v) || 1;
        return v.map((x) => x / n);
      });
    },
  };
  return e;
}
