import * as fs from "node:fs";
import { endianness } from "node:os";
import { IndexFileCorrupt } from "./types.js";
import { rowStage } from "./wasm-kernels.js";
import { zlib } from "../lazy-builtins.js";

const LITTLE = endianness() === "LE";

/**
 * Where the vector index keeps its vectors: one signed byte per dimension plus a per-row scale, a quarter
 * of float32's memory (384-d: 388 bytes a row instead of 1,536). A quantised cosine is within ~1e-3 of
 * the float one; where near-ties matter, the caller re-scores a shortlist exactly (rerank.ts).
 */
export class ByteRows {
  private bytes: Int8Array;
  private scales: Float32Array;

  /** Holds slots [first, first + capacity): an index loaded from a file keeps only the rows added since. */
  constructor(
    readonly dim: number,
    private capacity: number,
    private readonly first = 0,
  ) {
    this.bytes = new Int8Array(capacity * dim);
    this.scales = new Float32Array(capacity);
  }

  /** Stores a unit vector. */
  set(slot: number, unit: Float32Array): void {
    const { dim, bytes } = this;
    let max = 0;
    for (let i = 0; i < dim; i++) max = Math.max(max, Math.abs(unit[i]));
    const scale = max > 0 ? max / 127 : 0;
    const inv = scale > 0 ? 1 / scale : 0;
    const at = slot - this.first;
    const base = at * dim;
    for (let i = 0; i < dim; i++) bytes[base + i] = Math.round(unit[i] * inv);
    this.scales[at] = scale;
  }

  /** Copies a row exactly as stored (a saved file's row, or another slot's). */
  setRaw(slot: number, scale: number, row: Int8Array): void {
    const at = slot - this.first;
    this.bytes.set(row, at * this.dim);
    this.scales[at] = scale;
  }

  raw(slot: number): { scale: number; row: Int8Array } {
    const at = slot - this.first;
    return { scale: this.scales[at], row: this.bytes.subarray(at * this.dim, (at + 1) * this.dim) };
  }

  move(from: number, to: number): void {
    const { dim, first } = this;
    this.bytes.copyWithin((to - first) * dim, (from - first) * dim, (from - first + 1) * dim);
    this.scales[to - first] = this.scales[from - first];
  }

  /** The stored vector back as floats (for re-centring the sign codes). */
  decode(slot: number, out: Float32Array): void {
    const { dim, bytes } = this;
    const at = slot - this.first;
    const scale = this.scales[at];
    const base = at * dim;
    for (let i = 0; i < dim; i++) out[i] = bytes[base + i] * scale;
  }

  score(q: Float32Array, slot: number): number {
    const at = slot - this.first;
    return this.scales[at] * dotBytes(q, this.bytes, at * this.dim, this.dim);
  }

  /** Room for slots up to `end` (exclusive), keeping the `used` rows held so far. */
  grow(end: number, used: number): void {
    const capacity = end - this.first;
    if (capacity <= this.capacity) return;
    const bytes = new Int8Array(capacity * this.dim);
    bytes.set(this.bytes.subarray(0, used * this.dim));
    const scales = new Float32Array(capacity);
    scales.set(this.scales.subarray(0, used));
    this.bytes = bytes;
    this.scales = scales;
    this.capacity = capacity;
  }

  get byteLength(): number {
    return this.bytes.byteLength + this.scales.byteLength;
  }
}

function dotBytes(q: Float32Array, v: Int8Array, base: number, dim: number): number {
  let a = 0, b = 0, c = 0, d = 0;
  let i = 0;
  for (; i + 3 < dim; i += 4) {
    a += q[i] * v[base + i];
    b += q[i + 1] * v[base + i + 1];
    c += q[i + 2] * v[base + i + 2];
    d += q[i + 3] * v[base + i + 3];
  }
  for (; i < dim; i++) a += q[i] * v[base + i];
  return a + b + c + d;
}

/**
 * A saved row on disk: the passage id (f64), the scale (f32), the bytes, zero padding to 8. Carrying the
 * id means a row read from the wrong place or the wrong file is caught by its check, not used.
 */
export function rowBytesFor(dim: number): number {
  return (12 + dim + 7) & ~7;
}

/** In the machine's byte order, like the rest of the file (its typed arrays are saved as they are). */
export function writeRow(out: Buffer, at: number, id: number, scale: number, row: Int8Array): void {
  out.fill(0, at, at + rowBytesFor(row.length));
  if (LITTLE) out.writeDoubleLE(id, at), out.writeFloatLE(scale, at + 8);
  else out.writeDoubleBE(id, at), out.writeFloatBE(scale, at + 8);
  out.set(new Uint8Array(row.buffer, row.byteOffset, row.length), at + 12);
}

/**
 * The rows of a saved index, read from the file when a search scores them, so a new process holds only
 * the ids and sign codes (~6 MB at 100k) instead of every vector. Each row is checked against its own
 * checksum (kept in memory, itself covered by the file's header checksum) before it is used.
 */
export class FileRows {
  readonly rowBytes: number;
  private readonly buf: Buffer;
  private readonly idView: Float64Array;
  private readonly scaleView: Float32Array;
  private readonly row: Int8Array;

  constructor(
    private fd: number | null,
    private readonly offset: number,
    readonly dim: number,
    private readonly ids: Float64Array,
    private readonly crcs: Uint32Array,
  ) {
    this.rowBytes = rowBytesFor(dim);
    this.buf = Buffer.allocUnsafeSlow(this.rowBytes);
    // Typed views, not Buffer.read*() or subarray(): a first search runs this 2,000 times in cold code.
    this.idView = new Float64Array(this.buf.buffer, this.buf.byteOffset, 1);
    this.scaleView = new Float32Array(this.buf.buffer, this.buf.byteOffset + 8, 1);
    this.row = new Int8Array(this.buf.buffer, this.buf.byteOffset + 12, dim);
  }

  /** Reads and checks one row; afterwards `this.row` holds its bytes. Returns its scale. */
  private load(slot: number): number {
    this.read(this.buf, slot, 1);
    return this.checked(slot);
  }

  /** `this.buf` holds slot's row, whole: returns its scale. */
  private checked(slot: number): number {
    this.verify(this.buf, this.idView[0], slot);
    return this.scaleView[0];
  }

  /** `row` is slot's saved row (whole) holding `id`: both must match what the file's front says of it. */
  private verify(row: Uint8Array, id: number, slot: number): void {
    if (zlib().crc32(row) !== this.crcs[slot] || id !== this.ids[slot]) throw this.mismatch(slot);
  }

  private read(into: Uint8Array, slot: number, rows: number): void {
    if (this.fd === null) throw new IndexFileCorrupt("the saved vector index was closed");
    const want = rows * this.rowBytes;
    let got: number;
    try {
      got = fs.readSync(this.fd, into, 0, want, this.offset + slot * this.rowBytes);
    } catch (err) {
      throw new IndexFileCorrupt(`the saved vector index could not be read: ${(err as Error).message}`);
    }
    if (got !== want) throw new IndexFileCorrupt("the saved vector index is shorter than its header says");
  }

  private mismatch(slot: number): IndexFileCorrupt {
    return new IndexFileCorrupt(`row ${slot} of the saved vector index does not match its checksum`);
  }

  /** Rows read one at a time so far: what reading them whole would have saved. */
  reads = 0;

  score(q: Float32Array, slot: number): number {
    this.reads++;
    const scale = this.load(slot);
    return scale * dotBytes(q, this.row, 0, this.dim);
  }

  /**
   * Scores of the listed slots below `below` (the others are left as they are in `out`): the rows are read
   * into WebAssembly memory, checked, and scored there in one call.
   */
  scoreMany(q: Float32Array, slots: ArrayLike<number>, below: number, out: Float64Array): void {
    const picked: number[] = [];
    for (let i = 0; i < slots.length; i++) if (slots[i] < below) picked.push(i);
    const stage = rowStage(this.dim, this.rowBytes, picked.length);
    if (!stage) {
      for (const i of picked) out[i] = this.score(q, slots[i]);
      return;
    }
    this.reads += picked.length;
    const { rowBytes } = this;
    const ids = new Float64Array(stage.bytes.buffer, stage.bytes.byteOffset, stage.bytes.length / 8);
    for (let r = 0; r < picked.length; r++) {
      const slot = slots[picked[r]];
      const row = stage.bytes.subarray(r * rowBytes, (r + 1) * rowBytes);
      this.read(row, slot, 1);
      this.verify(row, ids[(r * rowBytes) / 8], slot);
    }
    const scores = stage.score(q);
    for (let r = 0; r < picked.length; r++) out[picked[r]] = scores[r];
  }

  /** Every row, checked, into `rows` (read in blocks): when the index is about to change shape or be saved. */
  copyInto(rows: ByteRows, count: number): void {
    const per = Math.max(1, Math.floor((1 << 20) / this.rowBytes));
    const block = Buffer.allocUnsafeSlow(per * this.rowBytes);
    for (let s = 0; s < count; s += per) {
      const n = Math.min(per, count - s);
      this.read(block, s, n);
      for (let i = 0; i < n; i++) {
        block.copy(this.buf, 0, i * this.rowBytes, (i + 1) * this.rowBytes);
        rows.setRaw(s + i, this.checked(s + i), this.row);
      }
    }
  }

  close(): void {
    if (this.fd === null) return;
    fs.closeSync(this.fd);
    this.fd = null;
  }
}
