import { describe, expect, it } from "vitest";
import { collect, harness } from "../helpers/agent-harness.js";
import type { AgentEvent } from "../../src/agent/events.js";

/** The states one call went through, in order. */
const states = (events: AgentEvent[], id?: string) =>
  events.filter((e) => e.type === "tool_update" && (!id || e.id === id)).map((e) => (e.type === "tool_update" ? e.state : ""));

describe("a tool call's lifecycle (tool_update)", () => {
  it("validating -> running -> done for an allowed call", async () => {
    const h = await harness();
    h.server.enqueue({ toolCalls: [{ id: "c1", name: "read_file", arguments: { path: "README.md" } }] }, { text: "ok" });
    expect(states(await collect(h.session, "read it"), "c1")).toEqual(["validating", "running", "done"]);
  });

  it("awaiting_approval then running when approved, denied when declined or when nobody can be asked", async () => {
    const h = await harness();
    h.server.enqueue({ toolCalls: [{ id: "w1", name: "write_file", arguments: { path: "a.txt", content: "x" } }] }, { text: "ok" });
    let events = await collect(h.session, "write", { approve: async () => ({ decision: "yes" }) });
    expect(states(events, "w1")).toEqual(["validating", "awaiting_approval", "running", "done"]);
    h.server.enqueue({ toolCalls: [{ id: "w2", name: "write_file", arguments: { path: "b.txt", content: "x" } }] }, { text: "ok" });
    events = await collect(h.session, "write", { approve: async () => ({ decision: "no" }) });
    expect(states(events, "w2")).toEqual(["validating", "awaiting_approval", "denied"]);
    h.server.enqueue({ toolCalls: [{ id: "w3", name: "write_file", arguments: { path: "c.txt", content: "x" } }] }, { text: "ok" });
    expect(states(await collect(h.session, "write"), "w3")).toEqual(["validating", "denied"]);
  });

  it("an expected failure is told apart from a crash by the update, not by its text", async () => {
    const h = await harness();
    h.server.enqueue(
      { toolCalls: [{ id: "m1", name: "read_file", arguments: { path: "missing.txt" } }] },
      { toolCalls: [{ id: "m2", name: "read_file", arguments: "{not json" }] },
      { text: "ok" },
    );
    const events = await collect(h.session, "read");
    const last = (id: string) => events.filter((e) => e.type === "tool_update" && e.id === id).at(-1);
    expect(last("m1")).toMatchObject({ state: "error", expected: true });
    expect(last("m2")).toMatchObject({ state: "error", expected: true });
  });

  it("cancelled when the turn is interrupted while waiting for approval", async () => {
    const h = await harness();
    const ac = new AbortController();
    h.server.enqueue({ toolCalls: [{ id: "x1", name: "write_file", arguments: { path: "a.txt", content: "x" } }] });
    const events = await collect(h.session, "write", {
      signal: ac.signal,
      approve: () => {
        ac.abort();
        return new Promise(() => undefined);
      },
    });
    expect(states(events, "x1")).toEqual(["validating", "awaiting_approval", "cancelled"]);
  });
});
