import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CodeStore, popcount32 } from "../../src/embeddings/code-store.js";
import { VectorIndex } from "../../src/embeddings/vector-index.js";
import { rng } from "../helpers/seeded.js";

/** The reference: every distance counted bit by bit. */
function slowDistances(codes: Uint32Array, q: Uint32Array, words: number, count: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < count; s++) {
    let d = 0;
    for (let w = 0; w < words; w++) {
      const x = (codes[s * words + w] ^ q[w]) >>> 0;
      for (let b = 0; b < 32; b++) d += (x >>> b) & 1;
    }
    out.push(d);
  }
  return out;
}

describe("sign-code store", () => {
  it("runs its scan as WebAssembly here, with the same distances and histogram as the JavaScript scan", () => {
    const rand = rng(9);
    for (const words of [1, 3, 12]) {
      const wasm = new CodeStore(words, 16, { wasm: true });
      // By default the codes move into WebAssembly memory at the first scan, with what was written before.
      const lazy = new CodeStore(words, 16);
      const js = new CodeStore(words, 16, { wasm: false });
      expect([wasm.native, lazy.native, js.native]).toEqual([true, false, false]);
      let count = 0;
      // Grown several times while full: the codes written before each growth must survive it.
      for (const target of [10, 100, 5000, 70_000]) {
        for (const store of [wasm, lazy, js]) store.grow(target, count * words);
        for (; count < target; count++) {
          for (let w = 0; w < words; w++) {
            const v = (rand() * 2 ** 32) >>> 0;
            for (const store of [wasm, lazy, js]) store.codes[count * words + w] = v;
          }
        }
        const q = Uint32Array.from({ length: words }, () => (rand() * 2 ** 32) >>> 0);
        const a = wasm.scan(q, count, words * 32);
        const b = js.scan(q, count, words * 32);
        const c = lazy.scan(q, count, words * 32);
        expect(lazy.native).toBe(true);
        expect(js.native).toBe(false);
        expect([...a.dist]).toEqual([...b.dist]);
        expect([...c.dist]).toEqual([...b.dist]);
        expect([...a.hist]).toEqual([...b.hist]);
        expect([...a.dist.subarray(0, 200)]).toEqual(slowDistances(js.codes, q, words, Math.min(count, 200)));
        expect(a.hist.reduce((x, y) => x + y, 0)).toBe(count);
        // The nearest rows: all below the admitting distance, then ties at it in row order, whichever runs.
        const ref = slowDistances(js.codes, q, words, count);
        // Among listed rows (a tag filter's): positions in the list, the same whichever runs.
        const listed = Uint32Array.from({ length: Math.min(count, 3000) }, (_, i) => (i * 7919) % count);
        for (const want of [1, Math.ceil(listed.length / 4)]) {
          const among = [...wasm.nearestAmong(q, listed, words * 32, want)];
          expect(among).toEqual([...js.nearestAmong(q, listed, words * 32, want)]);
          const worst = Math.max(...among.map((i) => ref[listed[i]]));
          expect(among.every((i) => ref[listed[i]] <= worst) && [...listed].every((s, i) => ref[s] >= worst || among.includes(i))).toBe(true);
        }
        for (const want of [1, 7, Math.ceil(count / 3), count]) {
          const chosen = [...wasm.nearest(q, count, words * 32, want)];
          expect(chosen).toEqual([...js.nearest(q, count, words * 32, want)]);
          expect(chosen).toHaveLength(want);
          const worst = Math.max(...chosen.map((s) => ref[s]));
          expect(ref.filter((d) => d < worst).length).toBeLessThanOrEqual(want);
          const taken = new Set(chosen);
          expect(chosen.every((s) => ref[s] <= worst) && ref.every((d, s) => d >= worst || taken.has(s))).toBe(true);
        }
      }
    }
    expect([0, 1, 0xffffffff, 0x80000001, 0x12345678].map(popcount32)).toEqual([0, 1, 32, 2, 13]);
  });

  it("an index answers the same whichever scan it uses", () => {
    const rand = rng(4);
    const dim = 64;
    const vectors = Array.from({ length: 6000 }, () => Float32Array.from({ length: dim }, () => rand() - 0.5));
    const wasm = new VectorIndex(dim);
    const js = new VectorIndex(dim, { wasm: false });
    vectors.forEach((v, i) => (wasm.add(i + 1, v), js.add(i + 1, v)));
    for (const q of vectors.slice(0, 20)) expect(wasm.search(q, 10)).toEqual(js.search(q, 10));
  });

  it("where a WebAssembly memory is refused (ulimit -v), scans in JavaScript instead of failing", () => {
    // dist/ is built before the tests (pretest); a child process is the only way to lower its own limit.
    const dist = fileURLToPath(new URL("../../dist/embeddings/code-store.js", import.meta.url));
    const script = `import { CodeStore } from ${JSON.stringify(dist)};
      const s = new CodeStore(12, 5000, { wasm: true }); s.codes.fill(0xffffffff);
      const r = s.scan(new Uint32Array(12), 5000, 384);
      console.log(JSON.stringify({ native: s.native, at384: r.hist[384] }));`;
    const run = (limit: string) =>
      spawnSync("bash", ["-c", `${limit} exec "${process.execPath}" --input-type=module -e '${script.replace(/'/g, "'\\''")}'`], { encoding: "utf8" });
    const limited = run("ulimit -v 3000000;");
    expect(limited.status, limited.stderr).toBe(0);
    expect(JSON.parse(limited.stdout)).toEqual({ native: false, at384: 5000 });
    const free = run("");
    expect(JSON.parse(free.stdout)).toEqual({ native: true, at384: 5000 });
  });
});
