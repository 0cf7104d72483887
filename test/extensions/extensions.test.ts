import { describe, expect, it } from "vitest";
import { matchesTool, parseHooksSection } from "../../src/extensions/hook-config.js";
import { HookRunner } from "../../src/extensions/hook-runner.js";
import { parseFrontmatter, fieldList, FrontmatterError } from "../../src/extensions/frontmatter.js";
import { splitArgs, substituteArguments } from "../../src/extensions/commands.js";
import { canonicalRule } from "../../src/permissions/tool-aliases.js";
import { tempDir } from "../helpers/temp.js";

describe("hook matchers", () => {
  it("take Claude Code's tool names for ours, match names exactly and regexes as searches", () => {
    expect(matchesTool("Bash", "run_shell")).toBe(true);
    expect(matchesTool("Edit|Write", "write_file")).toBe(true);
    expect(matchesTool("Edit|Write", "read_file")).toBe(false);
    expect(matchesTool("Glob", "list_files")).toBe(true);
    expect(matchesTool("run_shell", "run_shell")).toBe(true);
    expect(matchesTool("run", "run_shell")).toBe(false);
    expect(matchesTool("mcp__.*", "mcp__github__search")).toBe(true);
    expect(matchesTool("mcp__github__.*", "mcp__github__search")).toBe(true);
    expect(matchesTool("mcp__github", "mcp__github__search")).toBe(false);
    expect(matchesTool("mcp__.*", "read_file")).toBe(false);
    expect(matchesTool("", "anything")).toBe(true);
    expect(matchesTool("*", "anything")).toBe(true);
  });
});

describe("hooks section", () => {
  it("keeps the good entries and names each bad one with its file", () => {
    const { hooks, warnings } = parseHooksSection(
      {
        PreToolUse: [{ matcher: "Bash", hooks: [{ type: "command", command: "check.sh", timeout: 5 }, { type: "prompt", prompt: "x" }] }],
        Stop: [{ hooks: [{ command: "" }] }],
        Whatever: [],
      },
      "/u/config.json",
      "user",
    );
    expect(hooks).toEqual([{ event: "PreToolUse", matcher: "Bash", command: "check.sh", timeoutMs: 5000, file: "/u/config.json", scope: "user" }]);
    expect(warnings).toHaveLength(3);
    expect(warnings.every((w) => w.startsWith("/u/config.json: "))).toBe(true);
    expect(parseHooksSection([], "f", "user").warnings[0]).toMatch(/"hooks" must be an object/);
  });
});

describe("hook verdicts", () => {
  it("deny beats ask beats allow across parallel hooks, and every reason is kept", async () => {
    const out = (d: string, why: string) =>
      `echo '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"${d}","permissionDecisionReason":"${why}"}}'`;
    const runner = new HookRunner(
      ["allow", "deny", "ask"].map((d) => ({ event: "PreToolUse" as const, matcher: "", command: out(d, `${d}-reason`), timeoutMs: 5000, file: "f", scope: "user" as const })),
      { projectRoot: tempDir(), shell: { sandbox: false, allowUnsandboxed: true }, sessionId: () => "s" },
    );
    const warns: string[] = [];
    const r = await runner.run("PreToolUse", { tool_name: "run_shell" }, { toolName: "run_shell", warn: (m) => warns.push(m) });
    expect(r.permission).toBe("deny");
    expect(r.permissionReason).toContain("deny-reason");
    expect(warns).toEqual([]);
  });

  it("unreadable JSON from a PreToolUse hook decides nothing; exit 2 with no stderr still blocks, and says which hook", async () => {
    const runner = new HookRunner(
      [
        { event: "PreToolUse", matcher: "", command: "echo '{not json'", timeoutMs: 5000, file: "f", scope: "user" },
        { event: "PreToolUse", matcher: "", command: "exit 2", timeoutMs: 5000, file: "/x/config.json", scope: "user" },
      ],
      { projectRoot: tempDir(), shell: { sandbox: false, allowUnsandboxed: true }, sessionId: () => "s" },
    );
    const r = await runner.run("PreToolUse", {}, { toolName: "grep", warn: () => undefined });
    expect(r.permission).toBeUndefined();
    expect(r.blocked).toMatch(/blocked by PreToolUse hook "exit 2" \(\/x\/config\.json\)/);
  });
});

describe("frontmatter", () => {
  it("reads scalars, quoted strings, inline and block lists, and folded text", () => {
    const { data, body } = parseFrontmatter(
      "---\ndescription: \"Review: the diff\"\nargument-hint: [file]\nallowed-tools:\n  - Bash(git diff:*)\n  - Read\nnotes: >\n  one\n  two\n---\nBody $ARGUMENTS\n",
    );
    expect(data.description).toBe("Review: the diff");
    expect(data["argument-hint"]).toEqual(["file"]);
    expect(fieldList(data, "allowed-tools")).toEqual(["Bash(git diff:*)", "Read"]);
    expect(data.notes).toBe("one two");
    expect(body).toBe("Body $ARGUMENTS\n");
    expect(fieldList({ t: "Bash(a, b), Read" }, "t")).toEqual(["Bash(a, b)", "Read"]);
  });

  it("names what is wrong with a malformed block", () => {
    expect(() => parseFrontmatter("---\nname: x\n")).toThrow(FrontmatterError);
    expect(() => parseFrontmatter("---\njust words\n---\n")).toThrow(/line 2: expected "key: value"/);
  });
});

describe("command arguments", () => {
  it("substitutes $ARGUMENTS and $1..$9, and appends arguments a body never mentions", () => {
    expect(splitArgs(`a "b c" 'd' e\\ f`)).toEqual(["a", "b c", "d", "e f"]);
    expect(substituteArguments("Fix $1 then $2 ($ARGUMENTS)", 'x.ts "y z"')).toBe('Fix x.ts then y z (x.ts "y z")');
    expect(substituteArguments("Review the code.", "carefully")).toBe("Review the code.\n\nARGUMENTS: carefully");
    expect(substituteArguments("Missing $3.", "a")).toBe("Missing .");
  });

  it("maps Claude Code's allowed-tools rules to ours", () => {
    expect(canonicalRule("Bash(git add:*)")).toBe("run_shell(git add:*)");
    expect(canonicalRule("Read")).toBe("read_file");
    expect(canonicalRule("Edit(src/**)")).toBe("edit_file(src/**)");
    expect(canonicalRule("run_shell(npm test)")).toBe("run_shell(npm test)");
  });
});
