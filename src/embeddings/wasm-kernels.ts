import { assemble, type Code, ensureBytes, f64, f64zero, get, i32, i32c, instantiate, mem, op, set, whileNot } from "./wasm-assembler.js";

/**
 * The dot products a search computes over a few thousand vectors: the 2,000 one-byte rows it re-ranks and
 * the float32 vectors of its shortlist. In a new process these loops ran interpreted until hot (re-scoring
 * 40 vectors cost ~3 ms instead of 0.1); WebAssembly runs compiled from the first call. The additions
 * happen in the same order as the JavaScript fallback's, in float64, so both give the same bits.
 *
 * One scratch memory per process, laid out afresh by each call: the query (f32), the results (f64), then
 * the vectors.
 */

/** dots(q, vecs, n, dim, out): out[2r] = Σ q[i]·v[i], out[2r+1] = Σ v[i]·v[i] for the n f32 vectors at vecs. */
function dotsBody(): Code {
  const [Q, VECS, N, DIM, OUT, R, I, V, A, B, X] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  return [
    get(VECS), set(V),
    whileNot([get(R), get(N), op.i32_ge_u], [
      f64zero, set(A), f64zero, set(B), i32c(0), set(I),
      whileNot([get(I), get(DIM), op.i32_ge_u], [
        get(V), get(I), i32c(2), op.i32_shl, op.i32_add, mem(op.f32_load, 2), op.f64_promote_f32, set(X),
        get(A), get(Q), get(I), i32c(2), op.i32_shl, op.i32_add, mem(op.f32_load, 2), op.f64_promote_f32, get(X), op.f64_mul, op.f64_add, set(A),
        get(B), get(X), get(X), op.f64_mul, op.f64_add, set(B),
        get(I), i32c(1), op.i32_add, set(I),
      ]),
      get(OUT), get(R), i32c(4), op.i32_shl, op.i32_add, get(A), mem(op.f64_store, 3),
      get(OUT), get(R), i32c(4), op.i32_shl, op.i32_add, get(B), mem(op.f64_store, 3, 8),
      get(V), get(DIM), i32c(2), op.i32_shl, op.i32_add, set(V),
      get(R), i32c(1), op.i32_add, set(R),
    ]),
  ];
}

/**
 * rows(q, at, stride, n, dim, out): out[r] = scale · Σ q[i]·byte[i] for the n rows of `stride` bytes at
 * `at`, each laid out as a saved row (vector-rows.ts: id f64, scale f32 at 8, bytes from 12). Four sums
 * taken every fourth dimension, as dotBytes does.
 */
function rowsBody(): Code {
  const [Q, AT, STRIDE, N, DIM, OUT, R, I, P, A, B, C, D] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  // q[i + k] · byte[i + k] as f64: the query's address is q + 4i, the byte's is P + i (P: the row's bytes).
  const term = (k: number) => [
    get(Q), get(I), i32c(2), op.i32_shl, op.i32_add, mem(op.f32_load, 2, 4 * k), op.f64_promote_f32,
    get(P), get(I), op.i32_add, mem(op.i32_load8_s, 0, k), op.f64_convert_i32_s, op.f64_mul,
  ];
  const acc = (local: number, k: number) => [get(local), term(k), op.f64_add, set(local)];
  return [
    whileNot([get(R), get(N), op.i32_ge_u], [
      get(AT), get(R), get(STRIDE), op.i32_mul, op.i32_add, i32c(12), op.i32_add, set(P),
      f64zero, set(A), f64zero, set(B), f64zero, set(C), f64zero, set(D), i32c(0), set(I),
      whileNot([get(I), i32c(3), op.i32_add, get(DIM), op.i32_ge_u], [
        acc(A, 0), acc(B, 1), acc(C, 2), acc(D, 3),
        get(I), i32c(4), op.i32_add, set(I),
      ]),
      whileNot([get(I), get(DIM), op.i32_ge_u], [acc(A, 0), get(I), i32c(1), op.i32_add, set(I)]),
      get(OUT), get(R), i32c(3), op.i32_shl, op.i32_add,
      get(P), i32c(4), op.i32_sub, mem(op.f32_load, 2), op.f64_promote_f32,
      get(A), get(B), op.f64_add, get(C), op.f64_add, get(D), op.f64_add, op.f64_mul,
      mem(op.f64_store, 3),
      get(R), i32c(1), op.i32_add, set(R),
    ]),
  ];
}

type Dots = (q: number, vecs: number, n: number, dim: number, out: number) => void;
type Rows = (q: number, at: number, stride: number, n: number, dim: number, out: number) => void;

const cache: { module?: WebAssembly.Module | null } = {};
let kernels: { memory: WebAssembly.Memory; dots: Dots; rows: Rows } | null | undefined;

function shared() {
  if (kernels === undefined) {
    const made = instantiate(
      () =>
        assemble([
          { name: "dots", params: [i32, i32, i32, i32, i32], results: [], locals: [i32, i32, i32, f64, f64, f64], body: dotsBody() },
          { name: "rows", params: [i32, i32, i32, i32, i32, i32], results: [], locals: [i32, i32, i32, f64, f64, f64, f64], body: rowsBody() },
        ]),
      cache,
    );
    kernels = made && { memory: made.memory, dots: made.exports.dots as Dots, rows: made.exports.rows as Rows };
  }
  return kernels;
}

const align8 = (n: number) => (n + 7) & ~7;

/** Where a call's query, results and data go in the scratch memory; null when it cannot be had. */
function layout(dim: number, results: number, dataBytes: number) {
  const k = shared();
  const out = align8(dim * 4);
  const data = out + results * 8;
  if (!k || !ensureBytes(k.memory, data + dataBytes)) return null;
  return { k, out, data };
}

/** Each vector's dot product with `query` and with itself (vectors of another length give NaN). */
export function dotsWith(query: Float32Array, vectors: Float32Array[]): { withQuery: Float64Array; self: Float64Array } {
  const dim = query.length;
  const n = vectors.length;
  const withQuery = new Float64Array(n).fill(NaN);
  const self = new Float64Array(n).fill(NaN);
  const at = layout(dim, 2 * n, n * dim * 4);
  if (at) {
    const buffer = at.k.memory.buffer;
    new Float32Array(buffer, 0, dim).set(query);
    const staged = new Float32Array(buffer, at.data, n * dim);
    vectors.forEach((v, r) => v.length === dim && staged.set(v, r * dim));
    at.k.dots(0, at.data, n, dim, at.out);
    const out = new Float64Array(buffer, at.out, 2 * n);
    vectors.forEach((v, r) => v.length === dim && ((withQuery[r] = out[2 * r]), (self[r] = out[2 * r + 1])));
    return { withQuery, self };
  }
  vectors.forEach((v, r) => {
    if (v.length !== dim) return;
    let a = 0;
    let b = 0;
    for (let i = 0; i < dim; i++) (a += query[i] * v[i]), (b += v[i] * v[i]);
    withQuery[r] = a;
    self[r] = b;
  });
  return { withQuery, self };
}

/**
 * Room for `n` saved rows of `stride` bytes, to be read in and scored against one query: `bytes` is where
 * they go (row r at r·stride), then `score` gives each row's scale · dot(query, bytes). Null where
 * WebAssembly cannot run: the caller scores row by row (dotBytes).
 */
export function rowStage(dim: number, stride: number, n: number): { bytes: Uint8Array; score(q: Float32Array): Float64Array } | null {
  const at = layout(dim, n, n * stride);
  if (!at) return null;
  const { k } = at;
  return {
    bytes: new Uint8Array(k.memory.buffer, at.data, n * stride),
    score(q) {
      new Float32Array(k.memory.buffer, 0, dim).set(q);
      k.rows(0, at.data, stride, n, dim, at.out);
      return new Float64Array(k.memory.buffer, at.out, n);
    },
  };
}
