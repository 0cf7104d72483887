import type { ArchivalMemory, InsertResult, Passage, PassageSearchOptions } from "./access.js";
import { chunkText } from "./chunk.js";
import { DocFrequencyCache, retrieve, type SearchSource } from "./retrieve.js";
import type { PassageFilter, PassageStore } from "../store/passages.js";
import { IndexFileCorrupt, type Embedder } from "../embeddings/types.js";
import { rerankExact, RERANK_SHORTLIST } from "../embeddings/rerank.js";
import type { MemoryEventStore } from "../store/memory-events.js";
import { passageHash } from "../store/passages.js";
import { originFields, passageValue, type ChangeOrigin } from "./history-event.js";

/** What archival memory needs of the vector index (embeddings/vector-index.ts). */
export interface VectorIndexLike {
  add(id: number, v: Float32Array): void;
  remove(id: number): boolean;
  readonly size: number;
  /**
   * A Set filter (ids allowed by tags or dates) lets the index scan only those. `shortlist`: return that
   * many hits (≥ k) for the caller to re-score; the candidate pool stays sized for k.
   */
  search(query: Float32Array, k: number, filter?: ((id: number) => boolean) | ReadonlySet<number>, opts?: { shortlist?: number }): { id: number; score: number }[];
  /** Lets go of what it holds open (a saved file it reads rows from). */
  close?(): void;
}

export interface ArchivalDeps {
  passages: PassageStore;
  agentId: string;
  /** Resolves to null when no embedding model can be had: search is then lexical only. */
  getEmbedder: () => Promise<Embedder | null>;
  /** `capacity`: how many vectors are about to be loaded, so the index allocates once. */
  createIndex: (dim: number, capacity?: number) => VectorIndexLike;
  encode: (v: Float32Array) => Buffer;
  decode: (b: Buffer) => Float32Array;
  /** Where inserts and deletes are recorded, in their own transaction; absent: not recorded. */
  events?: MemoryEventStore;
  /** Where the vector index is saved between processes (beside the database); absent: rebuilt per process. */
  indexFile?: {
    load(expect: { agentId: string; model: string; mutations: number }, rowsThrough: (maxId: number) => number): { index: VectorIndexLike; maxId: number } | null;
    save(index: VectorIndexLike, key: { agentId: string; model: string; mutations: number; maxId: number }): void;
  };
}

/** Rows added on top of a loaded file before it is worth writing again (a write at 100k is ~150 MB). */
const RESAVE_MIN_ROWS = 1000;
const RESAVE_SHARE = 0.1;

const REEMBED_BATCH = 256;

/**
 * Archival memory: passages searched by hybrid retrieval (vector + BM25, fused by rank).
 * The vector index lives in memory and is kept in step with the table, including writes
 * made by another letta-code process on the same project.
 */
export class AgentArchivalMemory implements ArchivalMemory {
  private index: VectorIndexLike | null = null;
  private indexModel = "";
  private seenMaxId = 0;
  private syncedVersion = -1;
  /** Rows the saved file holds (-1: no valid file), and whether the in-memory index has diverged from it. */
  private fileRows = -1;
  private fileDiverged = false;
  private saveFailed = false;
  private frequencies = new DocFrequencyCache();

  constructor(private deps: ArchivalDeps) {}

  async insert(text: string, opts: { tags?: string[]; createdAt?: string } = {}, origin?: ChangeOrigin) {
    const chunks = chunkText(text);
    if (chunks.length === 0) throw new Error("Nothing to store: the passage is empty.");
    const tags = normaliseTags(opts.tags);
    const createdAt = opts.createdAt ? new Date(opts.createdAt).toISOString() : new Date().toISOString();
    const results = await this.store(chunks, tags, createdAt, origin);
    const stored = new Set(results.filter((r) => !r.duplicate).map((r) => r.id));
    const ids = [...new Set(results.map((r) => r.id))];
    return {
      ids,
      stored: [...stored],
      alreadyStored: ids.filter((id) => !stored.has(id)),
      pieces: chunks.length,
      duplicate: stored.size === 0,
    } satisfies InsertResult;
  }

  /** Store one passage exactly as it was (text, tags, date), e.g. to undo its deletion. */
  async restore(p: { text: string; tags: string[]; createdAt: string }, origin?: ChangeOrigin): Promise<number> {
    const [r] = await this.store([p.text], p.tags, p.createdAt, origin);
    return r.id;
  }

  /** The local id of a passage by its identity across databases (the hash in its history events). */
  idOf(passageId: string): number | undefined {
    return this.deps.passages.idByHash(this.deps.agentId, passageId);
  }

  private async store(chunks: string[], tags: string[], createdAt: string, origin?: ChangeOrigin) {
    const embedder = await this.deps.getEmbedder();
    const vectors = embedder ? await embedder.embed(chunks) : [];
    const { passages, agentId, events } = this.deps;
    const results = passages.transaction(() =>
      chunks.map((chunk, i) => {
        const r = passages.insert(agentId, {
          text: chunk,
          tags,
          createdAt,
          embedding: vectors[i] ? this.deps.encode(vectors[i]) : undefined,
          embeddingModel: embedder?.modelId,
        });
        if (!r.duplicate) {
          events?.record(agentId, {
            kind: "passage",
            label: null,
            passage_id: passageHash(chunk),
            before: null,
            after: passageValue({ text: chunk, tags, createdAt }),
            ...originFields("insert", origin),
          });
        }
        return r;
      }),
    );
    if (embedder && this.index && this.indexModel === embedder.modelId) {
      this.changeIndex((index) =>
        results.forEach((r, i) => {
          if (!r.duplicate) index.add(r.id, vectors[i]);
          this.seenMaxId = Math.max(this.seenMaxId, r.id);
        }),
      );
    }
    return results;
  }

  async search(query: string, opts: PassageSearchOptions = {}): Promise<Passage[]> {
    const limit = Math.max(1, Math.min(opts.topK ?? 10, 100));
    const offset = Math.max(0, opts.offset ?? 0);
    const filter: PassageFilter = { tags: normaliseTags(opts.tags), from: opts.from, to: opts.to };
    const { passages, agentId } = this.deps;
    const total = passages.maxId();
    // A tag filter's ids are read once (and kept by the store until a write) and serve every side:
    // lexical hits and neighbours are checked against them in memory, the vector index scans only them.
    // Dates alone keep SQL checks: a wide date range is a large set, not worth building for a few ids.
    const tagged = (f: PassageFilter) => (f.tags?.length ? passages.filteredIds(agentId, f) : null);
    const source: SearchSource<PassageFilter, Passage> = {
      lexical: (match, f, n) => {
        const ids = tagged(f);
        return ids ? passages.lexicalAmong(agentId, match, f, ids, n) : passages.lexicalMatch(agentId, match, f, n);
      },
      docFrequency: (word) => this.frequencies.get(word, total, (match) => passages.docFrequency(match)),
      total: () => total,
      neighbours: (ids) => passages.neighbours(agentId, ids),
      allowed: (ids, f) => {
        const set = tagged(f);
        return set ? new Set(ids.filter((id) => set.has(id))) : passages.allowed(agentId, ids, f);
      },
      get: (ids) => passages.getMany(agentId, ids),
      vector: async (text, f, k) => {
        const embedder = await this.deps.getEmbedder();
        if (!embedder) return null;
        const index = await this.syncIndex(embedder);
        const allowed = passages.filteredIds(agentId, f);
        const [qv] = await embedder.embed([text]);
        const shortlist = await this.searchIndex(index, embedder, qv, k, allowed);
        const stored = passages.embeddingsOf(agentId, embedder.modelId, shortlist.map((h) => h.id));
        const vectors = new Map([...stored].map(([id, b]) => [id, this.deps.decode(b)]));
        return rerankExact(shortlist, qv, k, vectors);
      },
    };
    return retrieve(source, query, { filter, limit, offset, now: opts.now ? new Date(opts.now) : undefined });
  }

  /** A short vector list is enough for fusion, and keeps the index on its fast quantised path. */
  private async searchIndex(index: VectorIndexLike, embedder: Embedder, qv: Float32Array, k: number, allowed: ReadonlySet<number> | null) {
    const opts = { shortlist: k * RERANK_SHORTLIST };
    try {
      return index.search(qv, k, allowed ?? undefined, opts);
    } catch (err) {
      if (!(err instanceof IndexFileCorrupt)) throw err;
      // A saved row failed its check: forget the file's index and build one from the table.
      this.dropIndex();
      return (await this.syncIndex(embedder, { ignoreFile: true })).search(qv, k, allowed ?? undefined, opts);
    }
  }

  list(opts?: { limit?: number; offset?: number; tags?: string[] }): Passage[] {
    return this.deps.passages.list(this.deps.agentId, opts);
  }

  delete(id: number, origin?: ChangeOrigin): boolean {
    const { passages, agentId, events } = this.deps;
    const removed = passages.transaction(() => {
      const before = events && passages.get(agentId, id);
      const gone = passages.delete(agentId, id);
      if (gone && before) {
        events.record(agentId, {
          kind: "passage",
          label: null,
          passage_id: passageHash(before.text),
          before: passageValue(before),
          after: null,
          ...originFields("delete", origin),
        });
      }
      return gone;
    });
    if (removed) this.changeIndex((index) => index.remove(id) && (this.fileDiverged = true));
    return removed;
  }

  count(): number {
    return this.deps.passages.count(this.deps.agentId);
  }

  /**
   * Bring the in-memory index up to date: (re-)embed passages stored without a vector or with
   * another model's, load what other processes added, rebuild if something was deleted elsewhere.
   */
  private async syncIndex(embedder: Embedder, opts: { ignoreFile?: boolean } = {}): Promise<VectorIndexLike> {
    const { passages, agentId } = this.deps;
    const version = passages.dataVersion();
    if (this.index && this.indexModel === embedder.modelId && version === this.syncedVersion) return this.index;
    // Counting from an index first: looking for rows without a vector reads every row (~0.5 s at 100k).
    const all = passages.fingerprint(agentId).count;
    for (;;) {
      if (passages.embeddedThrough(agentId, embedder.modelId, Number.MAX_SAFE_INTEGER) >= all) break;
      const pending = passages.needingEmbedding(agentId, embedder.modelId, REEMBED_BATCH);
      if (pending.length === 0) break;
      const vectors = await embedder.embed(pending.map((p) => p.text));
      passages.transaction(() => pending.forEach((p, i) => passages.setEmbedding(p.id, this.deps.encode(vectors[i]), embedder.modelId)));
    }
    // Read before the rows: a delete racing with the build leaves a file that names the older count, so it is not trusted.
    const mutations = passages.mutations(agentId);
    const fp = passages.fingerprint(agentId);
    // Another model's vectors, or a shrunken table (another process deleted rows): rebuild rather than patch.
    const stale = !this.index || this.indexModel !== embedder.modelId || fp.maxId < this.seenMaxId || this.index.size > fp.count;
    if (stale) {
      this.index?.close?.();
      const saved = opts.ignoreFile ? null : this.deps.indexFile?.load({ agentId, model: embedder.modelId, mutations }, (maxId) =>
        passages.embeddedThrough(agentId, embedder.modelId, maxId),
      );
      if (saved && saved.index.size <= fp.count) {
        this.index = saved.index;
        this.seenMaxId = saved.maxId;
        this.fileRows = saved.index.size;
      } else {
        this.index = this.deps.createIndex(embedder.dim, fp.count);
        this.seenMaxId = 0;
        this.fileRows = -1;
      }
      this.fileDiverged = false;
      this.indexModel = embedder.modelId;
    }
    if (fp.maxId > this.seenMaxId) {
      const after = this.seenMaxId;
      this.changeIndex((index) => {
        for (const row of passages.embeddings(agentId, embedder.modelId, after)) index.add(row.id, this.deps.decode(row.embedding));
      });
      this.seenMaxId = fp.maxId;
    }
    this.saveIfWorthIt(agentId, embedder.modelId, mutations);
    // Adding to or saving a loaded file's index may read its rows: one that failed its check dropped it.
    if (!this.index) return this.syncIndex(embedder, { ignoreFile: true });
    this.syncedVersion = version;
    return this.index;
  }

  /**
   * A change to the index beside a write that has already been committed: a loaded file's row that fails
   * its check while the change reads it must not fail the write, so the index is dropped (the next
   * search rebuilds it and saves a whole file again).
   */
  private changeIndex(change: (index: VectorIndexLike) => void): void {
    if (!this.index) return;
    try {
      change(this.index);
    } catch (err) {
      if (!(err instanceof IndexFileCorrupt)) throw err;
      this.dropIndex();
    }
  }

  noticeWrites(): void {
    this.syncedVersion = -1;
  }

  private dropIndex(): void {
    this.index?.close?.();
    this.index = null;
    this.syncedVersion = -1;
  }

  /** After a rebuild, a delete, or enough new rows on top of the loaded file: write it again. */
  private saveIfWorthIt(agentId: string, model: string, mutations: number): void {
    const file = this.deps.indexFile;
    const index = this.index;
    if (!file || !index || this.saveFailed || index.size === 0) return;
    const added = index.size - Math.max(0, this.fileRows);
    const worth = this.fileRows < 0 || this.fileDiverged || added >= Math.max(RESAVE_MIN_ROWS, RESAVE_SHARE * this.fileRows);
    if (!worth) return;
    try {
      file.save(index, { agentId, model, mutations, maxId: this.seenMaxId });
      this.fileRows = index.size;
      this.fileDiverged = false;
    } catch (err) {
      if (err instanceof IndexFileCorrupt) return this.dropIndex();
      // A read-only .letta/ or a full disk: the index still works in memory, the next process rebuilds it.
      this.saveFailed = true;
    }
  }
}

function normaliseTags(tags?: string[]): string[] {
  return [...new Set((tags ?? []).map((t) => t.trim().toLowerCase()).filter(Boolean))];
}
