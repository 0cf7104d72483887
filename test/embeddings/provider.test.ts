import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  defaultEmbeddingSettings,
  EmbedderProvider,
  mergeEmbeddingSettings,
} from "../../src/embeddings/provider.js";
import type { Embedder, EmbeddingSettings } from "../../src/embeddings/types.js";
import { createTinyModel } from "../helpers/tiny-model.js";

let dir: string;
let tiny: Partial<EmbeddingSettings>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "letta-provider-"));
  const { root, modelId } = await createTinyModel(join(dir, "models"));
  tiny = { model: modelId, localPath: root, cacheDir: join(dir, "cache") };
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function provider(settings: Partial<EmbeddingSettings>, extra: ConstructorParameters<typeof EmbedderProvider>[1] = {}) {
  const notices: string[] = [];
  const p = new EmbedderProvider(settings, { onNotice: (m) => notices.push(m), ...extra });
  return { p, notices };
}

describe("EmbedderProvider", () => {
  it("loads the model once and shares it between concurrent callers", async () => {
    const { p, notices } = provider(tiny);
    expect(p.state).toBe("idle");
    const [a, b] = await Promise.all([p.get(), p.get()]);
    expect(a).not.toBeNull();
    expect(a).toBe(b);
    expect(await p.get()).toBe(a);
    expect(p.state).toBe("ready");
    expect(a!.dim).toBe(64);
    expect(notices).toEqual([]);
  });

  it("calls the loader exactly once however many callers race", async () => {
    let loads = 0;
    const fake: Embedder = { modelId: "fake", dim: 2, embed: async (t) => t.map(() => Float32Array.of(1, 0)) };
    const { p } = provider({}, { loader: async () => (loads++, fake) });
    const got = await Promise.all(Array.from({ length: 5 }, () => p.get()));
    expect(loads).toBe(1);
    expect(new Set(got)).toEqual(new Set([fake]));
  });

  it("forwards download progress", async () => {
    const files: string[] = [];
    const { p } = provider(tiny, { onProgress: (e) => files.push(e.file) });
    await p.get();
    expect(files).toContain("onnx/model_quantized.onnx");
  });

  it("falls back to lexical with one notice when the local path holds no model", async () => {
    const { p, notices } = provider({ ...tiny, localPath: join(dir, "missing") });
    expect(await p.get()).toBeNull();
    expect(await p.get()).toBeNull();
    expect(p.state).toBe("unavailable");
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('Embedding model "test/tiny-bow" could not be loaded (');
    expect(notices[0]).toContain(join(dir, "missing"));
    expect(notices[0]).toContain("archival search is running lexically (full-text only)");
    expect(notices[0]).toContain("embeddings.localPath in .letta/config.json");
  });

  it("falls back with one notice when a model has no file for the requested dtype", async () => {
    const root = join(dir, "fp32-only");
    const { modelId } = await createTinyModel(root, { withQuantized: false });
    const { p, notices } = provider({ model: modelId, localPath: root, dtype: "q8" });
    expect(await p.get()).toBeNull();
    expect(notices).toHaveLength(1);
  });

  it("falls back with one notice when the hub is unreachable (loopback, fails fast)", async () => {
    const started = Date.now();
    const { p, notices } = provider({
      model: "Xenova/all-MiniLM-L6-v2",
      remoteHost: "http://127.0.0.1:1/",
      cacheDir: join(dir, "empty-cache"),
    });
    const results = await Promise.all([p.get(), p.get()]);
    expect(results).toEqual([null, null]);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/could not be loaded \(cannot reach http:\/\/127\.0\.0\.1:1\//);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("does not load anything when disabled, and says so once", async () => {
    let loads = 0;
    const { p, notices } = provider({ disabled: true }, { loader: async () => (loads++, null as never) });
    expect(await p.get()).toBeNull();
    expect(await p.get()).toBeNull();
    expect(loads).toBe(0);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/disabled.*lexically/);
  });

  it("never throws, even when the loader throws a non-Error or the notice handler throws", async () => {
    const p = new EmbedderProvider(
      {},
      {
        loader: async () => {
          throw "boom";
        },
        onNotice: () => {
          throw new Error("UI is gone");
        },
      },
    );
    await expect(p.get()).resolves.toBeNull();
    expect(p.reason).toBe("boom");
  });

  it("shortens long multi-line errors in the notice", async () => {
    const { p, notices } = provider({}, { loader: async () => Promise.reject(new Error(`first line ${"x".repeat(400)}\nsecond`)) });
    await p.get();
    expect(notices[0]).not.toContain("second");
    expect(notices[0].length).toBeLessThan(450);
  });
});

describe("embedding settings", () => {
  it("default to MiniLM at q8", () => {
    expect(defaultEmbeddingSettings()).toEqual({ model: "Xenova/all-MiniLM-L6-v2", dtype: "q8" });
    expect(new EmbedderProvider().settings).toEqual(defaultEmbeddingSettings());
  });

  it("merge a partial overlay without mutating the base, ignoring values of the wrong type", () => {
    const base = defaultEmbeddingSettings();
    const merged = mergeEmbeddingSettings(base, {
      model: " org/model ",
      dtype: "fp16" as never,
      localPath: "/models",
      cacheDir: "",
      disabled: "yes" as never,
    });
    expect(merged).toEqual({ model: "org/model", dtype: "q8", localPath: "/models" });
    expect(base).toEqual(defaultEmbeddingSettings());
    expect(mergeEmbeddingSettings(base, null)).toEqual(base);
    expect(mergeEmbeddingSettings(base, { dtype: "fp32", disabled: true })).toMatchObject({ dtype: "fp32", disabled: true });
  });
});
