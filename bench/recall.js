// Recall memory benchmark: conversation_search-style ranked search over 10k stored messages,
// lexical (BM25 + neighbours + expansion) and hybrid (+ vectors, synthetic clustered 384-d).
// Run: npm run build && node bench/recall.js
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store } from "../dist/store/store.js";
import { AgentRecallMemory } from "../dist/memory/recall.js";
import { VectorIndex } from "../dist/embeddings/vector-index.js";
import { bufferToVector, vectorToBuffer } from "../dist/embeddings/vector-codec.js";
import { centres, clusteredVector, ms, rng, summarise } from "./synthetic.js";

const DIM = 384;
const N = Number(process.env.BENCH_MESSAGES ?? 10000);
const QUERIES = 200;
const VOCAB = Array.from({ length: 3000 }, (_, i) => `word${i}`);
const COMMON = "the a we it is to of and in for on that this with you can run test file fix error".split(" ");

const dir = mkdtempSync(join(tmpdir(), "letta-bench-recall-"));
const store = Store.open(join(dir, ".letta"));
const agentId = store.agents.create("bench").id;
const rand = rng(7);
const topics = centres(rand, 40, DIM);
const sentence = (topic) => {
  const words = [`topic${topic}`];
  for (let i = 0; i < 14; i++) words.push(rand() < 0.4 ? COMMON[Math.floor(rand() * COMMON.length)] : VOCAB[Math.floor(rand() * VOCAB.length)]);
  return words.join(" ");
};
const queryVectors = new Map();
const embedder = {
  modelId: "bench/synthetic",
  dim: DIM,
  async embed(texts) {
    return texts.map((t) => queryVectors.get(t) ?? clusteredVector(rand, topics, Math.floor(rand() * topics.length), DIM));
  },
};
const recall = (withVectors) =>
  new AgentRecallMemory({
    messages: store.messages,
    agentId,
    getEmbedder: async () => (withVectors ? embedder : null),
    createIndex: (dim, capacity) => new VectorIndex(dim, { initialCapacity: capacity }),
    encode: vectorToBuffer,
    decode: (b) => bufferToVector(b),
  });

store.transaction(() => {
  const day = Date.parse("2026-01-05T09:00:00Z");
  for (let i = 0; i < N; i++) {
    const topic = Math.floor(rand() * topics.length);
    const m = store.messages.append(agentId, {
      conversationId: `conv-${Math.floor(i / 200)}`,
      role: i % 2 ? "assistant" : "user",
      content: sentence(topic),
      tokens: 20,
      createdAt: new Date(day + i * 60000).toISOString(),
    });
    store.messages.setEmbedding(m.id, vectorToBuffer(clusteredVector(rand, topics, topic, DIM)), embedder.modelId);
  }
});
const queries = Array.from({ length: QUERIES }, (_, i) => {
  const topic = Math.floor(rand() * topics.length);
  const text = `what did we say about topic${topic} ${VOCAB[Math.floor(rand() * VOCAB.length)]} ${VOCAB[Math.floor(rand() * VOCAB.length)]} q${i}`;
  queryVectors.set(text, clusteredVector(rand, topics, topic, DIM));
  return text;
});

async function time(mem) {
  await mem.search(queries[0], { order: "rank", limit: 10 }); // builds the index
  const samples = [];
  for (const q of queries) {
    const s = performance.now();
    await mem.search(q, { order: "rank", limit: 10 });
    samples.push(performance.now() - s);
  }
  return summarise(samples);
}
const lexical = await time(recall(false));
const hybrid = await time(recall(true));
console.log(`recall search (conversation_search, ranked), top-10 of ${N} messages`);
console.log(`lexical (BM25 + neighbours + expansion): median ${ms(lexical.median)} / p95 ${ms(lexical.p95)}`);
console.log(`hybrid (+ vectors, RRF):                 median ${ms(hybrid.median)} / p95 ${ms(hybrid.p95)}`);
store.close();
rmSync(dir, { recursive: true, force: true });
