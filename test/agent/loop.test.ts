import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collect, doneOf, harness, toolResults } from "../helpers/agent-harness.js";
import { projectRecord } from "../../src/trust/record.js";

describe("agent loop against an OpenAI-compatible server", () => {
  it("streams an answer as deltas and stores both sides of the exchange", async () => {
    const h = await harness();
    h.server.enqueue({ text: "Hello there, how can I help?", chunkSize: 5 });
    const events = await collect(h.session, "hi");
    const deltas = events.filter((e) => e.type === "assistant_delta");
    expect(deltas.length).toBeGreaterThan(3);
    expect(doneOf(events)).toMatchObject({ reason: "answer", result: "Hello there, how can I help?", numSteps: 1 });
    const req = h.server.requests[0].body;
    expect(req.stream).toBe(true);
    expect(req.messages[0].role).toBe("system");
    expect(req.messages[0].content).toContain('<block label="persona"');
    expect(req.messages.at(-1)).toEqual({ role: "user", content: "hi" });
    expect(req.tools.map((t: { function: { name: string } }) => t.function.name)).toEqual(
      expect.arrayContaining(["core_memory_append", "archival_memory_search", "read_file", "run_shell", "update_plan"]),
    );
    expect(h.session.recentTranscript(10).map((t) => [t.role, t.content])).toEqual([
      ["user", "hi"],
      ["assistant", "Hello there, how can I help?"],
    ]);
  });

  it("a memory write lands in the next session's system prompt", async () => {
    const h = await harness();
    h.server.enqueue(
      { toolCalls: [{ name: "core_memory_append", arguments: { label: "project", content: "Uses SQLAlchemy 2.0" } }] },
      { text: "Noted." },
    );
    const events = await collect(h.session, "Remember that we use SQLAlchemy 2.0.");
    expect(events.find((e) => e.type === "memory_update")).toMatchObject({ label: "project", action: "append", after: "Uses SQLAlchemy 2.0" });
    const next = h.reopen();
    h.server.enqueue({ text: "You use SQLAlchemy 2.0." });
    await collect(next.session, "what ORM?");
    expect(h.server.requests.at(-1)!.body.messages[0].content).toContain("Uses SQLAlchemy 2.0");
  });

  it("runs parallel tool calls in one response and answers each", async () => {
    const h = await harness();
    h.server.enqueue(
      {
        toolCalls: [
          { name: "read_file", arguments: { path: "README.md" } },
          { name: "list_files", arguments: {} },
        ],
      },
      { text: "done" },
    );
    const events = await collect(h.session, "look around");
    const results = toolResults(events);
    expect(results.map((r) => [r.name, r.state])).toEqual([
      ["read_file", "done"],
      ["list_files", "done"],
    ]);
    const second = h.server.requests[1].body.messages;
    const toolMsgs = second.filter((m: { role: string }) => m.role === "tool");
    expect(toolMsgs).toHaveLength(2);
    expect(toolMsgs[0].content).toContain("# demo");
  });

  it("turns malformed tool arguments into a tool error the model can correct", async () => {
    const h = await harness();
    h.server.enqueue(
      { toolCalls: [{ name: "core_memory_append", arguments: '{"label": "human", "content": ' }] },
      { toolCalls: [{ name: "core_memory_append", arguments: { label: "human" } }] },
      { toolCalls: [{ name: "no_such_tool", arguments: {} }] },
      { toolCalls: [{ name: "core_memory_append", arguments: { label: "human", content: "Ana" } }] },
      { text: "fixed" },
    );
    const events = await collect(h.session, "remember me");
    const results = toolResults(events);
    expect(results.map((r) => r.state)).toEqual(["error", "error", "error", "done"]);
    expect(results[0].content).toMatch(/not valid JSON/);
    expect(results[1].content).toMatch(/content/);
    expect(results[2].content).toMatch(/Unknown tool "no_such_tool".*read_file/);
    expect(doneOf(events).reason).toBe("answer");
    expect(h.project.memory(h.session.info().agentId).core.get("human")?.value).toBe("Ana");
  });

  it("refuses writes and commands in a headless run (nobody to approve) and tells the model", async () => {
    const h = await harness({ mode: "ask" });
    h.server.enqueue(
      { toolCalls: [{ name: "write_file", arguments: { path: "x.txt", content: "hi" } }] },
      { text: "could not write" },
    );
    const events = await collect(h.session, "write x");
    expect(toolResults(events)[0].content).toMatch(/Not run: write_file needs the user's approval.*--allowed-tools "write_file"/);
    expect(existsSync(join(h.root, "x.txt"))).toBe(false);
  });

  it("asks through the approver; 'always' remembers the rule for this project", async () => {
    const h = await harness({ mode: "ask" });
    h.server.enqueue(
      { toolCalls: [{ name: "run_shell", arguments: { command: "echo hi" } }] },
      { toolCalls: [{ name: "run_shell", arguments: { command: "echo hi there" } }] },
      { toolCalls: [{ name: "run_shell", arguments: { command: "rm -rf build" } }] },
      { text: "ok" },
    );
    const asked: string[] = [];
    const previews: unknown[] = [];
    const events = await collect(h.session, "echo", {
      approve: async (req) => {
        asked.push(req.suggestedRule);
        previews.push(req.preview);
        return req.suggestedRule === "run_shell(echo hi:*)" ? { decision: "always" } : { decision: "no", reason: "not now" };
      },
    });
    expect(asked).toEqual(["run_shell(echo hi:*)", "run_shell(rm -rf build)"]);
    expect(previews[1]).toEqual({ kind: "text", text: expect.stringMatching(/^\$ rm -rf build\n/) });
    const results = toolResults(events);
    expect(results[0].content).toContain("hi");
    expect(results[1].content).toContain("hi there");
    expect(results[2]).toMatchObject({ state: "error" });
    expect(results[2].content).toMatch(/declined.*The user said: not now\. Do not retry/);
    // Kept in the user's own record (HOME is the harness root here), never inside the project.
    expect(existsSync(join(h.root, ".letta", "config.local.json"))).toBe(false);
    expect(projectRecord(h.root, { HOME: h.root }).allow).toEqual(["run_shell(echo hi:*)"]);
    // And a new process has it.
    const again = h.reopen();
    expect(again.project.config.permissions.allow).toContain("run_shell(echo hi:*)");
  });

  it("the resume view starts at a user message, never at an orphaned tool result", async () => {
    const h = await harness({ mode: "yolo" });
    for (let i = 0; i < 4; i++) {
      h.server.enqueue({ toolCalls: [{ name: "list_files", arguments: {} }] }, { text: `answer ${i}` });
      await collect(h.session, `question ${i}`);
    }
    const view = h.session.recentTranscript(2);
    expect(view[0]).toMatchObject({ role: "user", content: "question 2" });
    expect(view.map((e) => e.role)).toEqual(["user", "tool", "assistant", "user", "tool", "assistant"]);
  });

  it("switching the model (/model) sends the next request to the new model", async () => {
    const h = await harness();
    h.session.setModel("bigger-model");
    h.server.enqueue({ text: "hi from the bigger model" });
    await collect(h.session, "hello");
    expect(h.server.requests.at(-1)!.body.model).toBe("bigger-model");
    expect(h.session.info().model).toBe("bigger-model");
  });
});
