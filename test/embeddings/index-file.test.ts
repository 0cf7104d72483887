import * as fs from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { VectorIndex } from "../../src/embeddings/vector-index.js";
import { loadIndexFile, saveIndexFile } from "../../src/embeddings/index-file.js";
import { IndexFileCorrupt } from "../../src/embeddings/types.js";
import { rowBytesFor } from "../../src/embeddings/vector-rows.js";
import { tempDir } from "../helpers/temp.js";
import { rng } from "../helpers/seeded.js";

const DIM = 48;
const N = 9000; // above twice the candidate pool: searches re-rank a subset, not every row
const rand = rng(3);
const vectors = Array.from({ length: N + 50 }, () => Float32Array.from({ length: DIM }, () => rand() - 0.5));
const key = { agentId: "a", model: "m", mutations: 0, maxId: N };
const expectKey = { agentId: "a", model: "m", mutations: 0 };

function built(): VectorIndex {
  const index = new VectorIndex(DIM);
  vectors.slice(0, N).forEach((v, i) => index.add(i + 1, v));
  return index;
}

function saved(): { file: string; original: VectorIndex } {
  const file = join(tempDir(), "archival.vectors");
  const original = built();
  original.search(vectors[0], 10); // takes the sign codes, as a real index has by the time it is saved
  saveIndexFile(file, original, key);
  return { file, original };
}

const load = (file: string) => loadIndexFile(file, expectKey, () => N)?.index ?? null;

describe("saved vector index file", () => {
  it("a loaded index answers exactly as the one that was saved, reading its rows from the file", () => {
    const { file, original } = saved();
    expect(fs.statSync(file).size).toBeGreaterThan(N * rowBytesFor(DIM));
    const loaded = load(file)!;
    expect(loaded.size).toBe(N);
    for (const q of vectors.slice(N, N + 10)) expect(loaded.search(q, 10)).toEqual(original.search(q, 10));
    expect(loaded.search(vectors[N], 10, new Set([5, 50, 500, 5000]))).toEqual(original.search(vectors[N], 10, new Set([5, 50, 500, 5000])));
    loaded.close();
  });

  it("keeps working after adds, replacements and removals on top of the file", () => {
    const { file, original } = saved();
    const loaded = load(file)!;
    for (const index of [original, loaded]) {
      vectors.slice(N, N + 20).forEach((v, i) => index.add(N + i + 1, v)); // new rows: held in memory
      index.add(7, vectors[N + 30]); // a replaced row
      index.remove(42);
    }
    for (const q of vectors.slice(N + 30, N + 40)) expect(loaded.search(q, 10)).toEqual(original.search(q, 10));
    expect(loaded.has(42)).toBe(false);
    expect(loaded.search(vectors[N + 30], 1)[0].id).toBe(7);
    loaded.close();
  });

  it("a row corrupted after loading is caught by the search that reads it, not used", () => {
    const { file } = saved();
    const loaded = load(file)!;
    const slot = 1234; // id 1235
    const size = fs.statSync(file).size;
    const rowAt = size - (N - slot) * rowBytesFor(DIM);
    const fd = fs.openSync(file, "r+");
    fs.writeSync(fd, Buffer.from([0x55]), 0, 1, rowAt + 20);
    fs.closeSync(fd);
    expect(() => loaded.search(vectors[slot], 10)).toThrow(IndexFileCorrupt);
    loaded.close();
    // The front's checksums do not cover the rows: a new process loads the file, and is caught the same way.
    const next = load(file)!;
    expect(() => next.search(vectors[slot], 10)).toThrow(IndexFileCorrupt);
    next.close();
  });

  it("a file replaced by another process after loading does not change what the loaded index reads", () => {
    const { file, original } = saved();
    const loaded = load(file)!;
    const other = new VectorIndex(DIM);
    vectors.slice(0, N).reverse().forEach((v, i) => other.add(i + 1, v));
    saveIndexFile(file, other, key);
    for (const q of vectors.slice(N, N + 5)) expect(loaded.search(q, 10)).toEqual(original.search(q, 10));
    loaded.close();
  });

  it("is refused when the header does not match the table, or the file is cut short", () => {
    const { file } = saved();
    expect(loadIndexFile(file, { ...expectKey, mutations: 1 }, () => N)).toBeNull();
    expect(loadIndexFile(file, { ...expectKey, model: "other" }, () => N)).toBeNull();
    expect(loadIndexFile(file, expectKey, () => N - 1)).toBeNull();
    fs.truncateSync(file, fs.statSync(file).size - 1);
    expect(load(file)).toBeNull();
  });
});
