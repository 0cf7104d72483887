import { describe, expect, it } from "vitest";
import type { AgentEvent } from "../../src/agent/events.js";
import { TurnSinks } from "../../src/agent/turn-sinks.js";

describe("the project's turn sinks", () => {
  it("routes agent events to that agent's running turns, and holds notices until a turn starts", () => {
    const sinks = new TurnSinks();
    const a = sinks.add("agent-a");
    const b = sinks.add("agent-b");
    sinks.notice("raised before any turn");
    const seenA: AgentEvent[] = [];
    const seenB: AgentEvent[] = [];
    sinks.attach(a, (e) => seenA.push(e));
    expect(seenA).toEqual([{ type: "notice", message: "raised before any turn" }]);
    sinks.attach(b, (e) => seenB.push(e));
    expect(seenB).toEqual([]);
    sinks.toAgent("agent-b", { type: "notice", message: "for b" });
    sinks.toAll({ type: "notice", message: "for all" });
    expect(seenA.map((e) => (e.type === "notice" ? e.message : ""))).toEqual(["raised before any turn", "for all"]);
    expect(seenB.map((e) => (e.type === "notice" ? e.message : ""))).toEqual(["for b", "for all"]);
    sinks.attach(a, null);
    sinks.attach(b, null);
    sinks.notice("later");
    expect(sinks.takePending()).toEqual(["later"]);
  });
});
