import { describe, expect, it } from "vitest";
import { FrontmatterError } from "../../src/extensions/frontmatter.js";
import { parseDefinition } from "../../src/agents/definitions.js";

const parse = (front: string, body = "Prompt.") => parseDefinition(`---\n${front}\n---\n${body}\n`, "/u/agents/a.md", "user");

describe("subagent definitions (Claude Code's format)", () => {
  it("maps Claude Code's tool names to ours, drops Task/Agent, and names what does not exist here", () => {
    const got = parse("name: a\ndescription: d\ntools: Read, Write, Edit, MultiEdit, Bash(git diff:*), Grep, Glob, LS, TodoWrite, Task, Agent(explore), WebFetch, mcp__gh__issue");
    expect(got.definition!.tools).toEqual(["read_file", "write_file", "edit_file", "run_shell", "grep", "list_files", "update_plan", "mcp__gh__issue"]);
    expect(got.warnings).toEqual(['/u/agents/a.md: tools WebFetch do not exist here; agent "a" runs without them.']);
  });

  it("reads lists, defaults, and Claude Code's optional fields", () => {
    const d = parse("name: a\ndescription: d\ntools:\n  - Read\n  - Grep\nmodel: sonnet\npermissionMode: plan\nmaxTurns: 5\ndisallowedTools: Grep").definition!;
    expect(d).toMatchObject({ tools: ["read_file", "grep"], disallowedTools: ["grep"], memory: "read", permissionMode: "read-only", maxSteps: 5, prompt: "Prompt." });
    // A Claude model alias names no model at another endpoint: the parent's is used.
    expect(d.model).toBeUndefined();
    expect(parse("name: a\ndescription: d\nmodel: gpt-4.1-mini").definition!.model).toBe("gpt-4.1-mini");
    // `tools:` left empty is no list (all the parent's); `tools: []` is none.
    expect(parse("name: a\ndescription: d\ntools:").definition!.tools).toBeUndefined();
    expect(parse("name: a\ndescription: d\ntools: []").definition!.tools).toEqual([]);
    expect(parse("name: a\ndescription: d\ndisabled: true").definition).toBeNull();
  });

  it("refuses a definition without name or description, or with a bad memory or mode, naming the line", () => {
    expect(() => parse("description: d")).toThrow(/no "name"/);
    expect(() => parse("name: a")).toThrow(/no "description"/);
    expect(() => parse("name: a\ndescription: d\nmemory: all")).toThrow(/line 4: "memory" must be read, write or none/);
    expect(() => parse("name: a\ndescription: d\npermissionMode: godmode")).toThrow(/line 4: unknown permissionMode/);
    expect(() => parse("name: a b\ndescription: d")).toThrow(FrontmatterError);
  });
});
