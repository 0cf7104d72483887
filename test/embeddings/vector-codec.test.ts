import { describe, expect, it } from "vitest";
import { bufferToVector, vectorToBuffer } from "../../src/embeddings/vector-codec.js";

describe("vector codec", () => {
  it("round-trips float32 exactly as little-endian bytes", () => {
    const v = Float32Array.of(1, -2.5, 3.25e-8, 65504);
    const b = vectorToBuffer(v);
    expect(b.byteLength).toBe(16);
    expect(b.readFloatLE(4)).toBe(-2.5);
    expect(bufferToVector(b)).toEqual(v);
  });

  it("copies, so neither side aliases the other's memory", () => {
    const v = Float32Array.of(1, 2);
    const b = vectorToBuffer(v);
    v[0] = 9;
    expect(b.readFloatLE(0)).toBe(1);
    const back = bufferToVector(b);
    b.writeFloatLE(7, 0);
    expect(back[0]).toBe(1);
  });

  it("reads a blob sitting at an unaligned offset of a shared pool", () => {
    const pool = Buffer.alloc(64);
    const blob = pool.subarray(3, 3 + 12);
    [0.5, -1, 2].forEach((x, i) => blob.writeFloatLE(x, i * 4));
    expect(Array.from(bufferToVector(blob))).toEqual([0.5, -1, 2]);
  });

  it("rejects blobs that are not whole floats or have the wrong width", () => {
    expect(() => bufferToVector(Buffer.alloc(6))).toThrow(RangeError);
    expect(() => bufferToVector(Buffer.alloc(8), 3)).toThrow(/2 dimensions, expected 3/);
    expect(bufferToVector(Buffer.alloc(0))).toHaveLength(0);
  });
});
