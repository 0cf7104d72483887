import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { Store } from "../../src/store/store.js";
import { retrieve, type SearchSource } from "../../src/memory/retrieve.js";
import type { Passage } from "../../src/store/rows.js";
import type { PassageFilter } from "../../src/store/passages.js";
import { ftsQuery } from "../../src/store/fts-query.js";
import { tempDir } from "../helpers/temp.js";
import { archival } from "../helpers/archival.js";
import { hashEmbedder } from "../helpers/hash-embedder.js";

function random(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

const WORDS = Array.from({ length: 120 }, (_, i) => `word${i}`);
const sentence = (rand: () => number, n: number) => Array.from({ length: n }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(" ");

/**
 * Two agents in one database; for agent A, 10% of passages carry "ops", 1% "rare", and "deep" marks
 * long passages that always rank below the short ones (their matches lie past any first pass).
 */
function seed(store: Store, a: string, b: string) {
  const rand = random(7);
  store.passages.transaction(() => {
    for (let i = 0; i < 2000; i++) {
      const tags = [...(i % 10 === 0 ? ["ops"] : []), ...(i % 100 === 1 ? ["rare"] : [])];
      store.passages.insert(a, { text: `${sentence(rand, 8)} n${i}`, tags, createdAt: new Date(Date.UTC(2025, 0, 1 + (i % 300))).toISOString() });
    }
    for (let i = 0; i < 300; i++) {
      store.passages.insert(a, { text: `word1 ${sentence(rand, 60)} d${i}`, tags: ["deep"], createdAt: "2025-06-01T00:00:00.000Z" });
    }
    // The other agent uses the same words and tags: none of its passages may leak into A's searches.
    for (let i = 0; i < 500; i++) store.passages.insert(b, { text: `${sentence(rand, 8)} b${i}`, tags: ["ops", "rare", "deep"], createdAt: "2025-02-01T00:00:00.000Z" });
  });
}

/** The reference: every match of the agent, ranked without a filter, then filtered, then cut. */
function postFiltered(store: Store, agentId: string, match: string, tag: string, limit: number) {
  const all = store.passages.lexicalMatch(agentId, match, {}, 100000);
  const rows = store.passages.getMany(agentId, all.map((h) => h.id));
  return all.filter((h) => rows.get(h.id)!.tags.includes(tag)).slice(0, limit);
}

/** Equal rankings up to the order of equal scores (BM25 ties are common among short passages). */
function expectSameRanking(got: { id: number; score: number }[], want: { id: number; score: number }[]) {
  expect(got.map((h) => h.score.toFixed(9))).toEqual(want.map((h) => h.score.toFixed(9)));
  const last = want.at(-1)?.score;
  const above = (hs: { id: number; score: number }[]) => hs.filter((h) => h.score.toFixed(9) !== last?.toFixed(9)).map((h) => h.id).sort();
  expect(above(got)).toEqual(above(want));
}

describe("tag-filtered archival search", () => {
  let store: Store;
  let a: string;
  let b: string;
  let letta: string;

  beforeEach(() => {
    letta = join(tempDir(), ".letta");
    store = Store.open(letta);
    a = store.agents.create("a").id;
    b = store.agents.create("b").id;
    seed(store, a, b);
  });

  it("ranks a tag's passages exactly as the unfiltered ranking filtered afterwards, for common, rare and deep tags", () => {
    const rand = random(11);
    for (let q = 0; q < 40; q++) {
      const match = ftsQuery(q % 4 === 0 ? "word1" : sentence(rand, 3))!;
      for (const tag of ["ops", "rare", "deep"]) {
        const allowed = store.passages.filteredIds(a, { tags: [tag] })!;
        // The reference ranks every match; read it once per query and tag, cut per limit.
        const reference = postFiltered(store, a, match, tag, Infinity);
        for (const limit of [1, 10, 100]) {
          const got = store.passages.lexicalAmong(a, match, { tags: [tag] }, allowed, limit);
          expectSameRanking(got, reference.slice(0, limit));
          // The SQL path it replaces gives the same list.
          expectSameRanking(got, store.passages.lexicalMatch(a, match, { tags: [tag] }, limit));
        }
      }
    }
  });

  it("the allowed ids are the agent's own, for tags alone and with dates", () => {
    const ops = store.passages.filteredIds(a, { tags: ["ops"] })!;
    expect(ops.size).toBe(200);
    const mine = new Set(store.passages.allIds(a));
    for (const id of ops) expect(mine.has(id)).toBe(true);
    const spring = store.passages.filteredIds(a, { tags: ["ops"], from: "2025-03-01", to: "2025-03-31" })!;
    expect(spring.size).toBeGreaterThan(0);
    for (const p of store.passages.getMany(a, [...spring]).values()) {
      expect(p.tags).toContain("ops");
      expect(p.createdAt.slice(0, 7)).toBe("2025-03");
    }
    // Agent B alone carries every tag on each of its passages.
    expect(store.passages.filteredIds(b, { tags: ["deep"] })!.size).toBe(500);
  });

  it("a search gives the same results as before the in-memory filtering (lexical only)", async () => {
    const mem = archival(store, a, null);
    // The wiring the search had before: every filter checked by SQL.
    const total = store.passages.maxId();
    const before: SearchSource<PassageFilter, Passage> = {
      lexical: (match, f, n) => store.passages.lexicalMatch(a, match, f, n),
      docFrequency: (w) => store.passages.docFrequency(`"${w}"`),
      total: () => total,
      neighbours: (ids) => store.passages.neighbours(a, ids),
      allowed: (ids, f) => store.passages.allowed(a, ids, f),
      vector: async () => null,
      get: (ids) => store.passages.getMany(a, ids),
    };
    const rand = random(5);
    const now = new Date("2025-12-01T00:00:00Z");
    for (let q = 0; q < 30; q++) {
      const query = sentence(rand, 2 + (q % 3));
      for (const tags of [["ops"], ["rare"], ["deep"], ["ops", "rare"]]) {
        const got = await mem.search(query, { tags, topK: 10, now: now.toISOString() });
        const want = await retrieve(before, query, { filter: { tags }, limit: 10, offset: 0, now });
        expect(got.map((p) => p.score)).toEqual(want.map((p) => p.score));
        for (const p of got) expect(p.tags.some((t) => tags.includes(t))).toBe(true);
      }
    }
  });

  it("hybrid search keeps to the tag and to the agent", async () => {
    const memA = archival(store, a, hashEmbedder());
    const memB = archival(store, b, hashEmbedder());
    for (let q = 0; q < 10; q++) {
      const hits = await memA.search(`word${q} word${q + 7}`, { tags: ["rare"], topK: 30 });
      expect(hits.length).toBeGreaterThan(0);
      for (const p of hits) expect(p.tags).toContain("rare");
      const mine = new Set(store.passages.allIds(a));
      for (const p of hits) expect(mine.has(p.id)).toBe(true);
    }
    // The other agent's search right after (same tag, same store) sees only its own.
    const other = await memB.search("word3 word10", { tags: ["rare"], topK: 30 });
    expect(other.length).toBeGreaterThan(0);
    for (const p of other) expect(p.text).toMatch(/ b\d+$/);
  });

  // Agent A's "ops" is common (ranked in one wide pass, checked against the cached set); a fresh agent's
  // is rare (SQLite filters), and hybrid there, so the vector side's set is checked too.
  for (const [name, common] of [["a common tag, lexical only", true], ["a rare tag, hybrid", false]] as const) {
    it(`a passage tagged after a search is found by the next one: written here, by another memory, or by another process (${name})`, async () => {
      const agent = common ? a : store.agents.create("c").id;
      const embedder = () => (common ? null : hashEmbedder());
      const mem = archival(store, agent, embedder());
      await mem.insert("zebra crossing, untagged");
      const zebras = async (q = "zebra") => (await mem.search(q, { tags: ["ops"], topK: 50 })).filter((p) => p.text.includes("zebra"));
      expect(await zebras()).toEqual([]);
      await mem.insert("zebra crossing near the office", { tags: ["ops"] });
      expect((await zebras()).map((p) => p.text)).toEqual(["zebra crossing near the office"]);

      // Another memory object on the same connection (the TUI and a tool can hold one each).
      await archival(store, agent, embedder()).insert("zebra stripes on the crossing", { tags: ["ops"] });
      expect((await zebras()).length).toBe(2);

      // Another process: its own connection to the same database.
      const elsewhere = Store.open(letta);
      try {
        await archival(elsewhere, agent, embedder()).insert("zebra count went up", { tags: ["ops"] });
      } finally {
        elsewhere.close();
      }
      expect((await zebras()).length).toBe(3);

      const [gone] = await zebras("zebra count");
      expect(mem.delete(gone.id)).toBe(true);
      expect((await zebras()).map((p) => p.id)).not.toContain(gone.id);
      expect((await zebras()).length).toBe(2);
    });
  }
});
