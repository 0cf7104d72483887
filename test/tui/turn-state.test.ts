import { describe, expect, it } from "vitest";
import type { AgentEvent } from "../../src/agent/events.js";
import { emptyTurn, endTurn, interruptTurn, reduceTurn, type TurnState } from "../../src/tui/turn-state.js";
import type { Item } from "../../src/tui/items.js";

/** Run events through the reducer, collecting what was committed. */
function run(events: AgentEvent[], start: TurnState = emptyTurn()) {
  let state = start;
  const committed: Item[] = [];
  for (const e of events) {
    const r = reduceTurn(state, e);
    state = r.state;
    committed.push(...r.commit);
  }
  return { state, committed };
}

describe("the TUI's turn reducer", () => {
  it("streams deltas, commits the answer when a tool starts, and the tool when its result arrives", () => {
    const { state, committed } = run([
      { type: "assistant_delta", text: "Let me " },
      { type: "assistant_delta", text: "look." },
      { type: "tool_call", id: "c1", name: "read_file", args: { path: "a" }, rawArgs: "" },
      { type: "tool_update", id: "c1", name: "read_file", state: "running" },
    ]);
    expect(committed).toEqual([expect.objectContaining({ kind: "assistant", text: "Let me look." })]);
    expect(state.stream).toBe("");
    expect(state.live).toEqual([expect.objectContaining({ callId: "c1", state: "running" })]);
    const after = run([{ type: "tool_result", id: "c1", name: "read_file", state: "done", content: "x" }], state);
    expect(after.state.live).toEqual([]);
    expect(after.committed).toEqual([expect.objectContaining({ kind: "tool", callId: "c1", state: "done", content: "x" })]);
  });

  it("follows tool_update to awaiting_approval and denied; a declined call keeps the user's reason", () => {
    let s = run([{ type: "tool_call", id: "w", name: "write_file", args: {}, rawArgs: "" }, { type: "tool_update", id: "w", name: "write_file", state: "awaiting_approval" }]);
    expect(s.state.live[0].state).toBe("awaiting_approval");
    s = run(
      [
        { type: "approval_result", id: "w", approved: false, reason: "not now" },
        { type: "tool_update", id: "w", name: "write_file", state: "denied" },
        { type: "tool_result", id: "w", name: "write_file", state: "error", content: "The user declined" },
      ],
      s.state,
    );
    expect(s.committed).toEqual([expect.objectContaining({ state: "denied", denyReason: "not now" })]);
  });

  it("a rule's refusal shows as denied with the result's reason", () => {
    const s = run([
      { type: "tool_call", id: "r", name: "run_shell", args: {}, rawArgs: "" },
      { type: "tool_update", id: "r", name: "run_shell", state: "denied" },
      { type: "tool_result", id: "r", name: "run_shell", state: "error", content: "Permission denied: deny rule" },
    ]);
    expect(s.committed).toEqual([expect.objectContaining({ state: "denied", denyReason: "Permission denied: deny rule" })]);
  });

  it("shows a memory change once, whether it comes as an event or a tool display first", () => {
    const s = run([
      { type: "tool_call", id: "m", name: "core_memory_append", args: {}, rawArgs: "" },
      { type: "memory_update", label: "human", action: "append", before: "", after: "Ana" },
      { type: "tool_result", id: "m", name: "core_memory_append", state: "done", content: "ok", display: { kind: "memory", label: "human", action: "append", before: "", after: "Ana" } },
      { type: "memory_update", label: "human", action: "append", before: "", after: "Ana" },
    ]);
    expect(s.committed.filter((i) => i.kind === "memory")).toHaveLength(1);
    expect(s.committed.find((i) => i.kind === "tool")).toMatchObject({ memoryShown: true });
  });

  it("after an interrupt the partial answer is committed, marked, and later text is ignored; the end cancels live calls", () => {
    let s = run([
      { type: "assistant_delta", text: "partial" },
    ]);
    const i = interruptTurn(s.state);
    expect(i.commit).toEqual([expect.objectContaining({ kind: "assistant", text: "partial", interrupted: true })]);
    s = run([{ type: "assistant_delta", text: " more" }, { type: "tool_call", id: "t", name: "grep", args: {}, rawArgs: "" }], i.state);
    expect(s.state.stream).toBe("");
    const end = endTurn(s.state);
    expect(end.state.live).toEqual([]);
    expect(end.commit).toEqual([expect.objectContaining({ callId: "t", state: "cancelled" })]);
    // An interrupt with nothing said yet is a note.
    expect(interruptTurn(emptyTurn()).commit).toEqual([expect.objectContaining({ kind: "note", text: "Interrupted." })]);
  });

  it("does not mutate the state it is given", () => {
    const start = emptyTurn();
    const frozen = JSON.stringify({ ...start, memoryKeys: [...start.memoryKeys] });
    run([{ type: "assistant_delta", text: "x" }, { type: "memory_update", label: "a", action: "set", before: "", after: "b" }], start);
    expect(JSON.stringify({ ...start, memoryKeys: [...start.memoryKeys] })).toBe(frozen);
  });
});
