/**
 * An in-memory vector index kept in step with a table's stored embeddings: rows stored without a
 * vector (or with another model's) are embedded in batches, rows another process added are
 * loaded, and a table that shrank is reloaded. Used for recall messages; archival has its own
 * copy of this logic in archival.ts, tied to its insert path.
 */
import type { Embedder } from "../embeddings/types.js";
import type { VectorIndexLike } from "./archival.js";

export interface EmbeddedTable {
  /** Rows after `afterId` without this model's vector (rows only ever get appended, so a watermark suffices). */
  needingEmbedding(modelId: string, limit: number, afterId: number): { id: number; text: string }[];
  countNeedingEmbedding(modelId: string, afterId: number): number;
  /** The newest row id, cheap: tells whether anything was added since the last look. */
  maxId(): number;
  setEmbeddings(rows: { id: number; embedding: Buffer }[], modelId: string): void;
  embeddings(modelId: string, afterId: number): Iterable<{ id: number; embedding: Buffer }>;
  fingerprint(modelId: string): { count: number; maxId: number };
  dataVersion(): number;
}

export interface EmbeddingIndexDeps {
  table: EmbeddedTable;
  createIndex: (dim: number, capacity?: number) => VectorIndexLike;
  encode: (v: Float32Array) => Buffer;
  decode: (b: Buffer) => Float32Array;
  /** Progress of a backfill (done of total rows), so a long first search is a visible wait. */
  onProgress?: (done: number, total: number) => void;
}

const BATCH = 64;
/** Texts are cut before embedding: models read a few hundred tokens at most anyway. */
const MAX_CHARS = 2000;

export class EmbeddingIndex {
  private index: VectorIndexLike | null = null;
  private model = "";
  private seenMaxId = 0;
  private syncedVersion = -1;
  /** Every row up to this id has been embedded with `checkedModel` (or needs no vector). */
  private checkedMaxId = 0;
  private checkedModel = "";
  private running: Promise<void> | null = null;

  constructor(private deps: EmbeddingIndexDeps) {}

  /** Embed whatever is missing, batched; concurrent callers share one run. */
  embedPending(embedder: Embedder): Promise<void> {
    this.running ??= this.backfill(embedder).finally(() => (this.running = null));
    return this.running;
  }

  async search(embedder: Embedder, vector: Float32Array, k: number, filter?: (id: number) => boolean) {
    const index = await this.sync(embedder);
    return index.search(vector, k, filter);
  }

  private async backfill(embedder: Embedder): Promise<void> {
    const { table } = this.deps;
    if (this.checkedModel !== embedder.modelId) (this.checkedModel = embedder.modelId), (this.checkedMaxId = 0);
    const top = table.maxId();
    const total = table.countNeedingEmbedding(embedder.modelId, this.checkedMaxId);
    let done = 0;
    let after = this.checkedMaxId;
    if (total > BATCH) this.deps.onProgress?.(0, total);
    for (;;) {
      const pending = table.needingEmbedding(embedder.modelId, BATCH, after);
      if (pending.length === 0) break;
      const vectors = await embedder.embed(pending.map((p) => p.text.slice(0, MAX_CHARS)));
      table.setEmbeddings(pending.map((p, i) => ({ id: p.id, embedding: this.deps.encode(vectors[i]) })), embedder.modelId);
      after = pending[pending.length - 1].id;
      done += pending.length;
      if (total > BATCH) this.deps.onProgress?.(Math.min(done, total), total);
    }
    this.checkedMaxId = Math.max(after, top);
  }

  private async sync(embedder: Embedder): Promise<VectorIndexLike> {
    const { table } = this.deps;
    const version = table.dataVersion();
    const fresh = this.checkedModel === embedder.modelId && table.maxId() <= this.checkedMaxId;
    if (this.index && this.model === embedder.modelId && version === this.syncedVersion && fresh) return this.index;
    await this.embedPending(embedder);
    const fp = table.fingerprint(embedder.modelId);
    const stale = !this.index || this.model !== embedder.modelId || fp.maxId < this.seenMaxId || this.index.size > fp.count;
    if (stale) {
      this.index = this.deps.createIndex(embedder.dim, fp.count);
      this.model = embedder.modelId;
      this.seenMaxId = 0;
    }
    if (fp.maxId > this.seenMaxId) {
      for (const row of table.embeddings(embedder.modelId, this.seenMaxId)) this.index!.add(row.id, this.deps.decode(row.embedding));
      this.seenMaxId = fp.maxId;
    }
    this.syncedVersion = version;
    return this.index!;
  }
}
