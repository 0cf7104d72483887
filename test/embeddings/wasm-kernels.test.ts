import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { dotsWith, rowStage } from "../../src/embeddings/wasm-kernels.js";
import { ByteRows, rowBytesFor, writeRow } from "../../src/embeddings/vector-rows.js";
import { rng } from "../helpers/seeded.js";

const rand = rng(21);
const vector = (dim: number) => Float32Array.from({ length: dim }, () => rand() * 2 - 1);

/** The order of additions the JavaScript code uses: what the WebAssembly kernels must reproduce bit for bit. */
function reference(q: Float32Array, v: Float32Array): [number, number] {
  let a = 0;
  let b = 0;
  for (let i = 0; i < q.length; i++) (a += q[i] * v[i]), (b += v[i] * v[i]);
  return [a, b];
}

describe("WebAssembly dot products", () => {
  it("give the float32 vectors' dot products with the query and themselves, to the bit", () => {
    for (const dim of [1, 3, 48, 383]) {
      const q = vector(dim);
      const vs = Array.from({ length: 30 }, () => vector(dim));
      const { withQuery, self } = dotsWith(q, [...vs, vector(dim + 1)]);
      vs.forEach((v, i) => expect([withQuery[i], self[i]]).toEqual(reference(q, v)));
      // A vector of another length has no score: the caller keeps the hit's own.
      expect([withQuery[30], self[30]]).toEqual([NaN, NaN]);
    }
  });

  it("score saved one-byte rows exactly as the in-memory rows score", () => {
    for (const dim of [1, 5, 48, 383]) {
      const n = 300;
      const rows = new ByteRows(dim, n);
      for (let s = 0; s < n; s++) rows.set(s, vector(dim));
      const stride = rowBytesFor(dim);
      const stage = rowStage(dim, stride, n)!;
      const buf = Buffer.from(stage.bytes.buffer, stage.bytes.byteOffset, stage.bytes.length);
      for (let s = 0; s < n; s++) {
        const { scale, row } = rows.raw(s);
        writeRow(buf, s * stride, s + 1, scale, row);
      }
      const q = vector(dim);
      const scores = [...stage.score(q)];
      expect(scores).toEqual(Array.from({ length: n }, (_, s) => rows.score(q, s)));
    }
  });

  it("where WebAssembly cannot run (node --jitless, a refused memory), the JavaScript loops give the same numbers", () => {
    const dist = fileURLToPath(new URL("../../dist/embeddings/wasm-kernels.js", import.meta.url));
    const q = vector(383);
    const vs = Array.from({ length: 5 }, () => vector(383));
    const script = `import { dotsWith, rowStage } from ${JSON.stringify(dist)};
      const [q, ...vs] = ${JSON.stringify([q, ...vs].map((v) => [...v]))}.map((a) => Float32Array.from(a));
      const r = dotsWith(q, vs);
      console.log(JSON.stringify({ stage: rowStage(383, 400, 5), withQuery: [...r.withQuery], self: [...r.self] }));`;
    const here = dotsWith(q, vs);
    const want = { stage: null, withQuery: [...here.withQuery], self: [...here.self] };
    const jitless = spawnSync(process.execPath, ["--jitless", "--input-type=module", "-e", script], { encoding: "utf8" });
    expect(jitless.status, jitless.stderr).toBe(0);
    expect(JSON.parse(jitless.stdout)).toEqual(want);
    // A WebAssembly memory reserves gigabytes of address space: under a `ulimit -v` it is refused.
    const quoted = script.replace(/'/g, "'\\''");
    const limited = spawnSync("bash", ["-c", `ulimit -v 3000000; exec "${process.execPath}" --input-type=module -e '${quoted}'`], { encoding: "utf8" });
    expect(limited.status, limited.stderr).toBe(0);
    expect(JSON.parse(limited.stdout)).toEqual(want);
  });
});
