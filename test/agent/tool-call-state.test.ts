import { describe, expect, it } from "vitest";
import type { AgentEvent, ToolCallState } from "../../src/agent/events.js";
import { canMove, IllegalToolTransition, isFinal, ToolCallLifecycle } from "../../src/agent/tool-call-state.js";

const ALL: ToolCallState[] = ["validating", "awaiting_approval", "running", "done", "error", "denied", "cancelled"];
const FINAL: ToolCallState[] = ["done", "error", "denied", "cancelled"];

function lifecycle() {
  const events: AgentEvent[] = [];
  const life = new ToolCallLifecycle({ id: "c1", name: "run_shell" }, (e) => events.push(e));
  return { life, events, states: () => events.map((e) => (e.type === "tool_update" ? e.state : e.type)) };
}

describe("the tool call state machine", () => {
  it("allows exactly the documented moves", () => {
    const legal = new Set([
      "validating>awaiting_approval",
      "validating>running",
      "validating>error",
      "validating>denied",
      "validating>cancelled",
      "awaiting_approval>running",
      "awaiting_approval>denied",
      "awaiting_approval>cancelled",
      // the escalation: the sandbox stopped the command, so the user is asked again
      "running>awaiting_approval",
      "running>done",
      "running>error",
      "running>denied",
      "running>cancelled",
    ]);
    for (const from of ALL) for (const to of ALL) expect(canMove(from, to), `${from} -> ${to}`).toBe(legal.has(`${from}>${to}`));
  });

  it("ends in done, error, denied or cancelled and nowhere else", () => {
    expect(ALL.filter(isFinal)).toEqual(FINAL);
  });

  it("announces validating as soon as a call exists, then every move", () => {
    const { life, states } = lifecycle();
    expect(life.phase).toEqual({ state: "validating" });
    life.to({ state: "awaiting_approval", question: { kind: "permission", rule: "run_shell(ls)", reason: "ask mode" } });
    life.to({ state: "running", unsandboxed: false });
    life.to({ state: "done" });
    expect(states()).toEqual(["validating", "awaiting_approval", "running", "done"]);
  });

  it("tells an expected error from a crash on the update itself", () => {
    const a = lifecycle();
    a.life.to({ state: "error", expected: true });
    const b = lifecycle();
    b.life.to({ state: "running", unsandboxed: false });
    b.life.to({ state: "error", expected: false });
    expect(a.events.at(-1)).toMatchObject({ state: "error", expected: true });
    expect(b.events.at(-1)).toMatchObject({ state: "error", expected: false });
    // Other states carry no `expected`: the public event shape stays as it was.
    expect(b.events[1]).not.toHaveProperty("expected");
  });

  it("refuses an illegal move without announcing it", () => {
    const { life, events } = lifecycle();
    life.to({ state: "denied", by: "rule" });
    expect(() => life.to({ state: "running", unsandboxed: false })).toThrow(IllegalToolTransition);
    expect(() => lifecycle().life.to({ state: "validating" })).toThrow(/validating to validating/);
    expect(events).toHaveLength(2);
    expect(life.phase).toEqual({ state: "denied", by: "rule" });
  });
});
