import { describe, expect, it } from "vitest";
import { checkRules, decide, parseRule } from "../../src/permissions/policy.js";
import { isKnownToolName } from "../../src/tools/names.js";

const mcp = (name: string, kind: "read" | "exec" = "exec") => ({ name, kind });

describe("glob tool names in rules (MCP tools)", () => {
  it("mcp__github__* allows every tool of that server and no other", () => {
    const allow = ["mcp__github__*"];
    expect(decide({ tool: mcp("mcp__github__create_issue"), args: {}, mode: "ask", allow }).action).toBe("allow");
    expect(decide({ tool: mcp("mcp__gitlab__create_issue"), args: {}, mode: "ask", allow }).action).toBe("ask");
    // `.` in a server name is literal, not "any character".
    expect(decide({ tool: mcp("mcp__gitXhub__x"), args: {}, mode: "ask", allow: ["mcp__git.hub__*"] }).action).toBe("ask");
  });

  it("an exact name still works, and deny globs win over allow rules and yolo", () => {
    expect(decide({ tool: mcp("mcp__github__get_issue"), args: {}, mode: "ask", allow: ["mcp__github__get_issue"] }).action).toBe("allow");
    const d = decide({ tool: mcp("mcp__github__delete_repo"), args: {}, mode: "yolo", allow: ["mcp__github__*"], deny: ["mcp__github__delete_*"] });
    expect(d).toMatchObject({ action: "deny", rule: "mcp__github__delete_*" });
  });

  it("a glob names only MCP tools: it never covers run_shell, and is reported where it is written", () => {
    const shell = { name: "run_shell", kind: "exec" as const };
    expect(decide({ tool: shell, args: { command: "rm -rf /" }, mode: "ask", allow: ["*"] }).action).toBe("ask");
    expect(checkRules(["run_*"], isKnownToolName)[0]?.error).toMatch(/only for MCP tools/);
    expect(checkRules(["*"], isKnownToolName)).toHaveLength(1);
  });

  it("parses glob names", () => {
    expect(parseRule("mcp__github__*")).toMatchObject({ raw: "mcp__github__*", tool: "mcp__github__*" });
  });
});
