import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultCacheDir, TransformersEmbedder } from "../../src/embeddings/transformers-embedder.js";
import type { EmbeddingSettings, LoadProgress } from "../../src/embeddings/types.js";
import { createTinyModel } from "../helpers/tiny-model.js";

let dir: string;
let settings: EmbeddingSettings;
const loaded: TransformersEmbedder[] = [];

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);

async function load(extra: Partial<EmbeddingSettings> = {}, onProgress?: (p: LoadProgress) => void) {
  const e = await TransformersEmbedder.load({ ...settings, ...extra }, { onProgress });
  loaded.push(e);
  return e;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "letta-tiny-model-"));
  const { root, modelId } = await createTinyModel(join(dir, "models"));
  settings = { model: modelId, localPath: root, cacheDir: join(dir, "cache"), dtype: "q8" };
});

afterAll(async () => {
  await Promise.all(loaded.map((e) => e.dispose()));
  await rm(dir, { recursive: true, force: true });
});

describe("TransformersEmbedder on a generated tiny model", () => {
  for (const dtype of ["q8", "fp32"] as const) {
    it(`loads offline (${dtype}) and returns unit vectors of the model's width`, async () => {
      const e = await load({ dtype });
      expect(e.dim).toBe(64);
      expect(e.modelId).toBe("test/tiny-bow");
      const [a, b] = await e.embed(["The sqlite database has a schema.", "Tests run with vitest."]);
      for (const v of [a, b]) {
        expect(v).toBeInstanceOf(Float32Array);
        expect(v.length).toBe(64);
        expect(Math.hypot(...v)).toBeCloseTo(1, 4);
      }
    });
  }

  it("q8 and fp32 agree closely (the quantised file is a real uint8 model)", async () => {
    const [q8, fp32] = [await load({ dtype: "q8" }), await load({ dtype: "fp32" })];
    const text = ["The user prefers tabs over spaces."];
    const [[a], [b]] = [await q8.embed(text), await fp32.embed(text)];
    expect(dot(a, b)).toBeGreaterThan(0.99);
  });

  it("scores related sentences above unrelated ones, even with no word in common", async () => {
    const e = await load();
    const [query, related, unrelated] = await e.embed([
      "postgres migration",
      "The sqlite schema lives in one table.",
      "My cat likes pizza for dinner.",
    ]);
    expect(dot(query, related)).toBeGreaterThan(dot(query, unrelated) + 0.2);
  });

  it("embeds in batches and keeps order, matching one-at-a-time results", async () => {
    const e = await load();
    const texts = Array.from({ length: 70 }, (_, i) => `note ${i} about the ${i % 2 ? "database" : "garden"}`);
    const all = await e.embed(texts);
    expect(all).toHaveLength(70);
    for (const i of [0, 33, 69]) {
      const [single] = await e.embed([texts[i]]);
      expect(dot(all[i], single)).toBeCloseTo(1, 4);
    }
    expect(await e.embed([])).toEqual([]);
  });

  it("never returns NaN, even for input that tokenises to nothing", async () => {
    const e = await load();
    const [v] = await e.embed([""]);
    expect(v.every(Number.isFinite)).toBe(true);
  });

  it("reports per-file load progress", async () => {
    const events: LoadProgress[] = [];
    await load({}, (p) => events.push(p));
    const files = new Set(events.map((p) => p.file));
    expect(files).toContain("onnx/model_quantized.onnx");
    expect(files).toContain("tokenizer.json");
    for (const p of events) {
      expect(p.progress).toBeGreaterThanOrEqual(0);
      expect(p.progress).toBeLessThanOrEqual(100);
    }
  });

  it("fails clearly when the local directory lacks the model", async () => {
    await expect(load({ localPath: join(dir, "nowhere") })).rejects.toThrow();
  });
});

describe("startup cost", () => {
  it("no module imports transformers.js eagerly (only inside the load function)", async () => {
    for (const file of ["transformers-embedder.ts", "provider.ts", "vector-index.ts", "vector-codec.ts", "types.ts"]) {
      const src = await readFile(new URL(`../../src/embeddings/${file}`, import.meta.url), "utf8");
      expect(src, file).not.toMatch(/^\s*import\s+(?!type\b)[^;]*from\s+["']@huggingface\/transformers["']/m);
      expect(src, file).not.toMatch(/^\s*import\s+["']@huggingface\/transformers["']/m);
    }
  });
});

describe("defaultCacheDir", () => {
  it("follows each platform's convention", () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: "/xdg" }, "linux")).toBe("/xdg/letta-code/models");
    expect(defaultCacheDir({}, "linux")).toMatch(/\.cache\/letta-code\/models$/);
    expect(defaultCacheDir({ XDG_CACHE_HOME: "/xdg" }, "darwin")).toMatch(/Library\/Caches\/letta-code\/models$/);
  });
});
