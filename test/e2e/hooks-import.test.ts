import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedServer, type ScriptedServer } from "../helpers/llm-server.mjs";
import { runCli, tempProject } from "../helpers/cli.js";

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(() => server.close());

const model = () => ["--model", "scripted-model", "--base-url", server.url];
const put = (file: string, o: unknown) => {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(o));
};
const json = (file: string) => JSON.parse(readFileSync(file, "utf8"));
const claude = (matcher: string, command: string) => [{ matcher, hooks: [{ type: "command", command, timeout: 5 }] }];

describe("letta-code hooks import --from-claude", () => {
  it("copies the user's Claude Code hooks into their config, in our tool names, once", async () => {
    const p = tempProject();
    put(join(p.home, ".config", "letta-code", "config.json"), { model: "kept-as-is" });
    put(join(p.home, ".claude", "settings.json"), {
      permissions: { allow: ["Bash(ls)"] },
      hooks: {
        PreToolUse: claude("Bash", 'echo "$(jq -r .tool_input.command)" >> "$CLAUDE_PROJECT_DIR/claude-hook-log"'),
        PostToolUse: claude("Edit|MultiEdit|Write", "npx prettier --write"),
        SubagentStop: claude("", "true"),
      },
    });
    const cli = (...args: string[]) => runCli(args, { cwd: p.root, home: p.home, stdin: "ignore" });
    let r = await cli("hooks", "import", "--from-claude");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/imported\s+PreToolUse \[Bash → run_shell\]/);
    expect(r.stdout).toMatch(/imported\s+PostToolUse \[Edit\|MultiEdit\|Write → edit_file\|write_file\]: npx prettier --write/);
    expect(r.stdout).toMatch(/skipped\s+SubagentStop.*no SubagentStop event/);
    const config = join(p.home, ".config", "letta-code", "config.json");
    const written = json(config);
    expect(written.model).toBe("kept-as-is");
    expect(written.hooks.PreToolUse).toEqual([{ matcher: "run_shell", hooks: [{ type: "command", command: expect.stringContaining("claude-hook-log"), timeout: 5 }] }]);
    expect(written.hooks.SubagentStop).toBeUndefined();

    r = await cli("hooks", "import", "--from-claude");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/already there\s+PreToolUse/);
    expect(json(config)).toEqual(written);

    // And they work: the imported guard-less logger runs on the next shell call.
    server.enqueue({ toolCalls: [{ name: "run_shell", arguments: { command: "echo imported" } }] }, { text: "done" });
    r = await runCli(["-p", "go", "--yolo", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(p.root, "claude-hook-log"), "utf8")).toBe("echo imported\n");
  });

  it("a project's .claude/settings.json hooks go into .letta/config.json only when confirmed, approved as imported", async () => {
    const p = tempProject();
    put(join(p.root, ".claude", "settings.json"), { hooks: { UserPromptSubmit: claude("", 'touch "$CLAUDE_PROJECT_DIR/project-hook-ran"') } });
    const cli = (...args: string[]) => runCli(args, { cwd: p.root, home: p.home, stdin: "ignore" });
    let r = await cli("hooks", "import", "--from-claude");
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/imported\s+UserPromptSubmit: touch/);
    expect(r.stderr).toMatch(/not imported: confirm with `letta-code hooks import --from-claude --yes`/);
    expect(existsSync(join(p.root, ".letta", "config.json"))).toBe(false);

    r = await cli("hooks", "import", "--from-claude", "--yes");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Approved the project's hook set .* once you trust this project/);
    expect(json(join(p.root, ".letta", "config.json")).hooks.UserPromptSubmit[0].hooks[0].command).toContain("project-hook-ran");
    expect((await cli("trust", "--yes")).code).toBe(0);
    server.enqueue({ text: "ok" });
    r = await runCli(["-p", "hi", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(p.root, "project-hook-ran"))).toBe(true);
  });

  it("bad input: no --from-claude, or a broken settings file, is a usage error saying what to do", async () => {
    const p = tempProject();
    let r = await runCli(["hooks", "import"], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--from-claude/);
    mkdirSync(join(p.home, ".claude"));
    writeFileSync(join(p.home, ".claude", "settings.json"), "{ not json");
    r = await runCli(["hooks", "import", "--from-claude"], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/settings\.json is not valid JSON/);
    r = await runCli(["hooks", "import", "--from-claude"], { cwd: tempProject().root, home: tempProject().home, stdin: "ignore" });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/nothing imported/);
  });
});
