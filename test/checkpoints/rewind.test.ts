import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collect, harness } from "../helpers/agent-harness.js";
import type { Agent } from "../../src/agent/agent.js";

const write = (path: string, content: string) => ({ name: "write_file", arguments: { path, content } });
const edit = (path: string, old_string: string, new_string: string) => ({ name: "edit_file", arguments: { path, old_string, new_string } });
const shell = (command: string) => ({ name: "run_shell", arguments: { command } });

async function yolo() {
  const h = await harness({ mode: "yolo" });
  return { ...h, agent: h.session as Agent };
}

describe("checkpoints and rewind (through the real store)", () => {
  it("a turn's edit and new file are listed, and a code-only rewind undoes them without touching the conversation", async () => {
    const h = await yolo();
    writeFileSync(join(h.root, "app.js"), "console.log(1);\n");
    h.server.enqueue({ toolCalls: [edit("app.js", "1", "2"), write("src/new.js", "x\n")] }, { text: "done" });
    const events = await collect(h.session, "change it");
    const start = events.find((e) => e.type === "turn_start");
    expect(start).toMatchObject({ turnId: expect.any(Number) });
    const turns = h.agent.turns();
    expect(turns).toHaveLength(1);
    expect(turns[0]!.text).toBe("change it");
    expect(turns[0]!.files.map((f) => [f.path, f.change, f.source])).toEqual([
      ["app.js", "modified", "tool"],
      ["src/new.js", "created", "tool"],
    ]);
    const before = h.project.store.messages.window(h.agent.info().agentId, h.agent.info().conversationId).length;
    const r = h.agent.rewind(turns[0]!.turnId, { code: true, conversation: false, memory: false });
    expect(r.needsConfirmation).toBeUndefined();
    expect(readFileSync(join(h.root, "app.js"), "utf8")).toBe("console.log(1);\n");
    expect(existsSync(join(h.root, "src/new.js"))).toBe(false);
    expect(r).toMatchObject({ restored: ["app.js"], deleted: ["src/new.js"], evicted: 0 });
    expect(h.project.store.messages.window(h.agent.info().agentId, h.agent.info().conversationId)).toHaveLength(before);
    // Restored records are done with: the same rewind again has nothing left to do.
    expect(h.agent.planRewind(turns[0]!.turnId).items).toEqual([]);
  });

  it("a file changed by hand since is not overwritten until confirmed", async () => {
    const h = await yolo();
    h.server.enqueue({ toolCalls: [write("notes.txt", "agent\n")] }, { text: "ok" });
    await collect(h.session, "write notes");
    writeFileSync(join(h.root, "notes.txt"), "mine\n");
    const turn = h.agent.turns()[0]!.turnId;
    const r = h.agent.rewind(turn, { code: true, conversation: true, memory: false });
    expect(r.needsConfirmation?.map((i) => i.path)).toEqual(["notes.txt"]);
    expect(readFileSync(join(h.root, "notes.txt"), "utf8")).toBe("mine\n");
    // Nothing else happened either: the conversation is still there.
    expect(h.agent.turns()).toHaveLength(1);
    const forced = h.agent.rewind(turn, { code: true, conversation: true, memory: false, force: true });
    expect(forced.deleted).toEqual(["notes.txt"]);
    expect(existsSync(join(h.root, "notes.txt"))).toBe(false);
  });

  it("changes made by run_shell are restored from the snapshot", async () => {
    const h = await yolo();
    writeFileSync(join(h.root, "keep.txt"), "original\n");
    h.server.enqueue({ toolCalls: [shell("echo generated > gen.txt && rm README.md && echo changed > keep.txt")] }, { text: "ran" });
    await collect(h.session, "run the generator");
    const turn = h.agent.turns()[0]!;
    expect(turn.files.map((f) => [f.path, f.change, f.source])).toEqual([
      ["README.md", "deleted", "shell"],
      ["gen.txt", "created", "shell"],
      ["keep.txt", "modified", "shell"],
    ]);
    h.agent.rewind(turn.turnId, { code: true, conversation: false, memory: false });
    expect(readFileSync(join(h.root, "README.md"), "utf8")).toBe("# demo\n");
    expect(readFileSync(join(h.root, "keep.txt"), "utf8")).toBe("original\n");
    expect(existsSync(join(h.root, "gen.txt"))).toBe(false);
  });

  it("a conversation rewind keeps later messages in recall but out of the next request", async () => {
    const h = await yolo();
    h.server.enqueue({ text: "first answer" }, { text: "the zebra answer" });
    await collect(h.session, "first question");
    await collect(h.session, "ask about zebras");
    const second = h.agent.turns()[1]!;
    const r = h.agent.rewind(second.turnId, { code: false, conversation: true, memory: false });
    expect(r.text).toBe("ask about zebras");
    expect(r.evicted).toBe(2);
    expect(h.agent.turns()).toHaveLength(1);
    expect((await h.session.memory.recall.search("zebra")).map((m) => m.content)).toContain("the zebra answer");
    h.server.enqueue({ text: "next" });
    await collect(h.session, "another question");
    const sent = JSON.stringify(h.server.requests.at(-1)!.body.messages);
    expect(sent).toContain("first answer");
    expect(sent).not.toContain("zebra");
    // What a reopened TUI shows: the rewound turn left out, the turns on either side of it kept.
    expect(h.session.recentTranscript(10).map((e) => e.content)).toEqual(["first question", "first answer", "another question", "next"]);
  });

  it("--memory undoes the core memory edits and archival inserts made since the turn", async () => {
    const h = await yolo();
    h.server.enqueue(
      { toolCalls: [{ name: "core_memory_append", arguments: { label: "project", content: "Uses tabs" } }, { name: "archival_memory_insert", arguments: { content: "a passage" } }] },
      { text: "saved" },
    );
    await collect(h.session, "remember");
    expect(h.session.memory.core.get("project")!.value).toContain("Uses tabs");
    expect(h.session.memory.archival.count()).toBe(1);
    const turn = h.agent.turns()[0]!.turnId;
    const r = h.agent.rewind(turn, { code: false, conversation: false, memory: true });
    expect(r.memory).toEqual({ blocks: 1, passages: 1 });
    expect(h.session.memory.core.get("project")!.value).toBe("");
    expect(h.session.memory.archival.count()).toBe(0);
  });

  it("never restores into .git or .letta, whatever the records say", async () => {
    const h = await yolo();
    mkdirSync(join(h.root, ".git"), { recursive: true });
    writeFileSync(join(h.root, ".git", "config"), "[core]\n");
    h.server.enqueue({ text: "hi" });
    await collect(h.session, "hello");
    const turn = h.agent.turns()[0]!.turnId;
    // A forged record (e.g. from a tampered database) pointing into .git and .letta.
    for (const path of [".git/config", ".letta/config.json", "sub/.git/HEAD"]) {
      h.project.store.checkpoints.recordFile({ turnId: turn, path, source: "tool", beforeHash: null, afterHash: null, restorable: true });
    }
    const plan = h.agent.planRewind(turn);
    expect(plan.items.every((i) => !i.restorable)).toBe(true);
    h.agent.rewind(turn, { code: true, conversation: false, memory: false, force: true });
    expect(readFileSync(join(h.root, ".git", "config"), "utf8")).toBe("[core]\n");
  });

  it("forks a conversation: the copy carries the history, the original gains nothing", async () => {
    const h = await yolo();
    h.server.enqueue({ text: "original answer" }, { text: "fork answer" });
    await collect(h.session, "original question");
    const original = h.agent.info().conversationId;
    const count = () => h.project.store.messages.tail(h.agent.info().agentId, original, 100).length;
    const before = count();
    const forked = h.agent.fork();
    expect(forked).not.toBe(original);
    await collect(h.session, "in the fork");
    expect(JSON.stringify(h.server.requests.at(-1)!.body.messages)).toContain("original answer");
    expect(count()).toBe(before);
    expect(h.agent.sessions().map((s) => s.id)).toEqual([forked, original]);
    // The fork has its own copy of the turn records.
    expect(h.agent.turns().map((t) => t.text)).toEqual(["original question", "in the fork"]);
    expect(h.agent.resume(original.slice(0, 12))).toBe(original);
  });

  it("a checkpoint store that cannot be opened costs the rewind, not the turn", async () => {
    const h = await yolo();
    writeFileSync(join(h.root, ".letta", "checkpoints"), "not a directory");
    h.server.enqueue({ toolCalls: [write("made.txt", "x\n")] }, { text: "done anyway" });
    const events = await collect(h.session, "make a file");
    expect(events.find((e) => e.type === "done")).toMatchObject({ reason: "answer", result: "done anyway" });
    expect(readFileSync(join(h.root, "made.txt"), "utf8")).toBe("x\n");
    const notice = events.find((e) => e.type === "notice" && /Checkpoints unavailable/.test(e.message));
    expect(notice).toBeDefined();
  });

  it("a repository over the size limit is not copied: a command's changes are listed, not restorable", async () => {
    const first = await yolo();
    writeFileSync(join(first.root, ".letta", "config.json"), JSON.stringify({ checkpoints: { maxSizeMB: 0.000001 } }));
    // Config is resolved once, when a project opens: open it again to read the limit.
    const again = first.reopen({ mode: "yolo" });
    const h = { ...first, ...again, agent: again.session as Agent };
    writeFileSync(join(h.root, "big.txt"), "original\n");
    h.server.enqueue({ toolCalls: [shell("echo changed > big.txt")] }, { text: "ran" });
    await collect(h.session, "change it with a command");
    const turn = h.agent.turns()[0]!;
    expect(turn.files.map((f) => [f.path, f.change, f.source, f.restorable])).toEqual([["big.txt", "modified", "shell", false]]);
    const r = h.agent.rewind(turn.turnId, { code: true, conversation: false, memory: false });
    expect(r.skipped.map((k) => k.path)).toEqual(["big.txt"]);
    expect(r.skipped[0]!.reason).toMatch(/changed by a shell command, not restorable/);
    expect(readFileSync(join(h.root, "big.txt"), "utf8")).toBe("changed\n");
  });
});
