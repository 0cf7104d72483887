import { describe, expect, it } from "vitest";
import { collect, harness, toolResults } from "../helpers/agent-harness.js";

describe("read-only mode and memory", () => {
  it("refuses core memory writes (they would change the system prompt) but stores archival passages", async () => {
    const h = await harness({ mode: "read-only" });
    const memory = h.project.memory(h.session.info().agentId);
    const before = memory.core.get("human")?.value;
    h.server.enqueue(
      { toolCalls: [{ name: "core_memory_append", arguments: { label: "human", content: "Name: Ana" } }] },
      { toolCalls: [{ name: "memory_rethink", arguments: { label: "human", new_memory: "rewritten" } }] },
      { toolCalls: [{ name: "archival_memory_insert", arguments: { content: "The build uses esbuild." } }] },
      { text: "noted" },
    );
    const results = toolResults(await collect(h.session, "remember things"));
    expect(results.map((r) => r.state)).toEqual(["error", "error", "done"]);
    expect(results[0].content).toMatch(/Permission denied: read-only mode: core memory writes are not allowed/);
    expect(memory.core.get("human")?.value).toBe(before);
    expect((await memory.archival.search("esbuild", { topK: 1 }))[0]?.text).toContain("esbuild");
    // The next request's system prompt is what it was.
    expect(h.server.requests.at(-1)!.body.messages[0].content).not.toContain("Ana");
  });
});
