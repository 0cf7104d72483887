/**
 * Just enough of a WebAssembly assembler for the index's numeric loops (code-store.ts, wasm-kernels.ts).
 * Why hand-assembled: the loops are a few dozen instructions; a text-format compiler would be a large
 * dependency, and a prebuilt binary would be code nobody can read in the repository. WebAssembly is
 * compiled before its first call, where JavaScript runs interpreted until it is hot: a new process's
 * first search pays milliseconds for every numeric loop left in JavaScript.
 */

// The compiler's libs here carry no WebAssembly types (they come with the DOM lib): the little used here.
declare global {
  namespace WebAssembly {
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
}

export const PAGE = 65536;

export const i32 = 0x7f;
export const i64 = 0x7e;
export const f32 = 0x7d;
export const f64 = 0x7c;
type ValType = typeof i32 | typeof i64 | typeof f32 | typeof f64;

/** Opcodes used here, by their text-format names. */
export const op = {
  block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c, br_if: 0x0d, return: 0x0f,
  local_get: 0x20, local_set: 0x21, local_tee: 0x22,
  i32_load: 0x28, i64_load: 0x29, f32_load: 0x2a, f64_load: 0x2b, i32_load8_s: 0x2c, i32_load16_u: 0x2f,
  i32_store: 0x36, f64_store: 0x39, i32_store16: 0x3b,
  i32_const: 0x41,
  i32_eqz: 0x45, i32_eq: 0x46, i32_lt_u: 0x49, i32_gt_s: 0x4a, i32_gt_u: 0x4b, i32_ge_u: 0x4f,
  i32_popcnt: 0x69, i32_add: 0x6a, i32_and: 0x71, i32_sub: 0x6b, i32_mul: 0x6c, i32_shl: 0x74, i32_xor: 0x73,
  i64_popcnt: 0x7b, i64_xor: 0x85,
  f64_add: 0xa0, f64_mul: 0xa2,
  i32_wrap_i64: 0xa7, f64_convert_i32_s: 0xb7, f64_promote_f32: 0xbb,
} as const;

/** Void block type, for block/loop/if. */
export const VOID = 0x40;

/**
 * Code is written as nested arrays of bytes, flattened once when the module is assembled: building it
 * runs before anything is warm, and spreading every instruction into its parent cost a millisecond.
 */
export type Code = number | Code[];

export const get = (local: number): Code => [op.local_get, local];
export const set = (local: number): Code => [op.local_set, local];
export const tee = (local: number): Code => [op.local_tee, local];
export const i32c = (n: number): Code => [op.i32_const, sleb(n)];
export const f64zero: Code = [0x44, 0, 0, 0, 0, 0, 0, 0, 0];
/** A load or store with its alignment hint (log2 bytes) and constant byte offset. */
export const mem = (code: number, align: number, offset = 0): Code => [code, align, leb(offset)];

/** `loop { if (cond) break; ...body; continue }`: `cond` leaves an i32 that ends the loop when true. */
export function whileNot(cond: Code, body: Code): Code {
  return [op.block, VOID, op.loop, VOID, cond, op.br_if, 1, body, op.br, 0, op.end, op.end];
}

export interface Func {
  name: string;
  params: ValType[];
  results: ValType[];
  /** Locals after the parameters: they are numbered on from the last parameter. */
  locals: ValType[];
  body: Code;
}

/** A module importing one memory as env.mem and exporting `funcs` by name. */
export function assemble(funcs: Func[]): Uint8Array {
  const bytes = (c: Code) => [c].flat(Infinity as 1) as number[];
  const vec = (items: Code[]): Code => [leb(items.length), items];
  const name = (s: string): Code => [s.length, Array.from(Buffer.from(s))];
  const section = (id: number, content: Code): Code => {
    const b = bytes(content);
    return [id, leb(b.length), b];
  };
  const types = funcs.map((f): Code => [0x60, vec(f.params), vec(f.results)]);
  const bodies = funcs.map((f): Code => {
    const code = bytes([vec(f.locals.map((t) => [1, t])), f.body, op.end]);
    return [leb(code.length), code];
  });
  return Uint8Array.from(
    bytes([
      [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
      section(1, vec(types)),
      section(2, vec([[name("env"), name("mem"), 0x02, 0x00, 0x01]])),
      section(3, vec(funcs.map((_, i) => leb(i)))),
      section(7, vec(funcs.map((f, i) => [name(f.name), 0x00, leb(i)]))),
      section(10, vec(bodies)),
    ]),
  );
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

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(byte & 0x40)) || (n === -1 && byte & 0x40)) return [...out, byte];
    out.push(byte | 0x80);
  }
}

let memoryRefused = false;

/**
 * An instance of `mod` over a new memory of at least `bytes`, or null where WebAssembly cannot run
 * (node --jitless) or a memory is refused: it reserves gigabytes of address space, which a `ulimit -v`
 * may not allow. Callers then run the same loops in JavaScript.
 */
export function instantiate(bytes: () => Uint8Array, cache: { module?: WebAssembly.Module | null }): { memory: WebAssembly.Memory; exports: Record<string, unknown> } | null {
  if (cache.module === undefined) {
    try {
      cache.module = new WebAssembly.Module(bytes());
    } catch {
      cache.module = null;
    }
  }
  if (!cache.module || memoryRefused) return null;
  try {
    const memory = new WebAssembly.Memory({ initial: 1 });
    return { memory, exports: new WebAssembly.Instance(cache.module, { env: { mem: memory } }).exports };
  } catch {
    memoryRefused = true;
    return null;
  }
}


/** Grows `memory` to hold at least `bytes`; false when the growth is refused. */
export function ensureBytes(memory: WebAssembly.Memory, bytes: number): boolean {
  const have = memory.buffer.byteLength;
  if (bytes <= have) return true;
  try {
    memory.grow(Math.ceil((bytes - have) / PAGE));
    return true;
  } catch {
    return false;
  }
}
