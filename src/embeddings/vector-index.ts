import { CodeStore, countingSelect } from "./code-store.js";
import { ByteRows, type FileRows } from "./vector-rows.js";

/**
 * In-memory cosine index over passage embeddings, kept in step with the passages table.
 *
 * Why not sqlite-vec: its KNN is brute force (~65 ms at 100k x 384 here). Instead each vector
 * also gets a 1-bit-per-dimension sign code; a query Hamming-scans the codes (12 words per
 * vector at 384-d), keeps the closest few thousand, and re-ranks those by exact cosine.
 * On clustered data (what sentence embeddings look like) that keeps recall@10 around 0.95+
 * at a fraction of the exact cost. Small indexes are scanned exactly: it is cheaper there.
 * Vectors are kept as one byte per dimension (vector-rows.ts); an index loaded from its saved file
 * reads the rows it re-ranks from the file until something changes its shape.
 */

export interface SearchHit {
  id: number;
  score: number;
}

export type IdFilter = (id: number) => boolean;

/** The state a saved file holds (see index-file.ts): the rows travel as bytes, one per dimension. */
export interface VectorIndexParts {
  dim: number;
  count: number;
  minCandidates: number;
  centerBasis: number;
  ids: Float64Array;
  center: Float32Array;
  codes: Uint32Array;
}

export interface SearchOptions {
  /** Return this many hits (more than k) by the index's own scores, for the caller to re-score exactly. */
  shortlist?: number;
}

export interface VectorIndexOptions {
  /** Slots to allocate up front (avoids regrowth when the row count is known). */
  initialCapacity?: number;
  /** Minimum candidates re-ranked exactly after the Hamming scan. */
  minCandidates?: number;
  /** false: scan the codes in JavaScript even where WebAssembly runs (tests compare the two). */
  wasm?: boolean;
}

const EXCLUDED = 0xffff;

/** Keeps the k best (id, score) pairs in a min-heap so the worst is evicted in O(log k). */
class TopK {
  private readonly scores: Float64Array;
  private readonly ids: Float64Array;
  size = 0;
  constructor(private readonly k: number) {
    this.scores = new Float64Array(k);
    this.ids = new Float64Array(k);
  }
  /** The score a newcomer must beat once the heap is full. */
  get floor(): number {
    return this.size < this.k ? -Infinity : this.scores[0];
  }
  push(id: number, score: number): void {
    const { scores, ids } = this;
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (scores[p] <= score) break;
        scores[i] = scores[p];
        ids[i] = ids[p];
        i = p;
      }
      scores[i] = score;
      ids[i] = id;
      return;
    }
    if (score <= scores[0]) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.size) break;
      const r = l + 1;
      const c = r < this.size && scores[r] < scores[l] ? r : l;
      if (scores[c] >= score) break;
      scores[i] = scores[c];
      ids[i] = ids[c];
      i = c;
    }
    scores[i] = score;
    ids[i] = id;
  }
  sorted(): SearchHit[] {
    const out: SearchHit[] = [];
    for (let i = 0; i < this.size; i++) out.push({ id: this.ids[i], score: this.scores[i] });
    return out.sort((a, b) => b.score - a.score || a.id - b.id);
  }
}

export class VectorIndex {
  readonly dim: number;
  private readonly words: number;
  private readonly minCandidates: number;
  private capacity: number;
  private count = 0;
  private rows: ByteRows;
  /** Rows of the saved file this index was loaded from: slots below `fileCount` are read from it. */
  private file: FileRows | null = null;
  private fileCount = 0;
  private codeStore: CodeStore;
  private slotIds: Float64Array;
  /** Built on first need: a loaded index answers plain searches without it (100k map entries are ~10 ms). */
  private slotMap: Map<number, number> | null = new Map();
  /** Highest id ever added: a larger one is new without consulting the map. */
  private topId = -Infinity;
  /** Sign codes are taken relative to a data mean, so a shared offset in all vectors does not flatten every code. */
  private center: Float32Array;
  /** Row count when the centre was taken; 0 means no codes exist yet. */
  private centerBasis = 0;
  private readonly unit: Float32Array;
  private readonly diff: Float32Array;
  private readonly diffBits: Uint32Array;
  /** Bumped whenever an id gains, loses or changes its slot: kept slot lists older than it are stale. */
  private layout = 0;
  private keptSlots = new WeakMap<ReadonlySet<number>, { layout: number; slots: Uint32Array }>();

  constructor(dim: number, options: VectorIndexOptions = {}) {
    if (!Number.isInteger(dim) || dim <= 0 || dim > 0xfff0) throw new RangeError(`invalid dimension ${dim}`);
    this.dim = dim;
    this.words = Math.ceil(dim / 32);
    this.minCandidates = Math.max(1, options.minCandidates ?? 2000);
    this.capacity = Math.max(16, options.initialCapacity ?? 1024);
    this.rows = new ByteRows(dim, this.capacity);
    this.codeStore = new CodeStore(this.words, this.capacity, { wasm: options.wasm });
    this.slotIds = new Float64Array(this.capacity);
    this.center = new Float32Array(dim);
    this.unit = new Float32Array(dim);
    this.diff = new Float32Array(dim);
    this.diffBits = new Uint32Array(this.diff.buffer);
  }

  get size(): number {
    return this.count;
  }

  private get codes(): Uint32Array {
    return this.codeStore.codes;
  }

  /** The index's state for saving (views, not copies); `row(slot)` gives each stored row. */
  toParts(): VectorIndexParts & { row: (slot: number) => { scale: number; row: Int8Array } } {
    this.materialise();
    // Codes are otherwise taken on the first search of a large index: a loaded one must not have to.
    if (this.count > 0) this.ensureCodes();
    const { dim, count, words } = this;
    return {
      dim,
      count,
      minCandidates: this.minCandidates,
      centerBasis: this.centerBasis,
      ids: this.slotIds.subarray(0, count),
      center: this.center,
      codes: this.codes.subarray(0, count * words),
      row: (slot) => this.rows.raw(slot),
    };
  }

  /**
   * An index over a saved file's parts, reading its rows from `file`; the arrays are used as they are.
   * `topId`: no id in the file is above it (the file's header says; an id above it is known to be new).
   */
  static fromFile(p: Omit<VectorIndexParts, "codes">, codes: CodeStore, file: FileRows, topId: number): VectorIndex {
    if (p.ids.length !== p.count || codes.codes.length < p.count * codes.words || p.center.length !== p.dim || file.dim !== p.dim)
      throw new RangeError("vector index parts do not fit together");
    const index = new VectorIndex(p.dim, { initialCapacity: 16, minCandidates: p.minCandidates });
    if (codes.words !== index.words) throw new RangeError("vector index parts do not fit together");
    index.capacity = p.count;
    index.count = p.count;
    index.slotIds = p.ids;
    index.codeStore = codes;
    index.center = p.center;
    index.centerBasis = p.centerBasis;
    index.file = file;
    index.fileCount = p.count;
    // Only rows added from now on live in memory.
    index.rows = new ByteRows(p.dim, 0, p.count);
    index.slotMap = null;
    index.topId = topId;
    return index;
  }

  /** Where a saved file's codes are read to: the store the index will scan them in. */
  static codeStoreFor(dim: number, count: number): CodeStore {
    return new CodeStore(Math.ceil(dim / 32), count, { wasm: true });
  }

  /** Bytes held by the typed arrays (capacity, not just live rows); the id map is extra. */
  get memoryBytes(): number {
    return this.rows.byteLength + this.codeStore.byteLength + this.slotIds.byteLength;
  }

  /** Lets go of the saved file, if the index reads from one. */
  close(): void {
    this.file?.close();
  }

  private get slotOf(): Map<number, number> {
    if (!this.slotMap) {
      const map = new Map<number, number>();
      for (let s = 0; s < this.count; s++) map.set(this.slotIds[s], s);
      if (map.size !== this.count) throw new RangeError("vector index repeats an id");
      this.slotMap = map;
    }
    return this.slotMap;
  }

  has(id: number): boolean {
    return this.slotOf.has(id);
  }

  /** Adds or replaces the vector for `id`. The stored copy is normalised, so scores are cosines. */
  add(id: number, v: Float32Array): void {
    if (v.length !== this.dim) throw new RangeError(`vector has ${v.length} dimensions, index has ${this.dim}`);
    let slot = id > this.topId ? undefined : this.slotOf.get(id);
    if (slot === undefined) {
      if (this.count === this.capacity) this.grow();
      slot = this.count++;
      this.layout++;
      this.slotMap?.set(id, slot);
      this.slotIds[slot] = id;
      this.topId = Math.max(this.topId, id);
    } else if (slot < this.fileCount) {
      this.materialise();
    }
    const { dim, unit } = this;
    let norm = 0;
    for (let i = 0; i < dim; i++) norm += v[i] * v[i];
    const inv = norm > 0 && Number.isFinite(norm) ? 1 / Math.sqrt(norm) : 0;
    for (let i = 0; i < dim; i++) unit[i] = v[i] * inv;
    this.rows.set(slot, unit);
    if (this.centerBasis > 0) this.writeCode(unit, 0, this.codes, slot * this.words);
  }

  remove(id: number): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    this.materialise();
    this.slotOf.delete(id);
    this.layout++;
    const last = --this.count;
    if (slot !== last) {
      // Swap-remove keeps storage dense, so scans never skip holes.
      const movedId = this.slotIds[last];
      this.rows.move(last, slot);
      this.codes.copyWithin(slot * this.words, last * this.words, (last + 1) * this.words);
      this.slotIds[slot] = movedId;
      this.slotOf.set(movedId, slot);
    }
    return true;
  }

  clear(): void {
    this.layout++;
    this.close();
    this.file = null;
    this.fileCount = 0;
    this.slotMap = new Map();
    this.topId = -Infinity;
    this.count = 0;
    this.centerBasis = 0;
  }

  /** Approximate top-k by cosine (exact when the index or the filtered set is small). */
  search(query: Float32Array, k: number, filter?: IdFilter | ReadonlySet<number>, opts: SearchOptions = {}): SearchHit[] {
    const hits = this.searchOnce(query, k, filter, opts.shortlist ?? k);
    this.settle();
    return hits;
  }

  /** `k` sizes the candidate pool; `size` (≥ k) is how many hits come back. */
  private searchOnce(query: Float32Array, k: number, filter: IdFilter | ReadonlySet<number> | undefined, size: number): SearchHit[] {
    const q = this.prepareQuery(query, k);
    if (!q) return [];
    const candidates = this.candidateCount(k);
    k = Math.max(k, size);
    if (filter && typeof filter !== "function") return this.searchAmong(q, k, filter, candidates);
    if (this.count <= candidates * 2) return this.scanExact(q, k, filter);
    this.ensureCodes();

    const { words, slotIds } = this;
    const qc = this.codeOf(q);
    let chosen: ArrayLike<number>;
    if (!filter) {
      chosen = this.codeStore.nearest(qc, this.count, words * 32, candidates);
    } else {
      // Rows the filter refuses are taken out of the scan's distances, beyond any radius.
      const { dist, hist } = this.codeStore.scan(qc, this.count, words * 32);
      for (let s = 0; s < this.count; s++) {
        if (filter(slotIds[s])) continue;
        hist[dist[s]]--;
        dist[s] = EXCLUDED;
      }
      chosen = countingSelect(dist, hist, this.count, candidates);
    }
    if (chosen.length === 0) return [];
    const scores = this.scores(q, chosen);
    const top = new TopK(Math.min(k, chosen.length));
    for (let i = 0; i < chosen.length; i++) top.push(slotIds[chosen[i]], scores[i]);
    return top.sorted();
  }

  /**
   * Search restricted to a set of ids (a tag filter): only their slots are scanned, so a filtered search
   * costs no more than an unfiltered one, and one over a small set is exact.
   */
  private searchAmong(q: Float32Array, k: number, allowed: ReadonlySet<number>, candidates: number): SearchHit[] {
    const slots = this.slotsOf(allowed);
    if (slots.length === 0) return [];
    const top = new TopK(Math.min(k, slots.length));
    if (slots.length <= candidates * 2) {
      const scores = this.scores(q, slots);
      slots.forEach((s, i) => top.push(this.slotIds[s], scores[i]));
      return top.sorted();
    }
    this.ensureCodes();
    const near = this.codeStore.nearestAmong(this.codeOf(q), slots, this.words * 32, candidates);
    const picked = Uint32Array.from(near, (i) => slots[i]);
    const scores = this.scores(q, picked);
    picked.forEach((s, i) => top.push(this.slotIds[s], scores[i]));
    return top.sorted();
  }

  /**
   * The slots of a set of ids, in the set's order. A tag filter's set is kept by the store until a write and
   * never changed (a new one is made instead), so its slots are kept too, until this index adds or moves one:
   * looking 10k ids up in the id map on every filtered search cost more than the scan.
   */
  private slotsOf(allowed: ReadonlySet<number>): Uint32Array {
    const kept = this.keptSlots.get(allowed);
    if (kept && kept.layout === this.layout) return kept.slots;
    const slots: number[] = [];
    const slotOf = this.slotOf;
    for (const id of allowed) {
      const s = slotOf.get(id);
      if (s !== undefined) slots.push(s);
    }
    const out = Uint32Array.from(slots);
    this.keptSlots.set(allowed, { layout: this.layout, slots: out });
    return out;
  }

  /** Top-k over every stored vector: the reference the approximate search is measured against. */
  exactSearch(query: Float32Array, k: number, filter?: IdFilter): SearchHit[] {
    const q = this.prepareQuery(query, k);
    const hits = q ? this.scanExact(q, k, filter) : [];
    this.settle();
    return hits;
  }

  private scanExact(q: Float32Array, k: number, filter?: IdFilter): SearchHit[] {
    const top = new TopK(Math.min(k, this.count));
    for (let s = 0; s < this.count; s++) {
      const id = this.slotIds[s];
      if (filter && !filter(id)) continue;
      top.push(id, this.score(q, s));
    }
    return top.sorted();
  }

  /** More candidates for larger k and larger indexes; 2,000 measured enough at 100k (see bench). */
  private candidateCount(k: number): number {
    return Math.max(this.minCandidates, k * 100, Math.ceil(this.count / 50));
  }

  private prepareQuery(query: Float32Array, k: number): Float32Array | null {
    if (query.length !== this.dim) throw new RangeError(`query has ${query.length} dimensions, index has ${this.dim}`);
    if (!(k >= 1) || this.count === 0) return null;
    let norm = 0;
    for (let i = 0; i < this.dim; i++) norm += query[i] * query[i];
    if (!(norm > 0) || !Number.isFinite(norm)) return null;
    const inv = 1 / Math.sqrt(norm);
    const q = new Float32Array(this.dim);
    for (let i = 0; i < this.dim; i++) q[i] = query[i] * inv;
    return q;
  }

  /**
   * A row read on its own costs ~8 times its share of reading them all in blocks. Once a process has read
   * an eighth of the rows one by one, it keeps searching: reading them whole is then the cheaper way on
   * (a one-shot run stays light, a long session pays at most twice the best choice).
   */
  private settle(): void {
    if (this.file && this.file.reads * 8 >= this.fileCount) this.materialise();
  }

  /** The scores of many slots at once: a saved file's rows are then read and scored in one batch. */
  private scores(q: Float32Array, slots: ArrayLike<number>): Float64Array {
    const out = new Float64Array(slots.length);
    this.file?.scoreMany(q, slots, this.fileCount, out);
    for (let i = 0; i < slots.length; i++) if (slots[i] >= this.fileCount) out[i] = this.rows.score(q, slots[i]);
    return out;
  }

  private score(q: Float32Array, slot: number): number {
    return slot < this.fileCount ? this.file!.score(q, slot) : this.rows.score(q, slot);
  }

  /** Brings every row into memory and lets go of the file: before anything that moves or rewrites rows. */
  private materialise(): void {
    const file = this.file;
    if (!file) return;
    const rows = new ByteRows(this.dim, this.capacity);
    file.copyInto(rows, this.fileCount);
    for (let s = this.fileCount; s < this.count; s++) {
      const { scale, row } = this.rows.raw(s);
      rows.setRaw(s, scale, row);
    }
    file.close();
    this.rows = rows;
    this.file = null;
    this.fileCount = 0;
  }

  /** Re-centres when the data has doubled since the last centre, so the cost is amortised O(1) per add. */
  private ensureCodes(): void {
    if (this.centerBasis > 0 && this.count <= this.centerBasis * 2) return;
    this.materialise();
    const { dim, count, unit } = this;
    const sum = new Float64Array(dim);
    for (let s = 0; s < count; s++) {
      this.rows.decode(s, unit);
      for (let i = 0; i < dim; i++) sum[i] += unit[i];
    }
    for (let i = 0; i < dim; i++) this.center[i] = sum[i] / count;
    this.centerBasis = count;
    for (let s = 0; s < count; s++) {
      this.rows.decode(s, unit);
      this.writeCode(unit, 0, this.codes, s * this.words);
    }
  }

  private codeOf(v: Float32Array): Uint32Array {
    const code = new Uint32Array(this.words);
    this.writeCode(v, 0, code, 0);
    return code;
  }

  private writeCode(src: Float32Array, at: number, out: Uint32Array, outAt: number): void {
    const { center, dim, diff, diffBits } = this;
    for (let i = 0; i < dim; i++) diff[i] = src[at + i] - center[i];
    // Reading the float sign bit instead of comparing: random signs make a branch mispredict half the time.
    for (let w = 0, i = 0; w < this.words; w++) {
      let bits = 0;
      for (let b = 0; b < 32 && i < dim; b++, i++) bits |= (~diffBits[i] >>> 31) << b;
      out[outAt + w] = bits;
    }
  }

  /** Doubles the room held in memory (for a loaded index: the part beyond the file's rows). */
  private grow(): void {
    this.capacity += Math.max(1024, this.capacity - this.fileCount);
    this.rows.grow(this.capacity, this.count - this.fileCount);
    this.codeStore.grow(this.capacity, this.count * this.words);
    const ids = new Float64Array(this.capacity);
    ids.set(this.slotIds.subarray(0, this.count));
    this.slotIds = ids;
  }
}
