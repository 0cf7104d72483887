import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { Store } from "../../src/store/store.js";
import { tempDir } from "../helpers/temp.js";

const blob = (x: number) => Buffer.from(new Float32Array([x, 1, 0]).buffer);

/** What the trigger-kept counters must always equal: the counts a full scan gives. */
function scanned(store: Store, agentId: string, model: string, maxId = Number.MAX_SAFE_INTEGER) {
  const db = store.db;
  return {
    count: db.prepare("SELECT COUNT(*) FROM passages WHERE agent_id = ?").pluck().get(agentId),
    maxId: db.prepare("SELECT COALESCE(MAX(id), 0) FROM passages WHERE agent_id = ?").pluck().get(agentId),
    embedded: db
      .prepare("SELECT COUNT(*) FROM passages WHERE agent_id = ? AND embedding_model = ? AND embedding IS NOT NULL AND id <= ?")
      .pluck()
      .get(agentId, model, maxId),
  };
}

function counted(store: Store, agentId: string, model: string, maxId = Number.MAX_SAFE_INTEGER) {
  return { ...store.passages.fingerprint(agentId), embedded: store.passages.embeddedThrough(agentId, model, maxId) };
}

describe("passage counts kept by the database", () => {
  it("stay equal to a full count through inserts, deletes, re-embeds and other agents' rows", () => {
    const store = Store.open(join(tempDir(), ".letta"));
    const a = store.agents.create("a").id;
    const b = store.agents.create("b").id;
    const at = new Date().toISOString();
    const ids: number[] = [];
    for (let i = 0; i < 30; i++) {
      const agent = i % 3 === 0 ? b : a;
      const r = store.passages.insert(agent, {
        text: `passage ${i}`,
        tags: [],
        createdAt: at,
        embedding: i % 4 === 0 ? undefined : blob(i),
        embeddingModel: i % 4 === 0 ? undefined : i % 5 === 0 ? "old" : "m",
      });
      if (agent === a) ids.push(r.id);
    }
    store.passages.insert(a, { text: "passage 1", tags: [], createdAt: at }); // a duplicate: nothing stored
    const check = () => {
      for (const agent of [a, b]) for (const model of ["m", "old"]) for (const maxId of [Number.MAX_SAFE_INTEGER, 10, ids[5]]) {
        expect(counted(store, agent, model, maxId)).toEqual(scanned(store, agent, model, maxId));
      }
    };
    check();
    store.passages.delete(a, ids[2]);
    store.passages.delete(a, ids.at(-1)!);
    check();
    for (const p of store.passages.needingEmbedding(a, "m", 100)) store.passages.setEmbedding(p.id, blob(p.id), "m");
    check();
    expect(counted(store, a, "m").embedded).toBe(counted(store, a, "m").count);
    store.db.prepare("DELETE FROM agents WHERE id = ?").run(b);
    check();
    expect(counted(store, b, "m")).toEqual({ count: 0, maxId: 0, embedded: 0 });
    store.close();
  });

  it("are filled in for a database written before they existed", () => {
    const letta = join(tempDir(), ".letta");
    const store = Store.open(letta);
    const a = store.agents.create("a").id;
    for (let i = 0; i < 12; i++) {
      store.passages.insert(a, { text: `old passage ${i}`, tags: [], createdAt: new Date().toISOString(), embedding: i % 2 ? blob(i) : undefined, embeddingModel: i % 2 ? "m" : undefined });
    }
    store.close();
    // Back to schema 6: no counters, no triggers.
    const raw = new Database(join(letta, "letta.db"));
    raw.exec("DROP TRIGGER memory_events_outbox; DROP TABLE team_outbox; DROP TABLE team_state; ALTER TABLE blocks DROP COLUMN team_scope; ALTER TABLE memory_events DROP COLUMN origin; DROP TRIGGER passages_count_ai; DROP TRIGGER passages_count_ad; DROP TRIGGER passages_count_au; DROP TABLE passage_totals; DROP TABLE passage_model_counts; DROP TABLE turn_leases; DROP TABLE turn_failures; ALTER TABLE agents DROP COLUMN profile;");
    raw.pragma("user_version = 6");
    raw.close();
    const reopened = Store.open(letta);
    expect(counted(reopened, a, "m")).toEqual({ count: 12, maxId: 12, embedded: 6 });
    expect(counted(reopened, a, "m")).toEqual(scanned(reopened, a, "m"));
    reopened.close();
  });
});
