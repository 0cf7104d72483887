import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedServer, type ScriptedServer } from "../helpers/llm-server.mjs";
import { runCli, tempProject } from "../helpers/cli.js";

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(() => server.close());

const model = () => ["--model", "scripted-model", "--base-url", server.url];

/** A project whose user (not the repository) configured these hooks. */
function withUserHooks(hooks: Record<string, unknown>) {
  const p = tempProject();
  const dir = join(p.home, ".config", "letta-code");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "config.json"), JSON.stringify({ hooks }));
  return p;
}
const hook = (command: string, matcher = "", timeout?: number) => [{ matcher, hooks: [{ type: "command", command, ...(timeout ? { timeout } : {}) }] }];

const shellThenAnswer = (command: string) =>
  server.enqueue({ toolCalls: [{ name: "run_shell", arguments: { command } }] }, { text: "done" });
const toolResults = () =>
  server.requests.at(-1)!.body.messages.filter((m: { role: string }) => m.role === "tool").map((m: { content: string }) => m.content) as string[];

describe("hooks", () => {
  it("a PreToolUse hook that exits 2 stops run_shell (even with --yolo); the model reads its stderr", async () => {
    const p = withUserHooks({ PreToolUse: hook('echo "no shell today: use the Makefile" >&2; exit 2', "Bash") });
    shellThenAnswer("touch pwned");
    const r = await runCli(["-p", "go", "--yolo", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    expect(existsSync(join(p.root, "pwned"))).toBe(false);
    expect(toolResults().at(-1)).toContain("no shell today: use the Makefile");
  });

  it("a JSON deny beats --yolo; the matcher only picks the tools it names", async () => {
    const deny = `echo '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"policy says no"}}'`;
    const p = withUserHooks({ PreToolUse: hook(deny, "Write|run_shell") });
    server.enqueue(
      { toolCalls: [{ name: "run_shell", arguments: { command: "touch pwned" } }, { name: "read_file", arguments: { path: "README.md" } }] },
      { text: "done" },
    );
    const r = await runCli(["-p", "go", "--yolo", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    expect(existsSync(join(p.root, "pwned"))).toBe(false);
    const [shell, read] = toolResults();
    expect(shell).toContain("policy says no");
    expect(read).toContain("sample project");
  });

  it("a JSON allow skips the approval a headless run cannot give, but not a deny rule", async () => {
    const allow = `echo '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow"}}'`;
    const p = withUserHooks({ PreToolUse: hook(allow, "Bash") });
    shellThenAnswer("touch allowed-by-hook");
    let r = await runCli(["-p", "go", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    expect(existsSync(join(p.root, "allowed-by-hook"))).toBe(true);

    shellThenAnswer("touch denied-by-rule");
    r = await runCli(["-p", "go", "--disallowed-tools", "run_shell", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(existsSync(join(p.root, "denied-by-rule"))).toBe(false);
    expect(toolResults().at(-1)).toMatch(/denied/i);
  });

  it("a UserPromptSubmit hook's stdout reaches the request; SessionStart's too; the hook gets Claude Code's fields", async () => {
    const p = withUserHooks({
      UserPromptSubmit: hook('cat > "$CLAUDE_PROJECT_DIR/prompt-input.json"; echo "ticket context: ABC-123"'),
      SessionStart: hook('echo "branch: feature/x"'),
    });
    server.enqueue({ text: "ok" });
    const r = await runCli(["-p", "what is my ticket?", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    const user = server.requests.at(-1)!.body.messages.at(-1).content as string;
    expect(user).toContain("what is my ticket?");
    expect(user).toContain("ticket context: ABC-123");
    expect(user).toContain("branch: feature/x");
    const input = JSON.parse(readFileSync(join(p.root, "prompt-input.json"), "utf8"));
    expect(input).toMatchObject({ hook_event_name: "UserPromptSubmit", prompt: "what is my ticket?", cwd: expect.any(String), session_id: expect.any(String) });
  });

  it("a UserPromptSubmit hook that exits 2 keeps the prompt from the model and tells the user why", async () => {
    const p = withUserHooks({ UserPromptSubmit: hook('echo "prompts must name a ticket" >&2; exit 2') });
    const before = server.requests.length;
    const r = await runCli(["-p", "do stuff", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(1);
    expect(server.requests.length).toBe(before);
    expect(r.stderr).toContain("prompts must name a ticket");
  });

  it("a PostToolUse hook sees the tool's result", async () => {
    const p = withUserHooks({ PostToolUse: hook('cat > "$CLAUDE_PROJECT_DIR/post.json"', "run_shell") });
    shellThenAnswer("echo hello-from-tool");
    const r = await runCli(["-p", "go", "--yolo", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    const seen = JSON.parse(readFileSync(join(p.root, "post.json"), "utf8"));
    expect(seen.hook_event_name).toBe("PostToolUse");
    expect(seen.tool_name).toBe("run_shell");
    expect(seen.tool_input.command).toBe("echo hello-from-tool");
    expect(seen.tool_response.content).toContain("hello-from-tool");
  });

  it("a hanging PreToolUse hook is killed at its timeout and blocks the call it guards, said on stderr without --verbose", async () => {
    const p = withUserHooks({ PreToolUse: hook("sleep 30", "", 1) });
    shellThenAnswer("touch ran-anyway");
    const t = Date.now();
    const r = await runCli(["-p", "go", "--yolo", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    expect(Date.now() - t).toBeLessThan(10_000);
    expect(existsSync(join(p.root, "ran-anyway"))).toBe(false);
    expect(r.stderr).toMatch(/^letta-code: PreToolUse hook "sleep 30" .* timed out after 1 s and was killed; the call it guards was blocked\.$/m);
    expect(toolResults().at(-1)).toMatch(/Not run: .*timed out after 1 s/s);
  });

  it("a hanging or crashing hook of another event is killed and shown, and the run goes on (fails open)", async () => {
    const p = withUserHooks({ PostToolUse: hook("sleep 30", "", 1), UserPromptSubmit: hook("kill -SEGV $$") });
    shellThenAnswer("touch ran-anyway");
    const r = await runCli(["-p", "go", "--yolo", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    expect(existsSync(join(p.root, "ran-anyway"))).toBe(true);
    expect(r.stderr).toMatch(/^letta-code: PostToolUse hook .* timed out after 1 s and was killed; going on without it\.$/m);
    expect(r.stderr).toMatch(/^letta-code: UserPromptSubmit hook .* crashed \(killed by SIGSEGV\); going on without it\.$/m);
  });

  it("a failing hook (exit 1) is a visible warning, not a block", async () => {
    const p = withUserHooks({ PreToolUse: hook('echo "lint crashed" >&2; exit 1') });
    shellThenAnswer("touch still-ran");
    const r = await runCli(["-p", "go", "--yolo", "--verbose", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    expect(existsSync(join(p.root, "still-ran"))).toBe(true);
    expect(r.stderr).toMatch(/failed \(exit code 1\): lint crashed/);
  });

  it("a Stop hook that exits 2 sends the agent back with its stderr, a bounded number of times", async () => {
    const once = withUserHooks({ Stop: hook('[ -f "$CLAUDE_PROJECT_DIR/stopped" ] && exit 0; touch "$CLAUDE_PROJECT_DIR/stopped"; echo "run the tests first" >&2; exit 2') });
    server.enqueue({ text: "all done" }, { text: "tests pass, done" });
    const before = server.requests.length;
    let r = await runCli(["-p", "go", ...model()], { cwd: once.root, home: once.home, stdin: "ignore" });
    expect(r.stdout).toBe("tests pass, done\n");
    expect(server.requests.length - before).toBe(2);
    expect(JSON.stringify(server.requests.at(-1)!.body.messages)).toContain("run the tests first");

    const always = withUserHooks({ Stop: hook('echo "never satisfied" >&2; exit 2') });
    server.setFallback({ text: "done again" });
    const start = server.requests.length;
    r = await runCli(["-p", "go", ...model()], { cwd: always.root, home: always.home, stdin: "ignore" });
    server.setFallback(undefined);
    expect(r.code).toBe(0);
    expect(server.requests.length - start).toBe(4);
  });

  it("a project's hooks run only in a trusted project, once the user approved that exact set; a change asks again", async () => {
    const p = tempProject();
    mkdirSync(join(p.root, ".letta"));
    const write = (command: string) => writeFileSync(join(p.root, ".letta", "config.json"), JSON.stringify({ hooks: { UserPromptSubmit: hook(command) } }));
    write('touch "$CLAUDE_PROJECT_DIR/hooked"');
    const run = (...extra: string[]) => {
      server.enqueue({ text: "ok" });
      return runCli(["-p", "hi", ...extra, ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    };
    const cli = (...args: string[]) => runCli(args, { cwd: p.root, home: p.home, stdin: "ignore" });
    let r = await run("--verbose");
    expect(r.code).toBe(0);
    expect(existsSync(join(p.root, "hooked"))).toBe(false);
    expect(r.stderr).toMatch(/not trusted.*hooks \["UserPromptSubmit"\]/);

    // Trusted, but this set was never approved: headless says so once, without --verbose.
    expect((await cli("trust", "--yes")).code).toBe(0);
    r = await run();
    expect(existsSync(join(p.root, "hooked"))).toBe(false);
    expect(r.stderr.match(/not approved yet, so they do not run.*letta-code hooks approve/g)).toHaveLength(1);

    const list = await cli("hooks", "list");
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/This project's hooks .*not approved yet, project trusted: they do not run/);
    expect(list.stdout).toContain('UserPromptSubmit: touch "$CLAUDE_PROJECT_DIR/hooked"');
    const approve = await cli("hooks", "approve");
    expect(approve.code).toBe(0);
    expect(approve.stdout).toContain('UserPromptSubmit: touch "$CLAUDE_PROJECT_DIR/hooked"');
    r = await run();
    expect(r.code).toBe(0);
    expect(existsSync(join(p.root, "hooked"))).toBe(true);
    expect(r.stderr).toBe("");
    // The approval lives in the user's config directory, not in the project.
    expect(existsSync(join(p.home, ".config", "letta-code", "hook-approvals.json"))).toBe(true);

    write('touch "$CLAUDE_PROJECT_DIR/changed"');
    r = await run();
    expect(existsSync(join(p.root, "changed"))).toBe(false);
    expect(r.stderr).toMatch(/changed since you decided on them, so they do not run/);
    expect((await cli("hooks", "deny")).code).toBe(0);
    r = await run();
    expect(existsSync(join(p.root, "changed"))).toBe(false);
    expect(r.stderr).toMatch(/do not run: you declined them/);
  });

  it("`hooks approve` with no project hooks is a usage error naming the files", async () => {
    const p = tempProject();
    const r = await runCli(["hooks", "approve"], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/have no hooks to approve/);
  });

  it("SessionEnd hooks run when a -p run ends, with the reason", async () => {
    const p = withUserHooks({ SessionEnd: hook('cat > "$CLAUDE_PROJECT_DIR/end.json"') });
    server.enqueue({ text: "ok" });
    const r = await runCli(["-p", "hi", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(p.root, "end.json"), "utf8"))).toMatchObject({ hook_event_name: "SessionEnd", reason: "exit" });
  });

  it("a malformed hooks section is a warning naming the file; the rest still works", async () => {
    const p = withUserHooks({ PreToolUse: [{ matcher: "(", hooks: [{ command: "true" }] }], Bogus: [], UserPromptSubmit: hook('echo "still here"') });
    server.enqueue({ text: "ok" });
    const r = await runCli(["-p", "hi", "--verbose", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/config\.json: hooks\.PreToolUse\[0\]\.matcher "\(" is not a valid regular expression/);
    expect(r.stderr).toMatch(/unknown hook event "Bogus"/);
    expect(server.requests.at(-1)!.body.messages.at(-1).content).toContain("still here");
  });
});
