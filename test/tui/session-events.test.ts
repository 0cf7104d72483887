import { describe, expect, it } from "vitest";
import type { AgentEvent } from "../../src/agent/events.js";
import { reduceEvent, type Busy, type TurnView } from "../../src/tui/session-events.js";
import { emptyTurn } from "../../src/tui/turn-state.js";
import type { Item } from "../../src/tui/items.js";

const T0 = 1_000;
const thinking: Busy = { label: "thinking…", since: T0, hint: "Esc to interrupt" };

/** Run events through the step at a fixed clock, collecting commits and the last step's extras. */
function run(events: AgentEvent[], busy: Busy | null = thinking, now = T0 + 500) {
  let view: TurnView = { turn: emptyTurn(), busy };
  const committed: Item[] = [];
  const steps = events.map((ev) => {
    const step = reduceEvent(view, ev, { now, baseURL: "http://127.0.0.1:9" });
    view = step.view;
    committed.push(...step.commit);
    return step;
  });
  return { view, committed, steps };
}

describe("what an event does around the turn", () => {
  it("a turn_waiting notice is the progress line, not a note; turn_start brings back thinking…", () => {
    const waiting = run([{ type: "notice", code: "turn_waiting", message: "Waiting for another turn on this conversation…" }]);
    expect(waiting.committed).toEqual([]);
    expect(waiting.view.busy).toEqual({ label: "Waiting for another turn on this conversation…", since: T0, hint: "Esc to stop waiting" });
    const started = run([{ type: "turn_start", agentId: "a", conversationId: "c" }], waiting.view.busy);
    expect(started.view.busy).toEqual({ label: "thinking…", since: T0, hint: "Esc to interrupt" });
  });

  it("a notice without a code is an info note; waiting with no progress line starts one now", () => {
    expect(run([{ type: "notice", message: "MCP server x skipped" }]).committed).toEqual([expect.objectContaining({ kind: "note", level: "info", text: "MCP server x skipped" })]);
    const fresh = run([{ type: "notice", code: "turn_waiting", message: "Waiting…" }], null, 42);
    expect(fresh.view.busy).toMatchObject({ since: 42 });
    // turn_start never invents a progress line.
    expect(run([{ type: "turn_start", agentId: "a", conversationId: "c" }], null).view.busy).toBeNull();
  });

  it("a tool call shows running <name>… keeping the clock, its result goes back to thinking…", () => {
    const r = run([
      { type: "tool_call", id: "c1", name: "grep", args: {}, rawArgs: "" },
      { type: "tool_result", id: "c1", name: "grep", state: "done", content: "ok" },
    ]);
    expect(r.steps[0].view.busy).toEqual({ label: "running grep…", since: T0, hint: "Esc to interrupt" });
    expect(r.view.busy).toMatchObject({ label: "thinking…", since: T0 });
    expect(r.steps.map((s) => s.flush)).toEqual(["now", "now"]);
  });

  it("chunks flush batched; structural events at once; a first-seen memory change refreshes the status line", () => {
    const r = run([
      { type: "assistant_delta", text: "hi" },
      { type: "assistant_message", text: "hi", messageId: "m" },
      { type: "memory_update", label: "human", action: "append", before: "", after: "Ana" },
      { type: "memory_update", label: "human", action: "append", before: "", after: "Ana" },
    ]);
    expect(r.steps.map((s) => [s.flush, s.refresh])).toEqual([
      ["batched", undefined],
      ["now", undefined],
      [undefined, true],
      [undefined, undefined],
    ]);
  });

  it("progress shows on the line (no number at 0%), and at 100% becomes a note and thinking… again", () => {
    const r = run([{ type: "progress", what: "Downloading the embedding model", percent: 0, detail: "" }]);
    expect(r.view.busy).toMatchObject({ label: "Downloading the embedding model…", since: T0 });
    expect(run([{ type: "progress", what: "Embedding", percent: 41.6, detail: "3/7" }]).view.busy?.label).toBe("Embedding 42% · 3/7");
    const doneStep = run([{ type: "progress", what: "Embedding", percent: 100, detail: "7 files" }]);
    expect(doneStep.committed).toEqual([expect.objectContaining({ level: "dim", text: "Embedding: done (7 files)" })]);
    expect(doneStep.view.busy?.label).toBe("thinking…");
  });

  it("usage carries the context size; compaction, pressure, retry, errors and odd endings are notes", () => {
    const u = run([{ type: "usage", usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 }, contextTokens: 1200, contextWindow: 8000 }]);
    expect(u.steps[0].context).toEqual({ contextTokens: 1200, contextWindow: 8000 });
    expect(u.committed).toEqual([]);
    const r = run([
      { type: "compaction", evicted: 12, summaryChars: 300, tokensBefore: 9000, tokensAfter: 2500 },
      { type: "memory_pressure", tokens: 750, window: 1000 },
      { type: "retry", attempt: 2, delayMs: 1500, reason: "429" },
      { type: "error", message: "connect ECONNREFUSED", fatal: true },
      { type: "done", reason: "step_limit", result: "", numSteps: 30, usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 } },
      { type: "done", reason: "answer", result: "", numSteps: 1, usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 } },
    ]);
    expect(r.committed.map((i) => (i.kind === "note" ? [i.level, i.text.slice(0, 22)] : i.kind))).toEqual([
      ["dim", "⟳ Compacted the conver"],
      ["warn", "Context is 75% full; t"],
      ["warn", "Model request failed ("],
      ["error", "connect ECONNREFUSED"],
      ["warn", "Stopped after 30 steps"],
    ]);
    expect(r.committed[3]).toMatchObject({ hint: expect.stringContaining("http://127.0.0.1:9") });
  });

  it("leaves the view as it was for events it does not show", () => {
    const view: TurnView = { turn: emptyTurn(), busy: thinking };
    const step = reduceEvent(view, { type: "approval_request", id: "x", name: "run_shell", args: {}, preview: { kind: "text", text: "ls" }, suggestedRule: "run_shell(ls)" }, { now: 0 });
    expect(step.view).toBe(view);
    expect(step.commit).toEqual([]);
  });
});
