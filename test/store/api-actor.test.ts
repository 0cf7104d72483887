import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { Store } from "../../src/store/store.js";
import { tempDir } from "../helpers/temp.js";

const event = (id: string, actor: string) => ({ id, at: new Date().toISOString(), agent_id: "a", actor, kind: "block", op: "set", label: "human", passage_id: null, before: "", after: "x", reason: null, undoes: null });

describe("migration 9: the API as a memory writer", () => {
  it("keeps earlier history rows and their order, and accepts actor 'api' (nothing else new)", () => {
    const letta = join(tempDir(), ".letta");
    Store.open(letta).close();
    // Back to schema 8: the old CHECK, no profile column, two events recorded then.
    const raw = new Database(join(letta, "letta.db"));
    // (and without migration 10's team tables)
    raw.exec(`DROP TRIGGER memory_events_outbox; DROP TABLE team_outbox; DROP TABLE team_state; ALTER TABLE blocks DROP COLUMN team_scope; ALTER TABLE memory_events DROP COLUMN origin; DROP TABLE memory_events;
      CREATE TABLE memory_events (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, at TEXT NOT NULL, agent_id TEXT NOT NULL,
        actor TEXT NOT NULL CHECK (actor IN ('agent','reflection','user')), kind TEXT NOT NULL CHECK (kind IN ('block','passage')), op TEXT NOT NULL,
        label TEXT, passage_id TEXT, before TEXT, after TEXT, reason TEXT, undoes TEXT);
      ALTER TABLE agents DROP COLUMN profile;
      DROP TABLE turn_failures;`);
    const insert = raw.prepare("INSERT INTO memory_events (id, at, agent_id, actor, kind, op, label, passage_id, before, after, reason, undoes) VALUES (@id, @at, @agent_id, @actor, @kind, @op, @label, @passage_id, @before, @after, @reason, @undoes)");
    insert.run(event("e1", "user"));
    insert.run(event("e2", "agent"));
    expect(() => insert.run(event("e3", "api"))).toThrow(/CHECK/);
    raw.pragma("user_version = 8");
    raw.close();

    const store = Store.open(letta);
    const rows = store.db.prepare("SELECT seq, id, actor FROM memory_events ORDER BY seq").all();
    expect(rows).toEqual([{ seq: 1, id: "e1", actor: "user" }, { seq: 2, id: "e2", actor: "agent" }]);
    const again = store.db.prepare("INSERT INTO memory_events (id, at, agent_id, actor, kind, op, label, passage_id, before, after, reason, undoes) VALUES (@id, @at, @agent_id, @actor, @kind, @op, @label, @passage_id, @before, @after, @reason, @undoes)");
    again.run(event("e3", "api"));
    expect(() => again.run(event("e4", "someone"))).toThrow(/CHECK/);
    expect(store.db.prepare("SELECT seq FROM memory_events WHERE id = 'e3'").pluck().get()).toBe(3);
    const agent = store.agents.create("x", {}, { tags: ["t"], system: "be brief" });
    expect(store.agents.get(agent.id)!.profile).toEqual({ tags: ["t"], system: "be brief" });
    store.close();
  });
});
