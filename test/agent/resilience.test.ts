import { describe, expect, it } from "vitest";
import { collect, doneOf, harness, toolResults } from "../helpers/agent-harness.js";
import { countMessageTokens } from "../../src/llm/tokens.js";
import type { AgentEvent } from "../../src/agent/events.js";

describe("agent loop under failure", () => {
  it("retries 500s, then fails cleanly with the URL and status, keeping the conversation", async () => {
    const h = await harness();
    for (let i = 0; i < 4; i++) h.server.enqueue({ error: { status: 500, body: { error: { message: "boom" } }, headers: { "retry-after-ms": "20" } } });
    const events = await collect(h.session, "are you there?");
    const retries = events.filter((e) => e.type === "retry");
    expect(retries.length).toBe(3);
    const err = events.find((e) => e.type === "error");
    expect(err && err.type === "error" && err.message).toMatch(new RegExp(`${h.server.url.replace(/[/.]/g, "\\$&")}.*500`));
    expect(doneOf(events).reason).toBe("error");
    // the user's message is stored and the next turn still works
    h.server.enqueue({ text: "back" });
    const again = await collect(h.session, "retry please");
    expect(doneOf(again).reason).toBe("answer");
    const msgs = h.server.requests.at(-1)!.body.messages.filter((m: { role: string }) => m.role === "user");
    expect(msgs.map((m: { content: string }) => m.content)).toEqual(["are you there?", "retry please"]);
  }, 30_000);

  it("stops a loop of identical tool calls and says so", async () => {
    const h = await harness();
    const same = { toolCalls: [{ name: "grep", arguments: { pattern: "demo" } }] };
    h.server.enqueue(same, same, same, same);
    const events = await collect(h.session, "find demo");
    expect(doneOf(events).reason).toBe("loop_detected");
    expect(doneOf(events).result).toMatch(/grep with the same arguments 3 times/);
  });

  it("stops at the step limit with a clear message", async () => {
    const h = await harness({ maxSteps: 2 });
    h.server.enqueue(
      { toolCalls: [{ name: "list_files", arguments: {} }] },
      { toolCalls: [{ name: "read_file", arguments: { path: "README.md" } }] },
    );
    const events = await collect(h.session, "explore");
    expect(doneOf(events)).toMatchObject({ reason: "step_limit", numSteps: 2 });
    expect(doneOf(events).result).toMatch(/--max-steps/);
  });

  it("interrupt mid-stream keeps what was said and cancels the request", async () => {
    const h = await harness();
    h.server.enqueue({ text: "The first part arrives, and then", stallAfterChunks: 3, chunkSize: 8 });
    const controller = new AbortController();
    const events: AgentEvent[] = [];
    const started = Date.now();
    for await (const e of h.session.send("tell me", { signal: controller.signal })) {
      events.push(e);
      if (e.type === "assistant_delta" && events.filter((x) => x.type === "assistant_delta").length === 2) controller.abort();
    }
    expect(Date.now() - started).toBeLessThan(5000);
    expect(doneOf(events).reason).toBe("interrupted");
    const transcript = h.session.recentTranscript(5);
    expect(transcript.at(-1)).toMatchObject({ role: "assistant" });
    expect(transcript.at(-1)!.content).toMatch(/^The first part.*\[interrupted\]$/s);
  });

  it("interrupt mid-shell kills the command and records the call as interrupted", async () => {
    const h = await harness({ mode: "yolo" });
    h.server.enqueue({ toolCalls: [{ name: "run_shell", arguments: { command: "sleep 30" } }] }, { text: "after" });
    const controller = new AbortController();
    const events: AgentEvent[] = [];
    const started = Date.now();
    for await (const e of h.session.send("wait", { signal: controller.signal })) {
      events.push(e);
      if (e.type === "tool_call") setTimeout(() => controller.abort(), 300);
    }
    expect(Date.now() - started).toBeLessThan(5000);
    expect(toolResults(events)[0].state).toBe("cancelled");
    expect(doneOf(events).reason).toBe("interrupted");
    // the next turn sends a well-formed history (the call has its result)
    h.server.enqueue({ text: "ok" });
    await collect(h.session, "go on");
    const msgs = h.server.requests.at(-1)!.body.messages;
    const callIdx = msgs.findIndex((m: { tool_calls?: unknown[] }) => m.tool_calls);
    expect(msgs[callIdx + 1]).toMatchObject({ role: "tool", content: expect.stringMatching(/Interrupted/) });
  });

  it("compacts a small context window: every request fits, evicted messages stay searchable", async () => {
    const window = 6000;
    const h = await harness({ contextWindow: window });
    const limit = window - Math.min(4096, Math.floor(window * 0.15));
    h.server.setFallback((req) => {
      const sys = req.body.messages[0].content as string;
      if (sys.includes("running summary")) return { text: "Summary: the user talked about topic numbers and the secret word." };
      return { text: `ok ${"filler text for length ".repeat(30)}` };
    });
    const kinds: string[] = [];
    for (let i = 0; i < 14; i++) {
      const words = i === 0 ? "The secret word is PAPAYA-42." : `topic ${i}: ${"lorem ipsum dolor sit amet ".repeat(25)}`;
      for await (const e of h.session.send(words)) kinds.push(e.type);
    }
    expect(kinds).toContain("compaction");
    // the summary's model call is announced as a wait before the compaction result
    expect(kinds.indexOf("progress")).toBeGreaterThanOrEqual(0);
    expect(kinds.indexOf("progress")).toBeLessThan(kinds.indexOf("compaction"));
    expect(kinds).toContain("memory_pressure");
    for (const r of h.server.requests) {
      expect(countMessageTokens(r.body.messages, r.body.tools)).toBeLessThanOrEqual(limit);
    }
    const last = h.server.requests.at(-1)!.body.messages;
    expect(JSON.stringify(last)).not.toContain("PAPAYA-42");
    expect(last[0].content).toContain("<conversation_summary");
    const hits = await h.session.memory.recall.search("PAPAYA");
    expect(hits[0].content).toContain("PAPAYA-42");
  }, 60_000);
});
