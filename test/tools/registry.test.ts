import { describe, expect, it } from "vitest";
import { ToolRegistry, computeSchema, parseToolArgs } from "../../src/tools/registry.js";
import { memoryTools } from "../../src/tools/memory.js";
import { codingTools } from "../../src/tools/index.js";

const all = [...memoryTools, ...codingTools];

describe("tool registry", () => {
  it("offers every tool of the contract with a JSON Schema of its parameters", () => {
    const r = new ToolRegistry(all);
    expect(r.names().sort()).toEqual(
      [
        "archival_memory_insert", "archival_memory_search", "conversation_search", "core_memory_append", "core_memory_replace",
        "edit_file", "grep", "list_files", "memory_rethink", "read_file", "run_shell", "update_plan", "write_file",
      ].sort(),
    );
    const replace = r.schemas.find((s) => s.function.name === "core_memory_replace")!;
    expect(replace.function.parameters).toMatchObject({
      type: "object",
      required: ["label", "old_content", "new_content"],
      properties: { label: { type: "string" } },
    });
    expect(replace.function.parameters).not.toHaveProperty("$schema");
    const search = r.schemas.find((s) => s.function.name === "archival_memory_search")!;
    expect(search.function.parameters.required).toEqual(["query"]);
  });

  it("the schemas prebuilt into dist at build time are exactly the ones computed from zod", async () => {
    const dist = await import("../../dist/tools/registry.js" as string);
    const distMemory = await import("../../dist/tools/memory.js" as string);
    const distCoding = await import("../../dist/tools/index.js" as string);
    const tools = [...distMemory.memoryTools, ...distCoding.codingTools];
    const fromBuild = new dist.ToolRegistry(tools).schemas;
    expect(fromBuild).toEqual(tools.map((t) => dist.computeSchema(t)));
    expect(fromBuild).toEqual(all.map(computeSchema));
  });

  it("a tool whose description is made at run time gets the prebuilt parameters under its own description", async () => {
    const dist = await import("../../dist/tools/registry.js" as string);
    const { createTaskTool } = await import("../../dist/agents/task-tool.js" as string);
    const agents = [{ name: "reviewer", description: "reviews a change", prompt: "Review.", source: "project" }];
    const task = createTaskTool({ agents: () => agents, host: () => ({}) as never, concurrency: 1 });
    const [schema] = new dist.ToolRegistry([task]).schemas;
    expect(schema.function.description).toContain("reviewer");
    expect(schema).toEqual(dist.computeSchema(task));
    expect(schema.function.parameters.required).toEqual(["description", "prompt"]);
  });

  it("explains unparsable and invalid arguments so the model can correct them", () => {
    const tool = memoryTools.find((t) => t.name === "archival_memory_search")!;
    const bad = parseToolArgs(tool, '{"query": 12, "top_k": 500}');
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error).toMatch(/query/);
      expect(bad.error).toMatch(/top_k/);
    }
    const broken = parseToolArgs(tool, "{query: nope");
    expect(!broken.ok && broken.error).toMatch(/not valid JSON.*Received: \{query: nope/);
    expect(parseToolArgs(tool, '{"query":"db"}')).toEqual({ ok: true, args: { query: "db" } });
  });
});
