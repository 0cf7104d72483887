import { describe, expect, it } from "vitest";
import type { AgentEvent } from "../../src/agent/events.js";
import type { AgentSession } from "../../src/agent/session.js";
import { Store } from "../../src/store/store.js";
import { collect, harness } from "../helpers/agent-harness.js";
import type { RecordedRequest } from "../helpers/llm-server.mjs";

async function reflect(session: AgentSession): Promise<AgentEvent[]> {
  const out: AgentEvent[] = [];
  for await (const e of session.reflect!({ trigger: "manual" })) out.push(e);
  return out;
}
const endOf = (events: AgentEvent[]) => events.find((e) => e.type === "reflection" && e.phase === "end") as Extract<AgentEvent, { type: "reflection"; phase: "end" }>;
const isReflection = (r: RecordedRequest) => String(r.body.messages[0].content).startsWith("You are the memory of a coding agent");
const append = (content: string, reason = "a command that works") => ({
  toolCalls: [{ name: "core_memory_append", arguments: { label: "project", content, reason } }],
});

describe("reflection", () => {
  it("distils a conversation the main model never saved into project memory, with memory tools only", async () => {
    const h = await harness();
    h.server.enqueue({ text: "Sure, run make check before pushing." });
    await collect(h.session, "By the way, our tests run with `make check`, never npm test.");
    h.server.enqueue(append("Tests: `make check` (not npm test)."), { text: "done" });
    const events = await reflect(h.session);
    expect(endOf(events)).toMatchObject({ status: "done", changes: 1, messagesReflected: 2 });
    expect(events.find((e) => e.type === "memory_update")).toMatchObject({
      label: "project",
      actor: "reflection",
      reason: "a command that works",
      after: "Tests: `make check` (not npm test).",
    });
    expect(h.session.memory.core.get("project")!.value).toContain("make check");
    const req = h.server.requests.find(isReflection)!.body;
    // Never file or shell tools: reflection only edits memory.
    expect(req.tools.map((t: { function: { name: string } }) => t.function.name).sort()).toEqual(
      ["archival_memory_insert", "archival_memory_search", "conversation_search", "core_memory_append", "core_memory_replace", "memory_rethink"],
    );
    expect(req.messages[1].content).toContain("our tests run with `make check`");
    const appendTool = req.tools.find((t: { function: { name: string } }) => t.function.name === "core_memory_append");
    expect(Object.keys(appendTool.function.parameters.properties)).toEqual(["label", "content", "reason"]);
    // Nothing new: no model call at all.
    const before = h.server.requests.length;
    expect(endOf(await reflect(h.session))).toMatchObject({ status: "nothing" });
    expect(h.server.requests.length).toBe(before);
    // Usage counted apart from the session's.
    const stats = h.session.stats();
    expect(stats.reflectionUsage!.totalTokens).toBeGreaterThan(0);
    expect(stats.reflectionToday).toBe(stats.reflectionUsage!.totalTokens);
  });

  it("a failed model call changes nothing and moves no watermark; the next pass reads the same messages", async () => {
    const h = await harness({ flags: { maxRetries: 0 } });
    h.server.enqueue({ text: "ok" });
    await collect(h.session, "We deploy with fly deploy.");
    const store = (h.project as unknown as { store: Store }).store;
    const agentId = h.session.info().agentId;
    h.server.enqueue({ error: { status: 500 } });
    const end = endOf(await reflect(h.session));
    expect(end.status).toBe("failed");
    expect(end.message).toMatch(/Reflection failed: .*500/);
    expect(store.reflection.watermark(agentId)).toBe(0);
    expect(h.session.memory.core.get("project")!.value).toBe("");
    h.server.enqueue(append("Deploy: fly deploy"), { text: "done" });
    expect(endOf(await reflect(h.session))).toMatchObject({ status: "done", messagesReflected: 2 });
    expect(store.reflection.watermark(agentId)).toBeGreaterThan(0);
  });

  it("a lease held by another process keeps this one off the same messages", async () => {
    const h = await harness();
    h.server.enqueue({ text: "ok" });
    await collect(h.session, "hello");
    const other = Store.open(`${h.root}/.letta`);
    const agentId = h.session.info().agentId;
    expect(other.reflection.claim(agentId, "other-process", 60_000).kind).toBe("claimed");
    const before = h.server.requests.length;
    expect(endOf(await reflect(h.session))).toMatchObject({ status: "busy" });
    expect(h.server.requests.length).toBe(before);
    // An expired lease (a crashed process) is taken over.
    expect(other.reflection.release(agentId, "other-process")).toBe(true);
    expect(other.reflection.claim(agentId, "crashed", -1).kind).toBe("claimed");
    h.server.enqueue({ text: "nothing to learn" });
    expect(endOf(await reflect(h.session))).toMatchObject({ status: "done" });
    other.close();
  });

  it("reads a long backlog over several passes, moving the watermark only over what it read", async () => {
    const h = await harness();
    for (let i = 0; i < 6; i++) {
      h.server.enqueue({ text: `answer ${i} ${"x".repeat(3000)}` });
      await collect(h.session, `question ${i} ${"y".repeat(3000)}`);
    }
    h.server.setFallback({ text: "nothing to learn" });
    const first = endOf(await reflect(h.session));
    expect(first.status).toBe("done");
    expect(first.messagesReflected).toBeGreaterThan(0);
    expect(first.messagesReflected).toBeLessThan(12);
    let total = first.messagesReflected;
    for (let i = 0; i < 10 && total < 12; i++) total += endOf(await reflect(h.session)).messagesReflected;
    expect(total).toBe(12);
  });

  it("pauses at the daily token cap with one clear message", async () => {
    const h = await harness({ flags: { reflection: { dailyTokenCap: 50 } } });
    h.server.enqueue({ text: "ok" });
    await collect(h.session, "We use pnpm.");
    h.server.enqueue({ text: "nothing to learn", usage: { prompt_tokens: 80, completion_tokens: 5 } });
    expect(endOf(await reflect(h.session))).toMatchObject({ status: "done" });
    h.server.enqueue({ text: "ok" });
    await collect(h.session, "And we use vitest.");
    const before = h.server.requests.length;
    const end = endOf(await reflect(h.session));
    expect(end.status).toBe("capped");
    expect(end.message).toMatch(/daily cap of 50/);
    expect(h.server.requests.length).toBe(before);
  });

  it("is refused when reflection.mode is off", async () => {
    const h = await harness({ flags: { reflection: { mode: "off" } } });
    h.server.enqueue({ text: "ok" });
    await collect(h.session, "hi");
    expect(endOf(await reflect(h.session))).toMatchObject({ status: "off" });
    expect(h.session.reflectionSchedule!()).toEqual({ mode: "off", everyTurns: 3 });
  });
});
