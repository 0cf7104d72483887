/**
 * The one place that decides whether this process has an embedding model.
 * Loading is deferred to the first archival write or search, shared by concurrent callers, and
 * never fatal: without a model, archival memory degrades to full-text search and the user is
 * told once, with the fix.
 */
// Cheap to import: transformers.js itself is only imported when a model is actually loaded.
import { DEFAULT_EMBEDDING_MODEL, loadTransformersEmbedder, type LoadOptions } from "./transformers-embedder.js";
import type { Embedder, EmbeddingSettings, LoadProgress } from "./types.js";

export type EmbedderLoader = (settings: EmbeddingSettings, options: LoadOptions) => Promise<Embedder>;

export interface EmbedderProviderHooks {
  onProgress?: (progress: LoadProgress) => void;
  /** Called at most once per provider, when embeddings turn out to be unavailable. */
  onNotice?: (message: string) => void;
  /** Replaces the transformers.js loader (tests, other runtimes). */
  loader?: EmbedderLoader;
}

export type EmbedderState = "idle" | "loading" | "ready" | "unavailable";

export function defaultEmbeddingSettings(): EmbeddingSettings {
  return { model: DEFAULT_EMBEDDING_MODEL, dtype: "q8" };
}

const nonEmpty = (v: unknown): v is string => typeof v === "string" && v.trim() !== "";

/**
 * Overlays `patch` on `base`. Settings come from hand-edited JSON, so values of the wrong type
 * are ignored rather than trusted; `base` is not modified.
 */
export function mergeEmbeddingSettings(
  base: EmbeddingSettings,
  patch?: Partial<EmbeddingSettings> | null,
): EmbeddingSettings {
  const out: EmbeddingSettings = { ...base };
  if (!patch) return out;
  if (nonEmpty(patch.model)) out.model = patch.model.trim();
  if (patch.dtype === "q8" || patch.dtype === "fp32") out.dtype = patch.dtype;
  if (nonEmpty(patch.localPath)) out.localPath = patch.localPath;
  if (nonEmpty(patch.cacheDir)) out.cacheDir = patch.cacheDir;
  if (nonEmpty(patch.remoteHost)) out.remoteHost = patch.remoteHost;
  if (typeof patch.disabled === "boolean") out.disabled = patch.disabled;
  return out;
}

export class EmbedderProvider {
  readonly settings: EmbeddingSettings;
  private loading: Promise<Embedder | null> | null = null;
  private current: EmbedderState = "idle";
  private why: string | null = null;
  private ready: Embedder | null = null;

  constructor(
    settings: Partial<EmbeddingSettings> = {},
    private readonly hooks: EmbedderProviderHooks = {},
  ) {
    this.settings = mergeEmbeddingSettings(defaultEmbeddingSettings(), settings);
  }

  get state(): EmbedderState {
    return this.current;
  }

  /** Why embeddings are unavailable, once they are known to be. */
  get reason(): string | null {
    return this.why;
  }

  /** The embedder if it has finished loading, without starting a load (for background work). */
  loaded(): Embedder | null {
    return this.ready;
  }

  /** The embedder, loading it on first call; null when unavailable. Never rejects. */
  get(): Promise<Embedder | null> {
    this.loading ??= this.load();
    return this.loading;
  }

  private async load(): Promise<Embedder | null> {
    const { settings } = this;
    if (settings.disabled) {
      return this.unavailable(
        "Embeddings are disabled (embeddings.disabled in .letta/config.json); archival search is running lexically (full-text only).",
        "disabled",
      );
    }
    this.current = "loading";
    try {
      const loader = this.hooks.loader ?? loadTransformersEmbedder;
      const embedder = await loader(settings, { onProgress: (p) => this.safely(() => this.hooks.onProgress?.(p)) });
      this.current = "ready";
      this.ready = embedder;
      return embedder;
    } catch (err) {
      const reason = describeFailure(err, settings);
      return this.unavailable(
        `Embedding model "${settings.model}" could not be loaded (${reason}); archival search is running lexically (full-text only). ` +
          "Set embeddings.localPath in .letta/config.json to use a downloaded model offline.",
        reason,
      );
    }
  }

  private unavailable(message: string, reason: string): null {
    this.current = "unavailable";
    this.why = reason;
    this.safely(() => this.hooks.onNotice?.(message));
    return null;
  }

  /** A throwing UI callback must not turn "no embeddings" into a crash. */
  private safely(fn: () => void): void {
    try {
      fn();
    } catch {
      // The notice or progress display failed; the fallback itself still holds.
    }
  }
}

/** One short line for the notice: the library's errors can be long and multi-line. */
export function describeFailure(err: unknown, settings: EmbeddingSettings): string {
  const code = errorCode(err);
  if (code && /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|ENETUNREACH|EHOSTUNREACH|UND_ERR_CONNECT_TIMEOUT)$/.test(code)) {
    return `cannot reach ${settings.remoteHost ?? "the Hugging Face hub"}: ${code}`;
  }
  const raw = err instanceof Error ? err.message : String(err);
  if (/fetch failed/i.test(raw)) return `cannot reach ${settings.remoteHost ?? "the Hugging Face hub"}`;
  if (settings.localPath && /not found locally|local_files_only|ENOENT|no such file/i.test(raw)) {
    return `no model files for it under ${settings.localPath}`;
  }
  const line = raw.split("\n")[0].trim() || "unknown error";
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}
