import { assemble, type Code, ensureBytes, get, i32, i32c, instantiate, mem, op, set, tee, VOID, whileNot } from "./wasm-assembler.js";

/**
 * The index's sign codes, the Hamming scan over them and the choice of candidates by distance. A new
 * process's first search ran these loops in not-yet-optimised JavaScript (~14 ms over 100k codes against
 * ~5 ms warm); WebAssembly is compiled before its first call, so the codes live in a WebAssembly memory
 * and a small module scans them. Where WebAssembly cannot run (node --jitless, a refused memory), the same
 * loops run in JavaScript.
 *
 * Memory layout: the codes from offset 0 (kept across growth: memory.grow keeps the bytes), then scratch
 * space for the query code, the histogram, the distances and the chosen rows, which each scan rewrites.
 */

/**
 * scan(codes, q, count, dist, hist): for each row, d = Σ popcnt(code ^ q); dist[row] = d (u16) and
 * hist[d] += 1 (u32). The sum is unrolled for the code's length, 64 bits at a time: a first scan runs
 * baseline-compiled code, where a loop over the words cost twice as long.
 * gather(codes, q, slots, n, dist, hist): the same over the n rows listed at slots (u32), dist[i] for the i-th.
 */
function scanBody(words: number, gather: boolean): Code {
  const [CODES, Q, SLOTS, COUNT, DIST, HIST, S, D, B] = gather ? [0, 1, 2, 3, 4, 5, 6, 7, 8] : [0, 1, -1, 2, 3, 4, 5, 6, 7];
  const distance: Code[] = [];
  const term = (at: number, load: number, xor: number, popcnt: Code) =>
    distance.push([get(B), mem(load, 2, at), get(Q), mem(load, 2, at), xor, popcnt, at > 0 ? op.i32_add : []]);
  for (let w = 0; w + 1 < words; w += 2) term(w * 4, op.i64_load, op.i64_xor, [op.i64_popcnt, op.i32_wrap_i64]);
  if (words % 2) term((words - 1) * 4, op.i32_load, op.i32_xor, [op.i32_popcnt]);
  const histSlot = [get(HIST), get(D), i32c(2), op.i32_shl, op.i32_add];
  // Where row s's code starts: the next one along, or the listed row's.
  const row = gather
    ? [get(CODES), get(SLOTS), get(S), i32c(2), op.i32_shl, op.i32_add, mem(op.i32_load, 2), i32c(words * 4), op.i32_mul, op.i32_add, set(B)]
    : [];
  const next = gather ? [] : [get(B), i32c(words * 4), op.i32_add, set(B)];
  return [
    gather ? [] : [get(CODES), set(B)],
    whileNot([get(S), get(COUNT), op.i32_ge_u], [
      row,
      distance, set(D),
      get(DIST), get(S), i32c(1), op.i32_shl, op.i32_add, get(D), mem(op.i32_store16, 1),
      histSlot, histSlot, mem(op.i32_load, 2), i32c(1), op.i32_add, mem(op.i32_store, 2),
      next,
      get(S), i32c(1), op.i32_add, set(S),
    ]),
  ];
}

/** select(dist, count, radius, ties, out) -> n: what `countingSelect` does, the rows' numbers written to out (u32). */
function selectBody(): Code {
  const [DIST, COUNT, RADIUS, TIES, OUT, S, D, N] = [0, 1, 2, 3, 4, 5, 6, 7];
  const take = [get(OUT), get(N), i32c(2), op.i32_shl, op.i32_add, get(S), mem(op.i32_store, 2), get(N), i32c(1), op.i32_add, set(N)];
  return [
    whileNot([get(S), get(COUNT), op.i32_ge_u], [
      get(DIST), get(S), i32c(1), op.i32_shl, op.i32_add, mem(op.i32_load16_u, 1), tee(D),
      get(RADIUS), op.i32_lt_u,
      op.if, VOID, take,
      op.else, get(D), get(RADIUS), op.i32_eq, get(TIES), i32c(0), op.i32_gt_s, op.i32_and,
      op.if, VOID, take, get(TIES), i32c(1), op.i32_sub, set(TIES), op.end,
      op.end,
      get(S), i32c(1), op.i32_add, set(S),
    ]),
    get(N),
  ];
}

/** One compiled module per code length (in practice one per process). */
const modules = new Map<number, { module?: WebAssembly.Module | null }>();

type Scan = (codes: number, q: number, count: number, dist: number, hist: number) => void;
type Gather = (codes: number, q: number, slots: number, n: number, dist: number, hist: number) => void;
type Select = (dist: number, count: number, radius: number, ties: number, out: number) => number;

/**
 * The rows whose distance is below the radius that admits `want` of them, then rows at that radius in row
 * order until `want` are taken. `dist`: a distance per row; `hist`: how many rows have each distance.
 */
export function countingSelect(dist: Uint16Array, hist: Uint32Array, count: number, want: number): number[] {
  const { radius, ties } = radiusFor(hist, want);
  let tiesLeft = ties;
  const out: number[] = [];
  for (let s = 0; s < count; s++) {
    const d = dist[s];
    if (d > radius) continue;
    if (d === radius) {
      if (tiesLeft <= 0) continue;
      tiesLeft--;
    }
    out.push(s);
  }
  return out;
}

/** The distance that admits `want` rows, and how many rows at it are still wanted. */
function radiusFor(hist: Uint32Array, want: number): { radius: number; ties: number } {
  let radius = 0;
  let below = 0;
  while (radius < hist.length - 1 && below + hist[radius] < want) below += hist[radius++];
  return { radius, ties: want - below };
}

export class CodeStore {
  codes: Uint32Array;
  private memory: WebAssembly.Memory | null = null;
  private scanFn: Scan | null = null;
  private selectFn: Select | null = null;
  private gatherFn: Gather | null = null;
  private capacity: number;
  private readonly wasm: boolean | undefined;

  /**
   * `wasm`: true moves the codes into WebAssembly memory now (a saved file's codes are read straight
   * there), false never; unset, at the first scan (small indexes are scanned exactly and never need it).
   */
  constructor(
    readonly words: number,
    capacity: number,
    opts: { wasm?: boolean } = {},
  ) {
    this.capacity = capacity;
    this.wasm = opts.wasm;
    this.codes = new Uint32Array(opts.wasm ? 0 : capacity * words);
    if (opts.wasm) this.upgrade(0);
    if (this.codes.length < capacity * words) this.codes = new Uint32Array(capacity * words); // refused
  }

  /** Whether the scan runs as WebAssembly (false: the JavaScript fallback). */
  get native(): boolean {
    return this.scanFn !== null;
  }

  get byteLength(): number {
    return this.memory ? this.memory.buffer.byteLength : this.codes.byteLength;
  }

  /** Room for `capacity` rows, keeping the first `used` words of codes. */
  grow(capacity: number, used: number): void {
    if (capacity <= this.capacity) return;
    this.capacity = capacity;
    if (this.memory) {
      // memory.grow keeps every byte: the codes written so far stay where they are.
      if (!this.reserve(capacity)) this.downgrade(used);
      return;
    }
    const codes = new Uint32Array(capacity * this.words);
    codes.set(this.codes.subarray(0, used));
    this.codes = codes;
  }

  /** Into WebAssembly memory, keeping the first `used` words; stays in JavaScript if that cannot be had. */
  private upgrade(used: number): void {
    if (this.wasm === false) return;
    const words = this.words;
    let cache = modules.get(words);
    if (!cache) modules.set(words, (cache = {}));
    const made = instantiate(
      () =>
        assemble([
          { name: "scan", params: [i32, i32, i32, i32, i32], results: [], locals: [i32, i32, i32], body: scanBody(words, false) },
          { name: "gather", params: [i32, i32, i32, i32, i32, i32], results: [], locals: [i32, i32, i32], body: scanBody(words, true) },
          { name: "select", params: [i32, i32, i32, i32, i32], results: [i32], locals: [i32, i32, i32], body: selectBody() },
        ]),
      cache,
    );
    if (!made) return;
    const old = this.codes;
    this.memory = made.memory;
    if (!this.reserve(this.capacity)) {
      this.memory = null;
      this.codes = old;
      return;
    }
    this.scanFn = made.exports.scan as Scan;
    this.selectFn = made.exports.select as Select;
    this.gatherFn = made.exports.gather as Gather;
    this.codes.set(old.subarray(0, used));
  }

  private downgrade(used: number): void {
    const codes = new Uint32Array(this.capacity * this.words);
    codes.set(this.codes.subarray(0, used));
    this.codes = codes;
    this.memory = null;
    this.scanFn = null;
    this.selectFn = null;
    this.gatherFn = null;
  }

  /** Distances from `q` to rows [0, count), and their histogram (indexed by distance, up to `bits`). */
  scan(q: Uint32Array, count: number, bits: number): { dist: Uint16Array; hist: Uint32Array } {
    return this.distances(q, count, bits, null);
  }

  /** The `want` rows nearest to `q` by Hamming distance among rows [0, count), in row order (see countingSelect). */
  nearest(q: Uint32Array, count: number, bits: number, want: number): Uint32Array | number[] {
    return this.choose(q, count, bits, want, null);
  }

  /** The same among the listed rows: positions in `slots` of the `want` nearest, in list order. */
  nearestAmong(q: Uint32Array, slots: Uint32Array, bits: number, want: number): Uint32Array | number[] {
    return this.choose(q, slots.length, bits, want, slots);
  }

  private choose(q: Uint32Array, count: number, bits: number, want: number, slots: Uint32Array | null): Uint32Array | number[] {
    const { dist, hist } = this.distances(q, count, bits, slots);
    const at = this.memory && this.selectFn && this.scratch(count, bits);
    if (!at) return countingSelect(dist, hist, count, want);
    const { radius, ties } = radiusFor(hist, want);
    const n = this.selectFn!(at.dist, count, radius, ties, at.out);
    return new Uint32Array(this.memory!.buffer, at.out, n);
  }

  /** Distances to rows [0, count), or to the listed rows when `slots` is given (dist[i] for slots[i]). */
  private distances(q: Uint32Array, count: number, bits: number, slots: Uint32Array | null): { dist: Uint16Array; hist: Uint32Array } {
    const { words } = this;
    if (!this.memory && this.wasm !== false) this.upgrade(this.capacity * words);
    const at = this.memory && this.scratch(count, bits);
    if (!at || !this.scanFn || !this.gatherFn) {
      const dist = new Uint16Array(count);
      const hist = new Uint32Array(bits + 2);
      const codes = this.codes;
      for (let i = 0; i < count; i++) {
        const b = (slots ? slots[i] : i) * words;
        let d = 0;
        for (let w = 0; w < words; w++) d += popcount32(codes[b + w] ^ q[w]);
        dist[i] = d;
        hist[d]++;
      }
      return { dist, hist };
    }
    const buffer = this.memory!.buffer;
    new Uint32Array(buffer, at.q, words).set(q);
    const hist = new Uint32Array(buffer, at.hist, bits + 2);
    hist.fill(0);
    if (slots) {
      new Uint32Array(buffer, at.slots, count).set(slots);
      this.gatherFn(0, at.q, at.slots, count, at.dist, at.hist);
    } else this.scanFn(0, at.q, count, at.dist, at.hist);
    return { dist: new Uint16Array(buffer, at.dist, count), hist };
  }

  /** Where a scan's scratch lives, after the codes (null when the memory cannot grow to hold it). */
  private scratch(count: number, bits: number): { q: number; hist: number; dist: number; out: number; slots: number } | null {
    const q = this.capacity * this.words * 4;
    const hist = q + this.words * 4;
    const dist = hist + (bits + 2) * 4;
    const out = dist + ((count * 2 + 3) & ~3);
    const slots = out + count * 4;
    if (!this.ensure(slots + count * 4)) return null;
    return { q, hist, dist, out, slots };
  }

  private reserve(capacity: number): boolean {
    // Codes, plus scratch for a scan over every row (query, histogram of up to 32·words + 2, distances, chosen rows).
    return this.ensure(capacity * this.words * 4 + this.words * 4 + (this.words * 32 + 2) * 4 + capacity * 6 + 4);
  }

  private ensure(bytes: number): boolean {
    const memory = this.memory!;
    if (!ensureBytes(memory, bytes)) return false;
    // A grown memory detaches the old buffer, and a grown store needs a longer view.
    if (this.codes.buffer !== memory.buffer || this.codes.length !== this.capacity * this.words) this.codes = new Uint32Array(memory.buffer, 0, this.capacity * this.words);
    return true;
  }
}

export function popcount32(x: number): number {
  x = (x - ((x >>> 1) & 0x55555555)) | 0;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
