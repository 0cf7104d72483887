import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Project } from "../../src/agent/open-project.js";
import type { MemoryHistory } from "../../src/memory/history.js";
import { parsePassageValue } from "../../src/memory/history-event.js";
import { tempDir } from "../helpers/temp.js";

const open: Project[] = [];
afterEach(() => {
  while (open.length) open.pop()!.close();
});

/** A real project store (and user store) on temp dirs, no model, no embedder. */
function setup() {
  const root = tempDir();
  const home = join(root, "home");
  const env = { HOME: home, LETTA_CODE_USER_DIR: join(home, ".letta"), LETTA_CODE_EMBEDDING_PATH: join(home, "none") };
  const project = Project.open({ lettaDir: join(root, ".letta"), env });
  open.push(project);
  const agent = project.resolveAgent();
  const mem = project.memory(agent.id);
  return { project, agent, mem, history: mem.history as MemoryHistory };
}

describe("memory history", () => {
  it("records each core write with its actor, reason and full before/after, newest first", () => {
    const { mem, history, agent } = setup();
    mem.core.append("project", "Tests: npx vitest", { actor: "agent", reason: "the test command" });
    mem.core.replace("project", "vitest", "vitest run", { actor: "reflection" });
    mem.core.rethink("project", "Tests: npm test");
    mem.core.set("notes", "new block");
    const log = history.log();
    expect(log.map((e) => [e.op, e.actor, e.label])).toEqual([
      ["create", "user", "notes"],
      ["rethink", "user", "project"],
      ["replace", "reflection", "project"],
      ["append", "agent", "project"],
    ]);
    expect(log[3]).toMatchObject({ before: "", after: "Tests: npx vitest", reason: "the test command", agent_id: agent.id, kind: "block" });
    expect(log[0].before).toBeNull();
    expect(log[0].id).toMatch(/^[0-9a-z]{10}$/);
    expect(history.log({ label: "notes" }).map((e) => e.op)).toEqual(["create"]);
    expect(history.log({ limit: 2 })).toHaveLength(2);
  });

  it("a write that fails records no event, and an event that cannot be recorded keeps the write out", () => {
    const { mem, history, project } = setup();
    expect(() => mem.core.append("project", "x".repeat(6000))).toThrow(/over its limit/);
    expect(history.log()).toHaveLength(0);
    // Make the events table refuse inserts: the block write must roll back with it.
    project.store.db.exec("CREATE TRIGGER no_events BEFORE INSERT ON memory_events BEGIN SELECT RAISE(ABORT, 'refused'); END;");
    expect(() => mem.core.append("project", "must not stay")).toThrow(/refused/);
    expect(mem.core.get("project")!.value).toBe("");
    project.store.db.exec("DROP TRIGGER no_events");
    project.store.db.exec("CREATE TRIGGER no_blocks BEFORE UPDATE ON blocks BEGIN SELECT RAISE(ABORT, 'disk full'); END;");
    expect(() => mem.core.append("project", "nope")).toThrow(/disk full/);
    expect(history.log()).toHaveLength(0);
  });

  it("undo gives a block its previous value, is itself an event, and can be undone", async () => {
    const { mem, history } = setup();
    mem.core.append("human", "Ana", { actor: "agent", reason: "name" });
    const [append] = history.log();
    const undo = await history.undo(append.id);
    expect(undo).toMatchObject({ op: "undo", actor: "user", undoes: append.id, before: "Ana", after: "" });
    expect(mem.core.get("human")!.value).toBe("");
    const redo = await history.undo(undo.id);
    expect(redo.undoes).toBe(undo.id);
    expect(mem.core.get("human")!.value).toBe("Ana");
    // Undo of a creation removes the block; undoing that brings it back.
    mem.core.rethink("scratch", "temporary");
    const created = history.log({ label: "scratch" })[0];
    const removed = await history.undo(created.id);
    expect(mem.core.get("scratch")).toBeUndefined();
    await history.undo(removed.id);
    expect(mem.core.get("scratch")!.value).toBe("temporary");
  });

  it("refuses to undo a change the block has moved on from, unless forced; unknown ids are refused", async () => {
    const { mem, history } = setup();
    mem.core.append("project", "first");
    const first = history.log()[0];
    mem.core.append("project", "second");
    await expect(history.undo(first.id)).rejects.toThrow(/has changed since .*--force/s);
    expect(mem.core.get("project")!.value).toBe("first\nsecond");
    await history.undo(first.id, { force: true });
    expect(mem.core.get("project")!.value).toBe("");
    await expect(history.undo("zzzzzzzzzz")).rejects.toThrow(/No memory event "zzzzzzzzzz"/);
    // A unique prefix is enough.
    expect(history.get(first.id.slice(0, 6)).id).toBe(first.id);
  });

  it("records archival inserts and deletes self-contained; undo deletes an insert and restores a delete with tags and date", async () => {
    const { mem, history } = setup();
    const { ids } = await mem.archival.insert("We deploy on Fridays", { tags: ["ops"], createdAt: "2024-03-01T10:00:00Z" }, { actor: "agent", reason: "deploy habit" });
    const insert = history.log()[0];
    expect(insert).toMatchObject({ kind: "passage", op: "insert", actor: "agent", reason: "deploy habit", before: null, label: null });
    expect(insert.passage_id).toMatch(/^[0-9a-f]{64}$/);
    expect(parsePassageValue(insert.after)).toEqual({ text: "We deploy on Fridays", tags: ["ops"], created_at: "2024-03-01T10:00:00.000Z" });
    // A duplicate stores nothing and records nothing.
    await mem.archival.insert("We deploy on Fridays");
    expect(history.log()).toHaveLength(1);

    mem.archival.delete(ids[0]);
    const del = history.log()[0];
    expect(del).toMatchObject({ op: "delete", actor: "user", after: null, passage_id: insert.passage_id });
    // The insert's passage is gone since: refused.
    await expect(history.undo(insert.id)).rejects.toThrow(/deleted since/);
    await history.undo(del.id);
    const [back] = mem.archival.list();
    expect(back).toMatchObject({ text: "We deploy on Fridays", tags: ["ops"], createdAt: "2024-03-01T10:00:00.000Z" });
    expect((await mem.archival.search("deploy Fridays")).map((p) => p.text)).toEqual(["We deploy on Fridays"]);
    await history.undo(insert.id);
    expect(mem.archival.count()).toBe(0);
  });

  it("shared blocks keep their history in the user store; share and unshare are undoable", async () => {
    const { mem, history, project } = setup();
    mem.core.set("human", "Ana");
    mem.core.share!("human");
    expect(mem.core.get("human")!.shared).toBe(true);
    mem.core.append("human", "likes tabs", { actor: "agent" });
    const append = history.log()[0];
    expect(append).toMatchObject({ op: "append", scope: "user", before: "Ana", after: "Ana\nlikes tabs" });
    expect(project.store.memoryEvents.count(append.agent_id)).toBe(0); // not in the project's file
    const share = history.log().find((e) => e.op === "share")!;
    expect(share.scope).toBe("project");
    await expect(history.undo(share.id)).rejects.toThrow(/changed since/);
    await history.undo(append.id);
    const unshared = await history.undo(share.id);
    expect(unshared.op).toBe("undo");
    expect(mem.core.get("human")!.value).toBe("Ana");
    expect(mem.core.get("human")!.shared).toBeFalsy();
    await history.undo(unshared.id);
    expect(mem.core.get("human")!.shared).toBe(true);
  });
});
