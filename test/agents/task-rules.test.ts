import { describe, expect, it } from "vitest";
import { decide } from "../../src/permissions/policy.js";
import { createTaskTool } from "../../src/agents/task-tool.js";

const task = createTaskTool({ agents: () => [], host: () => { throw new Error("not started here"); }, concurrency: 1 });
const call = (agent: string, deny: string[]) => decide({ tool: task, args: { agent, description: "d", prompt: "p" }, mode: "ask", allow: [], deny, projectRoot: "/tmp" }).action;

describe("permission rules on the task tool", () => {
  it("starting a subagent needs no question; a deny rule refuses all of them or one by name", () => {
    expect(call("explore", [])).toBe("allow");
    expect(call("explore", ["task"])).toBe("deny");
    expect(call("explore", ["task(explore)"])).toBe("deny");
    expect(call("general-purpose", ["task(explore)"])).toBe("allow");
  });
});
