import { describe, expect, it } from "vitest";
import type { PermissionMode } from "../../src/agent/session.js";
import { checkRules, decide, parseRule, RuleParseError, suggestRule, validateRules } from "../../src/permissions/policy.js";
import { splitShellCommand } from "../../src/permissions/shell-split.js";
import { codingTools } from "../../src/tools/index.js";

const tool = (name: string) => codingTools.find((t) => t.name === name)!;
const sh = (command: string) => ({ command });
const shell = (command: string, allow: string[] = [], deny: string[] = [], mode: PermissionMode = "ask") =>
  decide({ tool: tool("run_shell"), args: sh(command), mode, allow, deny }).action;

describe("parseRule", () => {
  it("parses bare tools and tool(pattern)", () => {
    expect(parseRule("write_file")).toEqual({ raw: "write_file", tool: "write_file" });
    expect(parseRule(" run_shell( npm   test ) ")).toEqual({ raw: "run_shell( npm   test )", tool: "run_shell", pattern: "npm test", body: "npm   test" });
    expect(parseRule("edit_file(src/**)")).toMatchObject({ tool: "edit_file", pattern: "src/**" });
    // Parentheses inside the pattern are fine.
    expect(parseRule("run_shell(echo (x))")).toMatchObject({ pattern: "echo (x)" });
  });

  it("explains malformed rules", () => {
    const err = (s: string) => {
      try {
        parseRule(s);
      } catch (e) {
        expect(e).toBeInstanceOf(RuleParseError);
        return (e as Error).message;
      }
      throw new Error(`${s} parsed`);
    };
    expect(err("")).toMatch(/Empty permission rule/);
    expect(err("run_shell(npm test")).toMatch(/missing closing "\)"/);
    expect(err("run_shell()")).toMatch(/empty pattern/);
    expect(err("(npm test)")).toMatch(/expected a tool name/);
    expect(err("run shell")).toMatch(/not a tool name/);
    expect(err("run_shell)")).toMatch(/without "\("/);
    expect(validateRules(["write_file", "bad(", "run_shell(ls)"])).toHaveLength(1);
  });
});

describe("decide: modes", () => {
  const kinds = { read: "read_file", write: "write_file", exec: "run_shell", memory: "update_plan" } as const;
  const expected: Record<PermissionMode, Record<keyof typeof kinds, string>> = {
    ask: { read: "allow", write: "ask", exec: "ask", memory: "allow" },
    "accept-edits": { read: "allow", write: "allow", exec: "ask", memory: "allow" },
    yolo: { read: "allow", write: "allow", exec: "allow", memory: "allow" },
    "read-only": { read: "allow", write: "deny", exec: "deny", memory: "allow" },
  };
  for (const [mode, byKind] of Object.entries(expected)) {
    for (const [kind, action] of Object.entries(byKind)) {
      it(`${mode} mode: ${kind} -> ${action}`, () => {
        const name = kinds[kind as keyof typeof kinds];
        const d = decide({ tool: tool(name), args: { path: "a.txt", command: "ls", steps: [] }, mode: mode as PermissionMode, allow: [], deny: [] });
        expect(d.action).toBe(action);
        if (mode === "read-only" && action === "deny") expect(d.reason).toMatch(/read-only mode/);
      });
    }
  }

  it("accepts a tool name instead of the tool", () => {
    expect(decide({ tool: "edit_file", args: { path: "x" }, mode: "accept-edits" }).action).toBe("allow");
    expect(decide({ tool: "grep", args: { pattern: "x" }, mode: "ask" }).action).toBe("allow");
    expect(decide({ tool: "some_unknown_tool", args: {}, mode: "ask" }).action).toBe("ask");
  });
});

describe("decide: rules", () => {
  it("a bare tool rule allows every call of it", () => {
    const d = decide({ tool: tool("write_file"), args: { path: "a.txt" }, mode: "ask", allow: ["write_file"] });
    expect(d).toMatchObject({ action: "allow", rule: "write_file" });
    expect(decide({ tool: tool("edit_file"), args: { path: "a.txt" }, mode: "ask", allow: ["write_file"] }).action).toBe("ask");
  });

  it("shell prefixes match on word boundaries", () => {
    expect(shell("npm test", ["run_shell(npm test)"])).toBe("allow");
    expect(shell("npm test -- -t parser", ["run_shell(npm test)"])).toBe("allow");
    expect(shell("npm  test", ["run_shell(npm test)"])).toBe("allow");
    expect(shell("npm testing", ["run_shell(npm test)"])).toBe("ask");
    expect(shell("npm", ["run_shell(npm test)"])).toBe("ask");
    expect(shell("rm -rf x", ["run_shell"])).toBe("allow");
  });

  it("a compound command is allowed only if every part matches", () => {
    const allow = ["run_shell(npm test)", "run_shell(git status)"];
    expect(shell("npm test && git status", allow)).toBe("allow");
    expect(shell("npm test && rm -rf ~", allow)).toBe("ask");
    expect(shell("npm test; rm -rf ~", allow)).toBe("ask");
    expect(shell("npm test | rm -rf ~", allow)).toBe("ask");
    expect(shell("npm test || rm -rf ~", allow)).toBe("ask");
    expect(shell("npm test & rm -rf ~", allow)).toBe("ask");
    expect(shell("npm test\nrm -rf ~", allow)).toBe("ask");
    expect(shell("(npm test) && (rm -rf ~)", allow)).toBe("ask");
    expect(shell("npm test $(rm -rf ~)", allow)).toBe("ask");
    expect(shell("npm test `rm -rf ~`", allow)).toBe("ask");
    expect(shell('npm test "$(rm -rf ~)"', allow)).toBe("ask");
    expect(shell("npm test <(rm -rf ~)", allow)).toBe("ask");
    // Output redirection to a file changes files, which the prefix does not describe.
    expect(shell("npm test > ~/.bashrc", allow)).toBe("ask");
    expect(shell("npm test 2>&1 >/dev/null", allow)).toBe("allow");
    // Operators inside quotes are just text.
    expect(shell("npm test -- -t 'a && b; c | d'", allow)).toBe("allow");
  });

  it("a deny rule matches if any part matches, and wins over allow rules and yolo", () => {
    const deny = ["run_shell(rm)"];
    expect(shell("rm -rf build", ["run_shell"], deny)).toBe("deny");
    expect(shell("npm test && rm -rf ~", ["run_shell"], deny, "yolo")).toBe("deny");
    expect(shell("echo $(rm -rf ~)", [], deny, "yolo")).toBe("deny");
    expect(shell("echo `rm -rf ~`", [], deny, "yolo")).toBe("deny");
    expect(shell("sudo rm -rf /", [], deny, "yolo")).toBe("deny");
    expect(shell("FOO=1 rm -rf /", [], deny, "yolo")).toBe("deny");
    expect(shell("bash -c 'rm -rf /'", [], deny, "yolo")).toBe("deny");
    expect(shell("rmdir x", [], deny, "yolo")).toBe("allow");
    const d = decide({ tool: tool("write_file"), args: { path: "a" }, mode: "yolo", allow: ["write_file"], deny: ["write_file"] });
    expect(d).toMatchObject({ action: "deny", rule: "write_file" });
    expect(d.reason).toContain("write_file");
  });

  it("read-only mode is not undone by allow rules", () => {
    expect(shell("npm test", ["run_shell(npm test)"], [], "read-only")).toBe("deny");
    expect(decide({ tool: tool("write_file"), args: { path: "a" }, mode: "read-only", allow: ["write_file"] }).action).toBe("deny");
  });

  it("path rules match globs and directories, relative or absolute", () => {
    const edit = (p: string, allow: string[], projectRoot?: string) =>
      decide({ tool: tool("edit_file"), args: { path: p, old_string: "a", new_string: "b" }, mode: "ask", allow, projectRoot }).action;
    expect(edit("src/a.ts", ["edit_file(src/**)"])).toBe("allow");
    expect(edit("./src/deep/b.ts", ["edit_file(src/**)"])).toBe("allow");
    expect(edit("test/a.ts", ["edit_file(src/**)"])).toBe("ask");
    expect(edit("src/../test/a.ts", ["edit_file(src/**)"])).toBe("ask");
    expect(edit("src/a.ts", ["edit_file(src/*.ts)"])).toBe("allow");
    expect(edit("src/x/a.ts", ["edit_file(src/*.ts)"])).toBe("ask");
    expect(edit("src/x/a.ts", ["edit_file(**/*.ts)"])).toBe("allow");
    expect(edit("src/x/a.ts", ["edit_file(src)"])).toBe("allow");
    expect(edit("srcx/a.ts", ["edit_file(src)"])).toBe("ask");
    expect(edit("/proj/src/a.ts", ["edit_file(src/**)"], "/proj")).toBe("allow");
    expect(edit("/elsewhere/src/a.ts", ["edit_file(src/**)"], "/proj")).toBe("ask");
  });

  it("ignores malformed rules instead of failing the call", () => {
    expect(shell("npm test", ["run_shell(npm test", "run_shell(npm test)"])).toBe("allow");
  });
});

describe("suggestRule", () => {
  it("suggests `program subcommand:*`, what came before a `--`, the exact command, or the tool name", () => {
    expect(suggestRule(tool("run_shell"), sh("npm test -- -t parser"))).toBe("run_shell(npm test)");
    expect(suggestRule(tool("run_shell"), sh("ls"))).toBe("run_shell(ls)");
    expect(suggestRule(tool("run_shell"), sh("  git   status  && rm x"))).toBe("run_shell(git status:*)");
    expect(suggestRule(tool("run_shell"), sh('echo "hello world"'))).toBe("run_shell(echo 'hello world')");
    expect(suggestRule(tool("write_file"), { path: "a.ts", content: "" })).toBe("write_file");
    expect(suggestRule(tool("edit_file"), { path: "a.ts" })).toBe("edit_file");
    expect(suggestRule("run_shell", sh("cargo build --release"))).toBe("run_shell(cargo build:*)");
    // An option as the second word is not a subcommand: remembered exactly.
    expect(suggestRule("run_shell", sh("ls -la src"))).toBe("run_shell(ls -la src)");
    expect(suggestRule("run_shell", sh("python3 -m pytest -q"))).toBe("run_shell(python3 -m pytest -q)");
  });

  it("never widens a wrapper or interpreter to :* (env rm:* would allow env rm -rf /)", () => {
    expect(suggestRule("run_shell", sh("env FOO=1 make"))).toBe("run_shell(env FOO=1 make)");
    expect(suggestRule("run_shell", sh("xargs grep x"))).toBe("run_shell(xargs grep x)");
    expect(suggestRule("run_shell", sh("bash build.sh"))).toBe("run_shell(bash build.sh)");
    expect(suggestRule("run_shell", sh("node scripts/gen.mjs"))).toBe("run_shell(node scripts/gen.mjs)");
    expect(suggestRule("run_shell", sh("/bin/rm -rf build"))).toBe("run_shell(/bin/rm -rf build)");
  });

  it("remembers a destructive command exactly, so 'don't ask again' never covers more than was shown", () => {
    expect(suggestRule(tool("run_shell"), sh("rm -rf build"))).toBe("run_shell(rm -rf build)");
    expect(suggestRule(tool("run_shell"), sh("git push --force origin main"))).toBe("run_shell(git push --force origin main)");
    expect(shell("rm -rf /home", ["run_shell(rm -rf build)"])).not.toBe("allow");
    expect(suggestRule(tool("run_shell"), sh("git log --oneline"))).toBe("run_shell(git log:*)");
    // `--` does not open a destructive command's rule: rm -rf build -- ~ would also remove ~.
    expect(shell("rm -rf build -- ~", ["run_shell(rm -rf build)"])).toBe("ask");
    expect(shell("git checkout main -- .", ["run_shell(git checkout main)"])).toBe("ask");
    expect(suggestRule("run_shell", sh("rm -rf -- build"))).toBe("run_shell(rm -rf -- build)");
    expect(shell("rm -rf -- build -- /", ["run_shell(rm -rf -- build)"])).toBe("ask");
    // A glob word that ends like ":*" is quoted, so the remembered rule cannot mean "any arguments".
    expect(shell("rm -rf build:x /", [suggestRule("run_shell", sh("rm -rf build:*"))])).toBe("ask");
    expect(shell("rm x -rf /", [suggestRule("run_shell", sh("rm x *"))])).toBe("ask");
    expect(checkRules([suggestRule("run_shell", sh("rm x *")), suggestRule("run_shell", sh("rm -rf build:*"))], () => true)).toEqual([]);
  });

  it("suggested rules parse and allow the command they came from", () => {
    for (const command of [
      "npm test -- -t x",
      "cargo build",
      "python3 -m pytest -q",
      "make",
      "rm -rf build",
      "rm -f *.o",
      'git commit -m "fix: it\'s done"',
      "echo 'a  b' \\$HOME",
      "npm run test:unit",
      "ls 2>/dev/null",
      "grep -rn 'foo(' src",
      "FOO=1 make",
      "./node_modules/.bin/vitest run",
      "echo 'a:*' b",
    ]) {
      const rule = suggestRule(tool("run_shell"), sh(command));
      expect(() => parseRule(rule)).not.toThrow();
      expect(checkRules([rule], () => true), rule).toEqual([]);
      expect(shell(command, [rule])).toBe("allow");
    }
  });
});

describe("splitShellCommand", () => {
  it("splits at control operators and pulls out substitutions", () => {
    expect(splitShellCommand("a && b || c; d | e & f")).toEqual({ commands: ["a", "b", "c", "d", "e", "f"], nested: [], opaque: false });
    const sub = splitShellCommand('echo "$(whoami; id)" `date`');
    expect(sub.nested).toEqual(["whoami", "id", "date"]);
    expect(sub.opaque).toBe(true);
    expect(splitShellCommand("echo 'unterminated").opaque).toBe(true);
    expect(splitShellCommand("ls # && rm -rf /").commands).toEqual(["ls"]);
  });
});
