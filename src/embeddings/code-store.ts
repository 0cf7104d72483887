/**
 * The index's sign codes, and the Hamming scan over them. A new process's first search ran the scan in
 * not-yet-optimised JavaScript (~14 ms over 100k codes against ~5 ms warm); WebAssembly is compiled before
 * its first call, so the codes live in a WebAssembly memory and a tiny module scans them. Where WebAssembly
 * cannot run (node --jitless), the same scan runs in JavaScript.
 *
 * Memory layout: the codes from offset 0 (kept across growth: memory.grow keeps the bytes), then scratch
 * space for the query code, the histogram and the distances, which each scan rewrites.
 */
const PAGE = 65536;

// The compiler's libs here carry no WebAssembly types (they come with the DOM lib): the little used here.
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Memory {
    constructor(descriptor: { initial: number });
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
  class Instance {
    constructor(module: Module, imports: object);
    readonly exports: Record<string, unknown>;
  }
}

/**
 * scan(codes, q, words, count, dist, hist): for each row, d = Σ popcnt(code[w] ^ q[w]); dist[row] = d
 * (u16); hist[d] += 1 (u32). All arguments are byte offsets or counts. Hand-assembled (the module is 150
 * bytes); its text form, for reading:
 *   (func (param $codes $q $words $count $dist $hist i32) (local $s $w $d $b i32)
 *     b = codes; loop rows: if s >= count break; d = 0; w = 0
 *       loop words: if w >= words break; d += popcnt(load(b + 4w) ^ load(q + 4w)); w++
 *       store16(dist + 2s, d); store(hist + 4d, load(hist + 4d) + 1); b += 4·words; s++)
 */
function scanModule(): Uint8Array {
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  const c = (n: number) => [0x41, n];
  const [CODES, Q, WORDS, COUNT, DIST, HIST, S, W, D, B] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const ADD = 0x6a, SHL = 0x74, GE_U = 0x4f;
  const body = [
    0x01, 0x04, 0x7f, // four i32 locals
    ...get(CODES), ...set(B),
    0x02, 0x40, 0x03, 0x40, // block, loop (rows)
    ...get(S), ...get(COUNT), GE_U, 0x0d, 0x01,
    ...c(0), ...set(D), ...c(0), ...set(W),
    0x02, 0x40, 0x03, 0x40, // block, loop (words)
    ...get(W), ...get(WORDS), GE_U, 0x0d, 0x01,
    ...get(D),
    ...get(B), ...get(W), ...c(2), SHL, ADD, 0x28, 0x02, 0x00,
    ...get(Q), ...get(W), ...c(2), SHL, ADD, 0x28, 0x02, 0x00,
    0x73, 0x69, ADD, ...set(D), // xor, popcnt, add
    ...get(W), ...c(1), ADD, ...set(W),
    0x0c, 0x00, 0x0b, 0x0b, // br loop, end loop, end block
    ...get(DIST), ...get(S), ...c(1), SHL, ADD, ...get(D), 0x3b, 0x01, 0x00, // store16
    ...get(HIST), ...get(D), ...c(2), SHL, ADD,
    ...get(HIST), ...get(D), ...c(2), SHL, ADD, 0x28, 0x02, 0x00,
    ...c(1), ADD, 0x36, 0x02, 0x00, // hist[d] + 1, store
    ...get(B), ...get(WORDS), ...c(2), SHL, ADD, ...set(B),
    ...get(S), ...c(1), ADD, ...set(S),
    0x0c, 0x00, 0x0b, 0x0b, // br loop, end loop, end block
    0x0b, // end function
  ];
  const name = (s: string) => [s.length, ...Buffer.from(s)];
  const section = (id: number, bytes: number[]) => [id, ...leb(bytes.length), ...bytes];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [0x01, 0x60, 0x06, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x00]),
    ...section(2, [0x01, ...name("env"), ...name("mem"), 0x02, 0x00, 0x01]),
    ...section(3, [0x01, 0x00]),
    ...section(7, [0x01, ...name("scan"), 0x00, 0x00]),
    ...section(10, [0x01, ...leb(body.length), ...body]),
  ]);
}

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
}

type Scan = (codes: number, q: number, words: number, count: number, dist: number, hist: number) => void;

let compiled: WebAssembly.Module | null | undefined;
function module(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(scanModule());
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** A WebAssembly memory reserves gigabytes of address space: under a `ulimit -v` it may be refused. */
let memoryRefused = false;

export class CodeStore {
  codes: Uint32Array;
  private memory: WebAssembly.Memory | null = null;
  private scanFn: Scan | null = null;
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
      try {
        return this.reserve(capacity);
      } catch {
        this.downgrade(used);
      }
    }
    const codes = new Uint32Array(capacity * this.words);
    codes.set(this.codes.subarray(0, used));
    this.codes = codes;
  }

  /** Into WebAssembly memory, keeping the first `used` words; stays in JavaScript if that cannot be had. */
  private upgrade(used: number): void {
    const mod = this.wasm === false || memoryRefused ? null : module();
    if (!mod) return;
    const old = this.codes;
    try {
      this.memory = new WebAssembly.Memory({ initial: 1 });
      this.scanFn = (new WebAssembly.Instance(mod, { env: { mem: this.memory } }).exports.scan as Scan) ?? null;
      this.reserve(this.capacity);
      this.codes.set(old.subarray(0, used));
    } catch {
      memoryRefused = true;
      this.memory = null;
      this.scanFn = null;
      this.codes = old;
    }
  }

  private downgrade(used: number): void {
    const codes = new Uint32Array(this.capacity * this.words);
    codes.set(this.codes.subarray(0, used));
    this.codes = codes;
    this.memory = null;
    this.scanFn = null;
  }

  /** Distances from `q` to rows [0, count), and their histogram (indexed by distance). */
  scan(q: Uint32Array, count: number, bits: number): { dist: Uint16Array; hist: Uint32Array } {
    const { words } = this;
    if (!this.memory && this.wasm !== false) this.upgrade(count * words);
    if (!this.memory || !this.scanFn) {
      const dist = new Uint16Array(count);
      const hist = new Uint32Array(bits + 2);
      const codes = this.codes;
      for (let s = 0, b = 0; s < count; s++, b += words) {
        let d = 0;
        for (let w = 0; w < words; w++) d += popcount32(codes[b + w] ^ q[w]);
        dist[s] = d;
        hist[d]++;
      }
      return { dist, hist };
    }
    const qAt = this.capacity * words * 4;
    const histAt = qAt + words * 4;
    const distAt = histAt + (bits + 2) * 4;
    this.ensureBytes(distAt + count * 2);
    const buffer = this.memory.buffer;
    new Uint32Array(buffer, qAt, words).set(q);
    const hist = new Uint32Array(buffer, histAt, bits + 2);
    hist.fill(0);
    this.scanFn(0, qAt, words, count, distAt, histAt);
    return { dist: new Uint16Array(buffer, distAt, count), hist };
  }

  private reserve(capacity: number): void {
    // Codes, plus scratch for a scan over every row (query, histogram of up to 32·words + 2, distances).
    this.ensureBytes(capacity * this.words * 4 + this.words * 4 + (this.words * 32 + 2) * 4 + capacity * 2);
    this.codes = new Uint32Array(this.memory!.buffer, 0, capacity * this.words);
  }

  private ensureBytes(bytes: number): void {
    const memory = this.memory!;
    const have = memory.buffer.byteLength;
    if (bytes > have) memory.grow(Math.ceil((bytes - have) / PAGE));
    // A grown memory detaches the old buffer: views are made again from the new one.
    if (this.codes.buffer !== memory.buffer) this.codes = new Uint32Array(memory.buffer, 0, this.capacity * this.words);
  }
}

export function popcount32(x: number): number {
  x = (x - ((x >>> 1) & 0x55555555)) | 0;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
