import * as fs from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { Store } from "../../src/store/store.js";
import { AgentArchivalMemory } from "../../src/memory/archival.js";
import { VectorIndex } from "../../src/embeddings/vector-index.js";
import { archivalIndexFile } from "../../src/embeddings/index-file.js";
import { bufferToVector, vectorToBuffer } from "../../src/embeddings/vector-codec.js";
import { rowBytesFor } from "../../src/embeddings/vector-rows.js";
import { IndexFileCorrupt } from "../../src/embeddings/types.js";
import { tempDir } from "../helpers/temp.js";
import { hashEmbedder } from "../helpers/hash-embedder.js";

const TOPICS = ["postgres migrations", "eslint rules", "docker compose", "react hooks", "rust lifetimes", "kafka consumers"];

/** A fresh AgentArchivalMemory on the same database, as a new process would build it; counts index builds. */
function open(store: Store, agentId: string, file: string | undefined) {
  const built = { count: 0 };
  const mem = new AgentArchivalMemory({
    passages: store.passages,
    agentId,
    getEmbedder: async () => hashEmbedder(),
    createIndex: (dim, capacity) => (built.count++, new VectorIndex(dim, { initialCapacity: capacity })),
    encode: vectorToBuffer,
    decode: (b) => bufferToVector(b),
    indexFile: file ? archivalIndexFile(file) : undefined,
  });
  return { mem, built };
}

async function results(mem: AgentArchivalMemory): Promise<string[][]> {
  const out: string[][] = [];
  for (const q of ["which database", "container setup", "frontend state", "message queue"]) out.push((await mem.search(q, { topK: 8 })).map((p) => `${p.id}:${p.text}`));
  return out;
}

describe("archival vector index saved beside the database", () => {
  let store: Store;
  let agentId: string;
  let file: string;

  beforeEach(async () => {
    const letta = join(tempDir(), ".letta");
    store = Store.open(letta);
    agentId = store.agents.create("a").id;
    file = join(letta, `archival-${agentId}.vectors`);
    const { mem } = open(store, agentId, file);
    for (let i = 0; i < 240; i++) await mem.insert(`note ${i}: ${TOPICS[i % TOPICS.length]} detail ${i * 7}`);
    await mem.search("warm up");
  });

  const fresh = () => results(open(store, agentId, undefined).mem);

  it("a new process loads it instead of rebuilding, with the same results as a fresh build", async () => {
    expect(fs.existsSync(file)).toBe(true);
    const { mem, built } = open(store, agentId, file);
    expect(await results(mem)).toEqual(await fresh());
    expect(built.count).toBe(0);
  });

  it("passages inserted since the file was written are added on load, not a reason to rebuild", async () => {
    const writer = open(store, agentId, undefined).mem;
    await writer.insert("a brand new passage about postgres vacuum");
    const { mem, built } = open(store, agentId, file);
    expect(await results(mem)).toEqual(await fresh());
    expect((await mem.search("postgres vacuum", { topK: 3 }))[0].text).toContain("vacuum");
    expect(built.count).toBe(0);
  });

  it("a corrupt, truncated or foreign file is rebuilt from the table, never trusted", async () => {
    const good = fs.readFileSync(file);
    const flipped = Buffer.from(good);
    flipped[flipped.length - 5] ^= 0xff; // inside the vectors
    const cases: [string, Buffer][] = [
      ["one flipped byte", flipped],
      ["truncated mid-write", good.subarray(0, Math.floor(good.length / 2))],
      ["not an index", Buffer.from("hello")],
      ["empty", Buffer.alloc(0)],
    ];
    for (const [label, bytes] of cases) {
      fs.writeFileSync(file, bytes);
      const { mem, built } = open(store, agentId, file);
      expect(await results(mem), label).toEqual(await fresh());
      expect(built.count, label).toBe(1);
      // ... and written again, whole: the next process loads it.
      const next = open(store, agentId, file);
      expect(await results(next.mem), label).toEqual(await fresh());
      expect(next.built.count, label).toBe(0);
    }
  });

  it("a stale file (a passage deleted, or the highest id deleted and reused by a new passage) is rebuilt", async () => {
    const other = open(store, agentId, undefined).mem;
    const victim = (await other.search("postgres migrations", { topK: 1 }))[0];
    other.delete(victim.id);
    let { mem, built } = open(store, agentId, file);
    const after = await results(mem);
    expect(after).toEqual(await fresh());
    expect(after.flat().some((r) => r.startsWith(`${victim.id}:`))).toBe(false);
    expect(built.count).toBe(1);

    // SQLite reuses the highest id after it is deleted: same count and max id, another vector.
    const maxId = store.passages.fingerprint(agentId).maxId;
    other.delete(maxId);
    const reused = await other.insert("kafka consumers rebalance storm, a replacement passage");
    expect(reused.ids).toEqual([maxId]);
    ({ mem, built } = open(store, agentId, file));
    expect(await results(mem)).toEqual(await fresh());
    expect(built.count).toBe(1);
  });

  it("a read-only or unwritable location only costs the rebuild: search still works", async () => {
    fs.rmSync(file);
    fs.mkdirSync(file); // a directory where the file should go: every write fails
    const { mem } = open(store, agentId, file);
    expect(await results(mem)).toEqual(await fresh());
    expect(fs.readdirSync(join(file, "..")).filter((n) => n.includes(".tmp-"))).toEqual([]);
  });

  /** Past twice the candidate pool, so a search reads only some rows from the file, not all at load. */
  async function largeFileWithEveryRowCorrupt() {
    const embedder = hashEmbedder();
    const texts = Array.from({ length: 4600 }, (_, i) => `bulk ${i}: ${TOPICS[i % TOPICS.length]} item${i % 97} part${i % 13}`);
    const vectors = await embedder.embed(texts);
    const at = new Date().toISOString();
    store.transaction(() =>
      texts.forEach((text, i) =>
        store.passages.insert(agentId, { text, tags: [], createdAt: at, embedding: vectorToBuffer(vectors[i]), embeddingModel: embedder.modelId }),
      ),
    );
    await open(store, agentId, file).mem.search("warm up"); // written again with every row
    const rowBytes = rowBytesFor(embedder.dim);
    const count = store.passages.fingerprint(agentId).count;
    const bytes = fs.readFileSync(file);
    const rowsAt = bytes.length - count * rowBytes;
    for (let r = 0; r < count; r++) bytes[rowsAt + r * rowBytes + 14] ^= 0x40; // one vector byte in every row
    fs.writeFileSync(file, bytes);
  }

  it("in a large index, rows found corrupt while a search reads them cost a rebuild, never a wrong or failed answer", async () => {
    await largeFileWithEveryRowCorrupt();
    const { mem, built } = open(store, agentId, file);
    expect(await results(mem)).toEqual(await fresh());
    expect(built.count).toBe(1);
    const next = open(store, agentId, file);
    expect(await results(next.mem)).toEqual(await fresh());
    expect(next.built.count).toBe(0);
  });

  it("a delete that finds the loaded file corrupt still deletes; the next search rebuilds and saves a whole file", async () => {
    await open(store, agentId, file).mem.search("warm up"); // a whole file to load
    // A loaded index whose search happened to read only good rows, and whose removal (which reads every
    // row, to move them into memory) meets a bad one: what FileRows throws.
    const real = archivalIndexFile(file);
    let built = 0;
    const mem = new AgentArchivalMemory({
      passages: store.passages,
      agentId,
      getEmbedder: async () => hashEmbedder(),
      createIndex: (dim, capacity) => (built++, new VectorIndex(dim, { initialCapacity: capacity })),
      encode: vectorToBuffer,
      decode: (b) => bufferToVector(b),
      indexFile: {
        load: (expect, rowsThrough) => {
          const saved = real.load(expect, rowsThrough);
          if (!saved) return null;
          const index = saved.index as VectorIndex;
          const remove = () => {
            throw new IndexFileCorrupt("row 3 of the saved vector index does not match its checksum");
          };
          return { maxId: saved.maxId, index: { size: index.size, search: index.search.bind(index), add: index.add.bind(index), remove } };
        },
        save: real.save,
      },
    });
    const victim = (await mem.search("kafka consumers", { topK: 1 }))[0];
    expect(built).toBe(0);
    expect(mem.delete(victim.id)).toBe(true);
    expect(store.passages.get(agentId, victim.id)).toBeUndefined();
    expect(await results(mem)).toEqual(await fresh());
    expect(built).toBe(1);
    expect(open(store, agentId, file).built.count).toBe(0);
  });
});
