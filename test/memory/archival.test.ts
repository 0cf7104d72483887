import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { Store } from "../../src/store/store.js";
import { tempDir } from "../helpers/temp.js";
import { archival } from "../helpers/archival.js";
import { hashEmbedder } from "../helpers/hash-embedder.js";
import { describeInsert } from "../../src/memory/insert-report.js";

describe("archival memory", () => {
  let store: Store;
  let agentId: string;
  let letta: string;

  beforeEach(() => {
    letta = join(tempDir(), ".letta");
    store = Store.open(letta);
    agentId = store.agents.create("a").id;
  });

  it("finds passages lexically when no embedding model is available", async () => {
    const mem = archival(store, agentId, null);
    // A minute apart: two inserts in one millisecond (a warm process does that) count as chunks of one
    // insert, and the other would join the ranking as its neighbour.
    await mem.insert("We deploy with GitHub Actions on every tag", { tags: ["ops"], createdAt: "2026-03-01T10:00:00Z" });
    await mem.insert("The API uses SQLAlchemy 2.0 with async sessions", { createdAt: "2026-03-01T10:01:00Z" });
    const hits = await mem.search("sqlalchemy sessions");
    expect(hits[0].text).toContain("SQLAlchemy 2.0");
    expect(hits[0].tags).toEqual([]);
    expect(hits.length).toBe(1);
  });

  it("fuses vector and keyword results: a passage sharing no word with the query is found by meaning", async () => {
    const mem = archival(store, agentId, hashEmbedder());
    await mem.insert("We moved the project to postgres last spring");
    await mem.insert("Lint with eslint before committing");
    const hits = await mem.search("which database");
    expect(hits[0].text).toContain("postgres");
  });

  it("stores an exact duplicate only once", async () => {
    const mem = archival(store, agentId, null);
    const a = await mem.insert("Use tabs, not spaces");
    const b = await mem.insert("  Use tabs,   not spaces ");
    expect(b.duplicate).toBe(true);
    expect(b.ids).toEqual(a.ids);
    expect(mem.count()).toBe(1);
  });

  it("chunks a long insert into several passages that land together", async () => {
    const mem = archival(store, agentId, hashEmbedder());
    const para = (n: number) => `Paragraph ${n}. ` + "The build caches artifacts between runs. ".repeat(20);
    const text = [1, 2, 3, 4].map(para).join("\n\n");
    const r = await mem.insert(text);
    expect(r.ids.length).toBeGreaterThan(1);
    expect(mem.count()).toBe(r.ids.length);
    for (const p of mem.list()) expect(p.text.length).toBeLessThanOrEqual(1200);
  });

  it("filters by tag and date range, keeps imported dates, and paginates", async () => {
    const mem = archival(store, agentId, hashEmbedder());
    await mem.insert("deploy note one", { tags: ["ops"], createdAt: "2025-01-10T10:00:00Z" });
    await mem.insert("deploy note two", { tags: ["ops", "ci"], createdAt: "2025-03-10T10:00:00Z" });
    await mem.insert("deploy note three", { tags: ["dev"], createdAt: "2025-06-10T10:00:00Z" });
    const ops = await mem.search("deploy note", { tags: ["ops"] });
    expect(ops.map((p) => p.text).sort()).toEqual(["deploy note one", "deploy note two"]);
    const spring = await mem.search("deploy note", { from: "2025-02-01", to: "2025-06-10" });
    expect(spring.map((p) => p.text).sort()).toEqual(["deploy note three", "deploy note two"]);
    expect(spring.find((p) => p.text === "deploy note three")?.createdAt).toBe("2025-06-10T10:00:00.000Z");
    const page1 = await mem.search("deploy note", { topK: 2 });
    const page2 = await mem.search("deploy note", { topK: 2, offset: 2 });
    expect(page1.length).toBe(2);
    expect(page2.length).toBe(1);
    expect(new Set([...page1, ...page2].map((p) => p.id)).size).toBe(3);
  });

  it("deleted passages disappear from both keyword and vector search", async () => {
    const mem = archival(store, agentId, hashEmbedder());
    const { ids } = await mem.insert("the staging password rotates monthly");
    expect((await mem.search("staging password")).length).toBe(1);
    expect(mem.delete(ids[0])).toBe(true);
    expect(await mem.search("staging password")).toEqual([]);
    expect(mem.delete(ids[0])).toBe(false);
  });

  it("passages stored without a model are embedded on demand once a model is available", async () => {
    await archival(store, agentId, null).insert("We switched to postgres");
    const embedder = hashEmbedder();
    const hits = await archival(store, agentId, embedder).search("database");
    expect(hits[0]?.text).toBe("We switched to postgres");
    // changing the model re-embeds with the new model id
    const other = hashEmbedder(32, "test/other-model");
    expect((await archival(store, agentId, other).search("database"))[0]?.text).toBe("We switched to postgres");
    const row = store.db.prepare("SELECT embedding_model FROM passages").get() as { embedding_model: string };
    expect(row.embedding_model).toBe("test/other-model");
  });

  it("sees passages inserted by another connection (another process) on its next search", async () => {
    const embedder = hashEmbedder();
    const mine = archival(store, agentId, embedder);
    await mine.insert("first fact about caching");
    expect((await mine.search("caching")).length).toBe(1);
    const other = Store.open(letta);
    await archival(other, agentId, embedder).insert("second fact about caching");
    other.close();
    expect((await mine.search("caching")).length).toBe(2);
  });
});

describe("what an insert reports", () => {
  it("a long text of repeated lines: the passages really stored, the repeats and what was already there", async () => {
    const dir = tempDir();
    const s = Store.open(dir);
    const id = s.agents.create("a", {}).id;
    const mem = archival(s, id, null);
    const para = (w: string) => `${w}. `.repeat(1000 / (w.length + 2));
    const before = await mem.insert(para("We release on Tuesdays"));
    const text = "The build caches artifacts between runs. ".repeat(3000);
    const r = await mem.insert(text);
    expect(r.pieces).toBeGreaterThan(50);
    expect(r.stored).toEqual(r.ids);
    expect(new Set(r.ids).size).toBe(r.ids.length);
    expect(mem.count()).toBe(1 + r.stored.length);
    expect(describeInsert(r)).toMatch(new RegExp(`^Stored in archival memory as ${r.stored.length} new passages?: [#\\d, ]+; ${r.pieces - r.ids.length} repeated pieces of the text were not stored twice\\.$`));
    const mixed = await mem.insert(`${para("We release on Tuesdays")}\n\n${para("Staging deploys nightly")}`);
    expect(mixed.alreadyStored).toEqual(before.ids);
    expect(mixed.stored).toHaveLength(1);
    expect(describeInsert(mixed)).toMatch(/as 1 new passage: #\d+; 1 piece already there/);
    expect(describeInsert(await mem.insert(text))).toMatch(/^Already in archival memory \(passages? [#\d, ]+\); not stored twice\.$/);
    s.close();
  });
});
