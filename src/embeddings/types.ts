/** A sentence embedder. Vectors are L2-normalised, so a dot product is the cosine similarity. */
export interface Embedder {
  readonly modelId: string;
  readonly dim: number;
  embed(texts: string[]): Promise<Float32Array[]>;
}

export interface EmbeddingSettings {
  /** Hugging Face model id, e.g. "Xenova/all-MiniLM-L6-v2". */
  model: string;
  /** A local directory holding `<model id>/` folders (offline use); disables remote download. */
  localPath?: string;
  /** Where downloaded models are cached (defaults to the user's cache directory). */
  cacheDir?: string;
  /** "q8" (default, small) or "fp32". */
  dtype: "q8" | "fp32";
  /** Model host to download from instead of the Hugging Face hub (a mirror; tests point it at loopback). */
  remoteHost?: string;
  /** Turn embeddings off entirely: archival search is lexical only. */
  disabled?: boolean;
}

export interface LoadProgress {
  file: string;
  loaded: number;
  total: number;
  /** 0..100 */
  progress: number;
}

/**
 * A saved vector index failed a check while it was being read (a row that does not match its checksum):
 * whoever holds the index drops it and rebuilds from the stored vectors.
 */
export class IndexFileCorrupt extends Error {
  override name = "IndexFileCorrupt";
}
