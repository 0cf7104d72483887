/**
 * Embeddings travel to and from SQLite as BLOBs of little-endian float32.
 * Both directions copy: a Buffer from better-sqlite3 may be a view into a shared pool at an
 * odd offset, and a Float32Array over it would be misaligned or alias memory reused later.
 */
import { endianness } from "node:os";

const LITTLE = endianness() === "LE";

export function vectorToBuffer(v: Float32Array): Buffer {
  if (LITTLE) return Buffer.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  const out = Buffer.allocUnsafe(v.length * 4);
  for (let i = 0; i < v.length; i++) out.writeFloatLE(v[i], i * 4);
  return out;
}

/** Throws when the byte length does not hold whole floats, or `dim` floats when given. */
export function bufferToVector(b: Uint8Array, dim?: number): Float32Array {
  if (b.byteLength % 4 !== 0) throw new RangeError(`embedding blob of ${b.byteLength} bytes is not float32 data`);
  const n = b.byteLength / 4;
  if (dim !== undefined && n !== dim) throw new RangeError(`embedding has ${n} dimensions, expected ${dim}`);
  const out = new Float32Array(n);
  if (LITTLE) {
    new Uint8Array(out.buffer).set(b);
  } else {
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
  }
  return out;
}
