import { describe, expect, it } from "vitest";
import type { AgentEvent, ReflectionStatus } from "../../src/agent/events.js";
import { idleReflection, reduceReflection, requestReflection, type ReflectionView } from "../../src/tui/reflection-view.js";

const ZERO = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
const start = (trigger: "turns" | "manual" = "turns"): AgentEvent => ({ type: "reflection", phase: "start", trigger, messages: 4 });
const end = (status: ReflectionStatus, changes = 0, message?: string): AgentEvent => ({ type: "reflection", phase: "end", status, messagesReflected: 4, changes, usage: ZERO, message });

function run(events: AgentEvent[], view: ReflectionView = idleReflection()) {
  const commit = [];
  for (const ev of events) {
    const step = reduceReflection(view, ev);
    view = step.view;
    commit.push(...step.commit);
  }
  return { view, commit };
}

describe("background reflection in the transcript", () => {
  it("a memory change from the pass is a learned item, and refreshes the status line", () => {
    const step = reduceReflection(idleReflection(), { type: "memory_update", label: "human", action: "append", before: "", after: "Prefers pnpm.", eventId: "ev-7" });
    expect(step.commit).toEqual([expect.objectContaining({ kind: "learned", label: "human", text: "Prefers pnpm.", undoId: "ev-7" })]);
    expect(step.refresh).toBe(true);
  });

  it("team memory pulled between turns is a note, and refreshes; a failed sync is a warning", () => {
    const pulled = reduceReflection(idleReflection(), { type: "notice", code: "team_synced", message: "Team memory: 1 change from other machines (block project)." });
    expect(pulled.commit).toEqual([expect.objectContaining({ text: "Team memory: 1 change from other machines (block project)." })]);
    expect(pulled.refresh).toBe(true);
    const failed = reduceReflection(idleReflection(), { type: "notice", code: "team_error", message: "Team sync failed" });
    expect(failed.commit).toEqual([expect.objectContaining({ level: "warn" })]);
  });

  it("is running between start and end; a scheduled pass that learned nothing says nothing", () => {
    const s = reduceReflection(idleReflection(), start());
    expect(s.view).toMatchObject({ running: true, trigger: "turns" });
    const r = run([end("done")], s.view);
    expect(r.view).toMatchObject({ running: false, trigger: null });
    expect(r.commit).toEqual([]);
  });

  it("a manual pass reports when it learned nothing or was refused", () => {
    const asked = requestReflection(idleReflection());
    expect(asked.commit).toEqual([]);
    expect(run([start("manual"), end("done")], asked.view).commit).toEqual([expect.objectContaining({ level: "dim", text: "Reflected on 4 messages: nothing durable to learn." })]);
    expect(run([start("manual"), end("off", 0, "Reflection is off.")], requestReflection(idleReflection()).view).commit).toEqual([expect.objectContaining({ level: "warn", text: "Reflection is off." })]);
    // Asking while one runs says so instead.
    expect(requestReflection(run([start()]).view).commit).toEqual([expect.objectContaining({ text: expect.stringContaining("already running") })]);
  });

  it("the daily cap is said once unless asked for; a failure always", () => {
    const first = run([start(), end("capped")]);
    expect(first.commit).toHaveLength(1);
    expect(run([start(), end("capped")], first.view).commit).toEqual([]);
    expect(run([start("manual"), end("capped")], { ...first.view, trigger: "manual" }).commit).toHaveLength(1);
    expect(run([start(), end("failed")]).commit).toEqual([expect.objectContaining({ level: "warn", text: "Reflection failed.", hint: "/reflect tries again." })]);
  });
});
