import { describe, expect, it } from "vitest";
import { BUILTIN_TOOL_NAMES, isKnownToolName } from "../../src/tools/names.js";
import { codingTools } from "../../src/tools/index.js";
import { memoryTools } from "../../src/tools/memory.js";
import { createLoadSkillTool } from "../../src/extensions/load-skill-tool.js";
import { createTaskTool } from "../../src/agents/task-tool.js";

describe("built-in tool names", () => {
  it("are exactly the tools letta-code has, so a rule naming one is never called unknown", () => {
    const real = [...memoryTools, ...codingTools, createLoadSkillTool(() => []), createTaskTool({ agents: () => [], host: () => { throw new Error("unused"); }, concurrency: 1 })].map((t) => t.name).sort();
    expect([...BUILTIN_TOOL_NAMES].sort()).toEqual(real);
  });

  it("know Claude Code's names and MCP tools, and nothing else", () => {
    expect(isKnownToolName("Bash")).toBe(true);
    expect(isKnownToolName("mcp__github__get_issue")).toBe(true);
    expect(isKnownToolName("nosuchtool")).toBe(false);
  });
});
