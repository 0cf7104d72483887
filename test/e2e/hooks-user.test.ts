import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedServer, type ScriptedServer } from "../helpers/llm-server.mjs";
import { runCli, tempProject } from "../helpers/cli.js";
import { BWRAP_INSTALL, requireProgram } from "../helpers/requires.js";
import { tempDir } from "../helpers/temp.js";
import { openUp, USERS } from "../helpers/users.js";

/*
 * Hooks are the user's own code (issue 22): the user's hooks run as the user, outside the command
 * sandbox, with their HOME; a PreToolUse guard that cannot run blocks what it guards.
 */

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(() => server.close());

const bwrap = requireProgram("bwrap", BWRAP_INSTALL);
const model = () => ["--model", "scripted-model", "--base-url", server.url];
const put = (file: string, text: string, mode?: number) => {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  if (mode) chmodSync(file, mode);
};
const hook = (command: string, matcher = "") => [{ matcher, hooks: [{ type: "command", command }] }];
const toolResults = () =>
  server.requests.at(-1)!.body.messages.filter((m: { role: string }) => m.role === "tool").map((m: { content: string }) => m.content) as string[];
const shellThenAnswer = (command: string) => server.enqueue({ toolCalls: [{ name: "run_shell", arguments: { command } }] }, { text: "done" });



/** A project and a HOME apart from it in the temp directory, as on a machine where HOME is under /tmp. */
function setup(userHooks: Record<string, unknown>) {
  const p = tempProject();
  const home = tempDir("letta-home-");
  put(join(home, ".config", "letta-code", "config.json"), JSON.stringify({ hooks: userHooks }));
  mkdirSync(join(home, ".claude"));
  return { root: p.root, home };
}

const GUARD = `#!/bin/bash
cmd=$(jq -r '.tool_input.command')
case "$cmd" in rm*) echo "guard: rm is not allowed here" >&2; exit 2;; esac
exit 0
`;

describe.skipIf(!bwrap.present)(`the user's hooks run as the user, outside the sandbox${bwrap.note}`, () => {
  describe.each(USERS)("$who", ({ wrap }) => {
    it("Claude Code's quickstart hook logs every shell command to ~/.claude/bash-command-log.txt", async () => {
      const p = setup({
        PreToolUse: hook(`jq -r '"\\(.tool_input.command) - \\(.tool_input.description // "No description")"' >> ~/.claude/bash-command-log.txt`, "Bash"),
      });
      openUp(p.root, p.home);
      shellThenAnswer("echo logged-command");
      const r = await runCli(["-p", "go", "--yolo", "--sandbox", "on", ...model()], { cwd: p.root, home: p.home, stdin: "ignore", wrap });
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(join(p.home, ".claude", "bash-command-log.txt"), "utf8")).toBe("echo logged-command - No description\n");
    });

    it("a guard kept at ~/bin/check.sh starts and blocks the rm it guards", async () => {
      const p = setup({ PreToolUse: hook("~/bin/check.sh", "Bash") });
      put(join(p.home, "bin", "check.sh"), GUARD, 0o755);
      put(join(p.root, "victim.txt"), "keep me\n");
      openUp(p.root, p.home);
      shellThenAnswer("rm victim.txt");
      const r = await runCli(["-p", "go", "--yolo", "--sandbox", "on", ...model()], { cwd: p.root, home: p.home, stdin: "ignore", wrap });
      expect(r.code, r.stderr).toBe(0);
      expect(existsSync(join(p.root, "victim.txt"))).toBe(true);
      expect(toolResults().at(-1)).toContain("guard: rm is not allowed here");
    });

    it("a guard that cannot start blocks the call, tells the model why, and says so on stderr without --verbose", async () => {
      const p = setup({ PreToolUse: hook("~/bin/missing-check.sh", "Bash") });
      put(join(p.root, "victim.txt"), "keep me\n");
      openUp(p.root, p.home);
      shellThenAnswer("rm victim.txt");
      const r = await runCli(["-p", "go", "--yolo", "--sandbox", "on", ...model()], { cwd: p.root, home: p.home, stdin: "ignore", wrap });
      expect(r.code, r.stderr).toBe(0);
      expect(existsSync(join(p.root, "victim.txt"))).toBe(true);
      expect(toolResults().at(-1)).toMatch(/Not run: .*could not start \(exit code 127\)/s);
      const lines = r.stderr.split("\n").filter((l) => l.includes("missing-check.sh"));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^letta-code: PreToolUse hook .* could not start .*blocked/);
    });

    it("hooks in an untracked .letta/config.local.json are the user's too; a committed one is the repository's", async () => {
      const p = setup({});
      put(join(p.root, ".letta", "config.local.json"), JSON.stringify({ hooks: { UserPromptSubmit: hook('touch ~/local-hook-ran; echo "local context"') } }));
      openUp(p.root, p.home);
      server.enqueue({ text: "ok" });
      let r = await runCli(["-p", "hi", "--sandbox", "on", ...model()], { cwd: p.root, home: p.home, stdin: "ignore", wrap });
      expect(r.code, r.stderr).toBe(0);
      expect(existsSync(join(p.home, "local-hook-ran"))).toBe(true);
      expect(server.requests.at(-1)!.body.messages.at(-1).content).toContain("local context");

      // The same file committed to the repository: not the user's, so it waits for trust like config.json.
      const q = setup({});
      spawnSync("rm", ["-rf", join(q.root, ".git")]);
      put(join(q.root, ".letta", "config.local.json"), JSON.stringify({ hooks: { UserPromptSubmit: hook("touch ~/committed-hook-ran") } }));
      const git = (...args: string[]) => expect(spawnSync("git", args, { cwd: q.root, encoding: "utf8" }).status).toBe(0);
      git("init", "-q");
      git("add", "-f", ".letta/config.local.json");
      openUp(q.root, q.home);
      server.enqueue({ text: "ok" });
      r = await runCli(["-p", "hi", "--sandbox", "on", "--verbose", ...model()], { cwd: q.root, home: q.home, stdin: "ignore", wrap });
      expect(r.code, r.stderr).toBe(0);
      expect(existsSync(join(q.home, "committed-hook-ran"))).toBe(false);
      expect(r.stderr).toMatch(/config\.local\.json.*tracked by git/);
    });
  });
});

describe("a config.local.json the repository ships under another name is the repository's", () => {
  const git = (cwd: string, ...args: string[]) =>
    expect(spawnSync("git", ["-c", "user.email=t@t", "-c", "user.name=t", "-c", "protocol.file.allow=always", ...args], { cwd, encoding: "utf8" }).status).toBe(0);
  const plant = (dir: string, marker: string) => put(join(dir, "config.local.json"), JSON.stringify({ hooks: { UserPromptSubmit: hook(`touch ${marker}`) } }));

  // Asked about `.letta/config.local.json`, git knows no such file: it is committed at the link's target, or in the submodule.
  describe.each(USERS)("$who", ({ wrap }) => it.each([
    ["a committed .letta link to a folder of its own", (root: string, marker: string) => {
      plant(join(root, "dotletta"), marker);
      symlinkSync("dotletta", join(root, ".letta"));
    }],
    ["a .letta submodule", (root: string, marker: string) => {
      const sub = tempDir("letta-sub-");
      plant(sub, marker);
      git(sub, "init", "-q");
      git(sub, "add", "-A");
      git(sub, "commit", "-qm", "hooks");
      git(root, "submodule", "add", "-q", sub, ".letta");
    }],
  ])("%s: its hooks do not run untrusted", async (_what, ship) => {
    const p = tempProject();
    rmSync(join(p.root, ".git"), { recursive: true });
    git(p.root, "init", "-q");
    const marker = join(p.home, "repo-hook-ran");
    ship(p.root, marker);
    git(p.root, "add", "-A");
    git(p.root, "commit", "-qm", "clone");
    openUp(p.root, p.home);
    server.enqueue({ text: "ok" });
    const r = await runCli(["-p", "hi", "--verbose", ...model()], { cwd: p.root, home: p.home, stdin: "ignore", wrap });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(marker)).toBe(false);
    expect(r.stderr).toMatch(/config\.local\.json.*tracked by git/);
  }));
});
