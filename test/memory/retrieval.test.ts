import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { Store } from "../../src/store/store.js";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { AgentRecallMemory } from "../../src/memory/recall.js";
import { AgentArchivalMemory } from "../../src/memory/archival.js";
import { VectorIndex } from "../../src/embeddings/vector-index.js";
import { bufferToVector, vectorToBuffer } from "../../src/embeddings/vector-codec.js";
import type { Embedder } from "../../src/embeddings/types.js";
import { archivalMemorySearch, conversationSearch } from "../../src/tools/memory.js";
import { tempDir } from "../helpers/temp.js";
import { hashEmbedder } from "../helpers/hash-embedder.js";
import { call, fakeMemory, makeCtx } from "../tools/helpers.js";

const vectorDeps = { createIndex: (dim: number) => new VectorIndex(dim), encode: vectorToBuffer, decode: (b: Buffer) => bufferToVector(b) };

describe("recall search as a user meets it", () => {
  let store: Store;
  let agentId: string;
  let recall: AgentRecallMemory;
  const say = (role: "user" | "assistant", content: string, createdAt: string, conversationId = "s1") =>
    recall.add([{ role, content, createdAt, conversationId }])[0];

  beforeEach(() => {
    store = Store.open(join(tempDir(), ".letta"));
    agentId = store.agents.create("a").id;
    recall = new AgentRecallMemory({ messages: store.messages, agentId });
  });

  it("finds a camelCase function by its words, and the exact name still ranks first", async () => {
    say("assistant", "Found it: retryWithBackoff gives up after three attempts.", "2026-02-02T10:00:00Z");
    // Without identifier splitting only this one would match "retry".
    say("user", "Let's retry the deploy later.", "2026-02-03T10:00:00Z");
    const byWords = await recall.search("the retry with backoff function", { order: "rank" });
    expect(byWords[0].content).toContain("retryWithBackoff");
    const exact = await recall.search("retryWithBackoff", { order: "rank" });
    expect(exact[0].content).toContain("retryWithBackoff");
  });

  it("brings back the answer next to the question that names the subject", async () => {
    say("user", "Which port does the local dev server listen on again?", "2026-02-02T10:00:00Z");
    say("assistant", "It is 5173, set in vite.config.ts.", "2026-02-02T10:01:00Z");
    for (let i = 0; i < 20; i++) say("user", `The server logs look fine today, run ${i}.`, `2026-02-0${3 + (i % 5)}T10:00:00Z`, "s2");
    const hits = await recall.search("what port is the dev server on", { order: "rank", limit: 3 });
    expect(hits.map((h) => h.content)).toContain("It is 5173, set in vite.config.ts.");
  });

  it("resolves 'yesterday' against the current date when no dates were given", async () => {
    say("assistant", "For the flaky test I changed the test seed to 42.", "2026-03-16T10:00:00Z");
    say("assistant", "For the flaky test I changed the retry limit to 5.", "2026-03-17T10:00:00Z");
    say("assistant", "For the flaky test I changed the worker count to 2.", "2026-03-18T10:00:00Z");
    const hits = await recall.search("what did we change yesterday for the flaky test", { order: "rank", now: "2026-03-18T15:00:00" });
    expect(hits[0].content).toContain("retry limit");
    // Explicit dates from the model win over the words.
    const explicit = await recall.search("what did we change yesterday", { order: "rank", from: "2026-03-16", to: "2026-03-16" });
    expect(explicit.map((h) => h.content)).toEqual(["For the flaky test I changed the test seed to 42."]);
  });

  it("conversation_search puts the newer of two contradicting statements first and says the older one changed", async () => {
    say("user", "Background jobs go through RabbitMQ for now.", "2026-02-03T10:00:00Z");
    say("user", "We're moving off RabbitMQ; from now on the background jobs go through NATS.", "2026-03-01T10:00:00Z", "s2");
    const memory = { ...fakeMemory(), recall };
    const r = await call(conversationSearch, { query: "which queue do background jobs use" }, makeCtx(tempDir(), { memory }));
    const lines = r.content.split("\n");
    expect(lines[0]).toContain("NATS");
    expect(lines[1]).toContain("[superseded: a newer message above changed this]");
  });

  it("fuses vector and BM25 rankings: a message sharing no word with the question is found by meaning", async () => {
    const embedder = hashEmbedder(512);
    const progress: [number, number][] = [];
    recall = new AgentRecallMemory({
      messages: store.messages,
      agentId,
      getEmbedder: async () => embedder,
      loadedEmbedder: () => embedder,
      ...vectorDeps,
      onEmbeddingProgress: (done, total) => progress.push([done, total]),
    });
    for (let i = 0; i < 100; i++) say("user", `Lint rule number ${i} is noisy.`, "2026-02-02T10:00:00Z");
    say("assistant", "We moved the project to postgres last spring.", "2026-02-02T11:00:00Z");
    const hits = await recall.search("which database", { order: "rank", limit: 3 });
    expect(hits[0].content).toContain("postgres");
    // An existing history is embedded on the first search, with progress to show.
    expect(progress.at(-1)).toEqual([101, 101]);
    expect(progress.length).toBeGreaterThan(1);
  });

  it("embeds new messages in the background only when a model is already loaded", async () => {
    let loaded: Embedder | null = null;
    recall = new AgentRecallMemory({ messages: store.messages, agentId, getEmbedder: async () => loaded, loadedEmbedder: () => loaded, ...vectorDeps });
    say("user", "The cache lives in src/tiles/cache.rs", "2026-02-02T10:00:00Z");
    await recall.embedPending();
    const embedded = () => store.db.prepare("SELECT COUNT(*) AS n FROM messages WHERE embedding IS NOT NULL").get() as { n: number };
    expect(embedded().n).toBe(0);
    loaded = hashEmbedder();
    await recall.embedPending();
    expect(embedded().n).toBe(1);
  });
});

describe("archival search", () => {
  it("marks a superseded passage in what the model reads", async () => {
    const store = Store.open(join(tempDir(), ".letta"));
    const agentId = store.agents.create("a").id;
    const archival = new AgentArchivalMemory({ passages: store.passages, agentId, getEmbedder: async () => null, ...vectorDeps });
    await archival.insert("The upstream request timeout is 30 seconds.", { createdAt: "2026-02-03T10:00:00Z" });
    await archival.insert("Raised the upstream request timeout from 30 to 45 seconds.", { createdAt: "2026-03-03T10:00:00Z" });
    const memory = { ...fakeMemory(), archival };
    const r = await call(archivalMemorySearch, { query: "upstream request timeout" }, makeCtx(tempDir(), { memory }));
    const [first, second] = r.content.split("\n\n");
    expect(first).toContain("45 seconds");
    expect(second).toMatch(/^#1 \(2026-02-03\) \[superseded by #2, newer\]/);
  });
});

describe("upgrading an existing database", () => {
  it("re-indexes old messages and passages so identifier parts match", async () => {
    const dir = join(tempDir(), ".letta");
    mkdirSync(dir, { recursive: true });
    const raw = new Database(join(dir, "letta.db"));
    raw.exec(MIGRATIONS[0].sql);
    raw.pragma("user_version = 1");
    raw.prepare("INSERT INTO agents (id, name, conversation_id, created_at) VALUES ('a1', 'a', 'c1', '2026-01-01')").run();
    raw.prepare("INSERT INTO messages (agent_id, conversation_id, role, content, created_at) VALUES ('a1', 'c1', 'user', 'parseInvoiceLine drops the VAT', '2026-01-02')").run();
    raw.prepare("INSERT INTO passages (agent_id, text, text_hash, created_at) VALUES ('a1', 'computeVatRate lives in src/billing/tax.ts', 'h', '2026-01-02')").run();
    raw.close();
    const store = Store.open(dir);
    const recall = new AgentRecallMemory({ messages: store.messages, agentId: "a1" });
    expect((await recall.search("parse invoice line", { order: "rank" }))[0]?.content).toContain("parseInvoiceLine");
    expect(store.passages.lexical("a1", "compute vat rate", {}, 5).length).toBe(1);
    store.close();
  });
});
