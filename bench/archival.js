// Archival memory benchmark: insert throughput and hybrid search latency (vector + BM25 fused,
// and BM25 alone) at 1k / 10k / 100k stored passages with synthetic clustered 384-d vectors.
// Run: npm run build && node bench/archival.js
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store } from "../dist/store/store.js";
import { AgentArchivalMemory } from "../dist/memory/archival.js";
import { VectorIndex } from "../dist/embeddings/vector-index.js";
import { bufferToVector, vectorToBuffer } from "../dist/embeddings/vector-codec.js";
import { centres, clusteredVector, mb, ms, rng, summarise } from "./synthetic.js";

const DIM = 384;
const SIZES = (process.env.BENCH_SIZES ?? "1000,10000,100000").split(",").map(Number);
const QUERIES = 200;
const VOCAB = Array.from({ length: 5000 }, (_, i) => `term${i}`);

function makeText(rand, topic) {
  const words = [`topic${topic}`];
  for (let i = 0; i < 12; i++) words.push(VOCAB[Math.floor(rand() * VOCAB.length)]);
  return words.join(" ");
}

async function run(n) {
  const dir = mkdtempSync(join(tmpdir(), "letta-bench-"));
  const store = Store.open(join(dir, ".letta"));
  const agentId = store.agents.create("bench").id;
  const rand = rng(n);
  const topics = centres(rand, Math.max(10, Math.round(n / 500)), DIM);
  const queryVectors = new Map();
  const embedder = {
    modelId: "bench/synthetic",
    dim: DIM,
    async embed(texts) {
      return texts.map((t) => queryVectors.get(t) ?? clusteredVector(rand, topics, 0, DIM));
    },
  };
  const memory = (withVectors) =>
    new AgentArchivalMemory({
      passages: store.passages,
      agentId,
      getEmbedder: async () => (withVectors ? embedder : null),
      createIndex: (dim, capacity) => new VectorIndex(dim, { initialCapacity: capacity }),
      encode: vectorToBuffer,
      decode: (b) => bufferToVector(b),
    });

  // Bulk load in one transaction: what an import does.
  const t0 = performance.now();
  const createdAt = new Date().toISOString();
  store.transaction(() => {
    for (let i = 0; i < n; i++) {
      const topic = Math.floor(rand() * topics.length);
      store.passages.insert(agentId, {
        text: makeText(rand, topic),
        tags: i % 10 === 0 ? ["ops"] : [],
        createdAt,
        embedding: vectorToBuffer(clusteredVector(rand, topics, topic, DIM)),
        embeddingModel: embedder.modelId,
      });
    }
  });
  const bulkMs = performance.now() - t0;

  // One-by-one inserts through the memory API (each its own transaction, as the agent does).
  const hybrid = memory(true);
  const single = 500;
  const t1 = performance.now();
  for (let i = 0; i < single; i++) await hybrid.insert(`single insert ${n} ${i} ${makeText(rand, 0)}`);
  const singleMs = performance.now() - t1;

  const queries = Array.from({ length: QUERIES }, (_, i) => {
    const topic = Math.floor(rand() * topics.length);
    const text = `q${i} topic${topic} ${VOCAB[Math.floor(rand() * VOCAB.length)]}`;
    queryVectors.set(text, clusteredVector(rand, topics, topic, DIM));
    return text;
  });

  const tIndex = performance.now();
  await hybrid.search(queries[0]); // loads the index from the table
  const indexLoadMs = performance.now() - tIndex;

  const time = async (mem) => {
    const samples = [];
    for (const q of queries) {
      const s = performance.now();
      await mem.search(q, { topK: 10 });
      samples.push(performance.now() - s);
    }
    return summarise(samples);
  };
  const h = await time(hybrid);
  const lexical = await time(memory(false));
  // Filtered against unfiltered on the same queries, in turn, so drift in the machine's speed hits both alike.
  const filtered = [];
  const paired = [];
  for (const q of queries.slice(0, 50)) {
    for (const [opts, out] of [[{ topK: 10, tags: ["ops"] }, filtered], [{ topK: 10 }, paired]]) {
      const s = performance.now();
      await hybrid.search(q, opts);
      out.push(performance.now() - s);
    }
  }
  const f = { ...summarise(filtered), unfiltered: summarise(paired).median };
  const rss = process.memoryUsage().rss;
  store.close();
  rmSync(dir, { recursive: true, force: true });
  return { n, bulkMs, singleMs, single, indexLoadMs, h, lexical, f, rss };
}

console.log("archival memory: hybrid search (vector + BM25, RRF) vs BM25 only; top-10; 384-d clustered vectors");
console.log("passages | bulk insert/s | API insert/s | index load | hybrid median / p95 | +tag filter median (unfiltered, same queries in turn) | BM25-only median / p95 | RSS");
for (const n of SIZES) {
  const r = await run(n);
  console.log(
    [
      String(r.n).padStart(8),
      `${Math.round(r.n / (r.bulkMs / 1000))}`.padStart(13),
      `${Math.round(r.single / (r.singleMs / 1000))}`.padStart(12),
      ms(r.indexLoadMs).padStart(10),
      `${ms(r.h.median)} / ${ms(r.h.p95)}`.padStart(19),
      `${ms(r.f.median)} (${ms(r.f.unfiltered)})`.padStart(18),
      `${ms(r.lexical.median)} / ${ms(r.lexical.p95)}`.padStart(22),
      mb(r.rss),
    ].join(" | "),
  );
}
