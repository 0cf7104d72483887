import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Project } from "../../src/agent/open-project.js";
import type { TeamEvent } from "../../src/store/team-pg.js";
import { TeamSync } from "../../src/team/sync.js";
import { MAX_PULLED_BLOCK_CHARS, MAX_PULLED_BLOCKS } from "../../src/team/incoming.js";
import { passageHash } from "../../src/store/passages.js";
import { tempDir } from "../helpers/temp.js";

function project() {
  const root = tempDir("letta-team-apply-");
  mkdirSync(join(root, ".git"));
  const home = join(root, ".home");
  const env = { HOME: home, XDG_CONFIG_HOME: join(home, ".config"), XDG_CACHE_HOME: join(home, ".cache"), LETTA_CODE_EMBEDDING_PATH: join(home, "none") };
  const p = Project.open({ cwd: root, env, quietNotices: { embeddingOffline: true } });
  const agent = p.resolveAgent(undefined, true);
  const sync = new TeamSync(p.store, { url: "postgres://unused@127.0.0.1:1/x", project: "p" }, (name) => p.store.agents.byName(name)?.id);
  return { p, agent, sync, mem: p.memory(agent.id) };
}

let seq = 0;
const event = (over: Partial<TeamEvent>): TeamEvent => ({
  seq: ++seq,
  id: `remtest${seq}`,
  machine: "m2",
  origin: "bob@laptop",
  agent: "default",
  at: new Date(Date.now() + 60_000).toISOString(),
  actor: "agent",
  kind: "block",
  op: "replace",
  label: "project",
  passage_id: null,
  before: null,
  after: null,
  reason: null,
  undoes: null,
  ...over,
});

describe("applying another machine's memory events", () => {
  it("changes memory once, however often the same event arrives", () => {
    const { p, agent, sync, mem } = project();
    const before = mem.core.get("project")!.value;
    const ev = event({ before, after: `${before}\nDeploys on Fridays.` });
    expect(sync.apply(ev).applied).toBe(true);
    expect(sync.apply(ev).applied).toBe(false);
    expect(mem.core.get("project")!.value).toBe(`${before}\nDeploys on Fridays.`);
    expect(p.store.memoryEvents.list(agent.id).filter((e) => e.id === ev.id)).toHaveLength(1);
    // Pulled events never go back out.
    expect(p.store.team.takeOutgoing(100).map((e) => e.id)).not.toContain(ev.id);
    p.close();
  });

  it("keeps the later of two overlapping edits, logs the conflict, and undo brings this machine's text back", async () => {
    const { p, sync, mem } = project();
    mem.core.set("project", "Test: npm test");
    mem.core.set("project", "Test: vitest");
    const ev = event({ before: "Test: npm test", after: "Test: jest" });
    expect(sync.apply(ev)).toEqual({ applied: true, conflict: true });
    expect(mem.core.get("project")!.value).toBe("Test: jest");
    const logged = mem.history!.log({ label: "project", limit: 1 })[0];
    expect(logged).toMatchObject({ id: ev.id, origin: "bob@laptop", before: "Test: vitest", after: "Test: jest" });
    expect(logged.reason).toMatch(/conflict: bob@laptop and this machine changed the same lines.*memory undo/);
    await mem.history!.undo(ev.id);
    expect(mem.core.get("project")!.value).toBe("Test: vitest");
    p.close();
  });

  it("never touches a personal block, and deletes a passage by its tombstone", () => {
    const { p, agent, sync, mem } = project();
    mem.core.set("human", "Likes tabs");
    expect(sync.apply(event({ label: "human", before: "", after: "Bob's notes" })).applied).toBe(false);
    expect(mem.core.get("human")!.value).toBe("Likes tabs");
    const value = JSON.stringify({ text: "The cron runs at 2am", tags: [], created_at: "2026-01-01T00:00:00.000Z" });
    const hash = passageHash("The cron runs at 2am");
    sync.apply(event({ kind: "passage", label: null, op: "insert", passage_id: hash, after: value }));
    expect(p.store.passages.list(agent.id).map((x) => x.text)).toEqual(["The cron runs at 2am"]);
    sync.apply(event({ kind: "passage", label: null, op: "delete", passage_id: hash, before: value, after: null }));
    expect(p.store.passages.count(agent.id)).toBe(0);
    p.close();
  });

  it("refuses what local edits could not write: a block past the pull ceiling, one block too many, a bad label", () => {
    const { p, agent, sync, mem } = project();
    const huge = "x".repeat(MAX_PULLED_BLOCK_CHARS + 1);
    expect(sync.apply(event({ label: "project", before: mem.core.get("project")!.value, after: huge })).refused).toMatch(/over the 20000/);
    expect(mem.core.get("project")!.value).not.toContain("xxxx");
    // Two appends that each fit but together pass the ceiling are refused too, and nothing of them is written.
    const base = mem.core.get("project")!.value;
    mem.core.set("project", `${base}\n${"a".repeat(MAX_PULLED_BLOCK_CHARS / 2)}`, { limit: MAX_PULLED_BLOCK_CHARS });
    expect(sync.apply(event({ before: base, after: `${base}\n${"b".repeat(MAX_PULLED_BLOCK_CHARS / 2)}` })).refused).toBeDefined();
    expect(mem.core.get("project")!.value).not.toContain("bbbb");
    // A limit this user raised is theirs: a block given 50000 here takes a teammate's 30000.
    mem.core.set("design", "v1", { limit: 50_000 });
    expect(sync.apply(event({ label: "design", before: "v1", after: "d".repeat(30_000) })).applied).toBe(true);
    for (const label of ["Upper", "a/b", "../x", "x".repeat(41), "a\u001b[2Jb"]) {
      expect(sync.apply(event({ label, after: "t" })).refused, label).toMatch(/label/);
    }
    const have = p.store.blocks.list(agent.id).length;
    for (let i = have; i < MAX_PULLED_BLOCKS; i++) expect(sync.apply(event({ label: `b${i}`, after: "t" })).applied).toBe(true);
    expect(sync.apply(event({ label: "one-more", after: "t" })).refused).toMatch(/already has 32 blocks/);
    expect(p.store.blocks.list(agent.id)).toHaveLength(MAX_PULLED_BLOCKS);
    // Refused events are not recorded: a fixed re-send under a new id is not mistaken for a repeat.
    expect(p.store.memoryEvents.list(agent.id, { limit: 500 }).some((e) => e.label === "one-more")).toBe(false);
    expect(p.store.team.get("last_refused")).toMatch(/from bob@laptop: it adds block one-more/);
    p.close();
  });

  it("refuses a passage that is not the JSON local code reads, and an event that names no known actor or kind", () => {
    const { p, agent, sync } = project();
    const ok = JSON.stringify({ text: "t", tags: [], created_at: "2026-01-01T00:00:00.000Z" });
    const cases: Partial<TeamEvent>[] = [
      { kind: "passage", label: null, after: "{" },
      { kind: "passage", label: null, after: JSON.stringify({ text: { $gt: 1 }, tags: [], created_at: "x" }) },
      { kind: "passage", label: null, op: "delete", before: "nope", after: null },
      { kind: "passage", label: null, after: ok, actor: "root" as never },
      { kind: "config" as never, label: "project", after: "x" },
      { after: "x", at: "yesterday" },
      // Compared as text, "9" would be later than every real time; a year ahead would win every conflict after it.
      { after: "x", at: "9" },
      { after: "x", at: new Date(Date.now() + 365 * 86_400_000).toISOString() },
      { after: "x", id: "a'; DROP TABLE blocks; --" },
    ];
    for (const c of cases) expect(sync.apply(event(c)).refused, JSON.stringify(c)).toBeDefined();
    expect(p.store.passages.count(agent.id)).toBe(0);
    expect(p.store.blocks.list(agent.id).length).toBeGreaterThan(0);
    p.close();
  });
});
