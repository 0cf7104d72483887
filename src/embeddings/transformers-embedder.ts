/**
 * Sentence embeddings with transformers.js (ONNX, CPU). The library is imported only inside
 * `loadTransformersEmbedder`, so `letta-code --version` and lexical-only sessions never pay for it.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { userCacheDir } from "../config/user-dirs.js";
import type { Embedder, EmbeddingSettings, LoadProgress } from "./types.js";

export const DEFAULT_EMBEDDING_MODEL = "Xenova/all-MiniLM-L6-v2";
const BATCH_SIZE = 32;

export interface LoadOptions {
  onProgress?: (progress: LoadProgress) => void;
}

/** The per-user cache for downloaded models, following each platform's convention. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  return join(userCacheDir(env, platform), "models");
}

type Transformers = typeof import("@huggingface/transformers");
/** The slice of the feature-extraction pipeline used here (its own typings are a wide union). */
interface Extractor {
  (texts: string[], options: { pooling: "mean"; normalize: boolean }): Promise<{ data: ArrayLike<number>; dims: number[] }>;
  dispose(): Promise<void>;
}

let library: Promise<Transformers> | undefined;
/** transformers.js reads its settings from one global `env`, so loads with different settings must not overlap. */
let loadQueue: Promise<unknown> = Promise.resolve();
let defaults: { localModelPath: string; remoteHost: string } | undefined;

function importLibrary(): Promise<Transformers> {
  library ??= import("@huggingface/transformers");
  return library;
}

function configure(lib: Transformers, settings: EmbeddingSettings): void {
  const { env } = lib;
  defaults ??= { localModelPath: env.localModelPath, remoteHost: env.remoteHost };
  // Library warnings would scribble over the TUI; every failure reaches the user as a notice instead.
  env.logLevel = lib.LogLevel.NONE;
  env.cacheDir = settings.cacheDir ?? defaultCacheDir();
  env.allowLocalModels = true;
  env.allowRemoteModels = !settings.localPath;
  env.localModelPath = settings.localPath ?? defaults.localModelPath;
  env.remoteHost = settings.remoteHost ?? defaults.remoteHost;
}

export class TransformersEmbedder implements Embedder {
  private constructor(
    readonly modelId: string,
    readonly dim: number,
    private readonly extractor: Extractor,
  ) {}

  /** Loads the model and probes it once, so `dim` is known before the first real call. */
  static async load(settings: EmbeddingSettings, options: LoadOptions = {}): Promise<TransformersEmbedder> {
    if (settings.localPath && !mayBeOnDisk(settings)) {
      // Offline (a local folder, no hub) with the model in none of the places transformers.js looks:
      // fail as it would, without importing it and onnxruntime first (~0.15 s of CPU on every
      // archival command of a machine that has no model).
      throw Object.assign(new Error(`no such file or directory: ${join(settings.localPath, settings.model)}`), { code: "ENOENT" });
    }
    const lib = await importLibrary();
    const run = loadQueue.then(async () => {
      configure(lib, settings);
      const extractor = (await lib.pipeline("feature-extraction", settings.model, {
        dtype: settings.dtype,
        local_files_only: Boolean(settings.localPath),
        progress_callback: (info) => {
          if (info.status === "progress" && options.onProgress) {
            options.onProgress({ file: info.file, loaded: info.loaded, total: info.total, progress: info.progress });
          }
        },
      })) as unknown as Extractor;
      const probe = await runBatch(extractor, ["dimension probe"]);
      return new TransformersEmbedder(settings.model, probe[0].length, extractor);
    });
    loadQueue = run.catch(() => undefined);
    return run;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += BATCH_SIZE) {
      out.push(...(await runBatch(this.extractor, texts.slice(i, i + BATCH_SIZE))));
    }
    return out;
  }

  async dispose(): Promise<void> {
    await this.extractor.dispose();
  }
}

async function runBatch(extractor: Extractor, texts: string[]): Promise<Float32Array[]> {
  if (texts.length === 0) return [];
  const tensor = await extractor(texts, { pooling: "mean", normalize: true });
  const dim = tensor.dims[tensor.dims.length - 1];
  const data = tensor.data instanceof Float32Array ? tensor.data : Float32Array.from(tensor.data);
  return texts.map((_, row) => {
    const v = data.slice(row * dim, (row + 1) * dim);
    // An all-padding input normalises 0/0 to NaN; a zero vector is "similar to nothing" instead.
    if (!v.every(Number.isFinite)) v.fill(0);
    return v;
  });
}

/** Where transformers.js can find a model without the hub: the local folder, the id as a path, the download cache. */
function mayBeOnDisk(settings: EmbeddingSettings): boolean {
  const { model, localPath } = settings;
  return [join(localPath!, model), model, join(settings.cacheDir ?? defaultCacheDir(), model)].some((p) => existsSync(p));
}

export function loadTransformersEmbedder(settings: EmbeddingSettings, options?: LoadOptions): Promise<Embedder> {
  return TransformersEmbedder.load(settings, options);
}
