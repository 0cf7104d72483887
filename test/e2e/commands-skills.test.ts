import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedServer, type ScriptedServer } from "../helpers/llm-server.mjs";
import { runCli, tempProject } from "../helpers/cli.js";
import { tempDir } from "../helpers/temp.js";

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(() => server.close());

const model = () => ["--model", "scripted-model", "--base-url", server.url];
const put = (file: string, text: string) => {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
};
const lastUser = () => server.requests.at(-1)!.body.messages.filter((m: { role: string }) => m.role === "user").at(-1).content as string;
const systemPrompt = () => server.requests.at(-1)!.body.messages[0].content as string;
const toolResults = () =>
  server.requests.at(-1)!.body.messages.filter((m: { role: string }) => m.role === "tool").map((m: { content: string }) => m.content) as string[];

describe("custom slash commands", () => {
  it('-p "/greet Ada" expands .letta/commands/greet.md with $ARGUMENTS before the model sees it', async () => {
    const p = tempProject();
    put(join(p.root, ".letta", "commands", "greet.md"), "---\ndescription: Greet someone\n---\nSay hello to $ARGUMENTS, warmly.\n");
    server.enqueue({ text: "Hello Ada!" });
    const r = await runCli(["-p", "/greet Ada", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    expect(lastUser()).toBe("Say hello to Ada, warmly.");
  });

  it(".claude/commands is honoured: folders namespace the name, $1 $2 are positional, @path attaches a file", async () => {
    const p = tempProject();
    put(join(p.root, ".claude", "commands", "git", "commit.md"), "Commit $1 with the message \"$2\". Style guide: @docs/style.md\n");
    put(join(p.root, "docs", "style.md"), "Use the imperative mood.\n");
    server.enqueue({ text: "ok" });
    const r = await runCli(["-p", '/git:commit src/a.ts "fix the bug"', ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    const text = lastUser();
    expect(text).toContain('Commit src/a.ts with the message "fix the bug".');
    expect(text).toContain("Use the imperative mood.");
  });

  it("an untrusted project's command does not run its shell snippets; the user's own command does", async () => {
    const p = tempProject();
    put(join(p.root, ".letta", "commands", "ctx.md"), "Branch: !`touch snippet-ran; echo main`\n");
    server.enqueue({ text: "ok" });
    let r = await runCli(["-p", "/ctx", "--verbose", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    expect(existsSync(join(p.root, "snippet-ran"))).toBe(false);
    expect(lastUser()).toContain("not run: untrusted project");
    expect(r.stderr).toMatch(/not run because this project is not trusted/);

    put(join(p.home, ".config", "letta-code", "commands", "mine.md"), "Status: !`echo from-the-user-snippet`\n");
    server.enqueue({ text: "ok" });
    r = await runCli(["-p", "/mine", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(lastUser()).toBe("Status: from-the-user-snippet");
  });

  it("an untrusted project's allowed-tools grant nothing; a user command's allowed-tools allow that turn", async () => {
    const p = tempProject();
    put(join(p.root, ".letta", "commands", "sneaky.md"), "---\nallowed-tools: Bash(touch:*)\n---\nDo it.\n");
    server.enqueue({ toolCalls: [{ name: "run_shell", arguments: { command: "touch sneaky" } }] }, { text: "done" });
    await runCli(["-p", "/sneaky", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(existsSync(join(p.root, "sneaky"))).toBe(false);

    put(join(p.home, ".config", "letta-code", "commands", "mk.md"), "---\nallowed-tools: [\"Bash(touch:*)\"]\n---\nMake the file.\n");
    server.enqueue({ toolCalls: [{ name: "run_shell", arguments: { command: "touch made" } }] }, { text: "done" });
    await runCli(["-p", "/mk", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(existsSync(join(p.root, "made"))).toBe(true);
  });

  it("an unknown /name is sent as written", async () => {
    const p = tempProject();
    server.enqueue({ text: "ok" });
    await runCli(["-p", "/nothing here", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(lastUser()).toBe("/nothing here");
  });
});

const skill = (name: string, description: string, body = "Step 1: do the thing.") => `---\nname: ${name}\ndescription: ${description}\n---\n${body}\n`;

describe("skills", () => {
  it("only a skill's description is in the system prompt; load_skill returns its body and files", async () => {
    const p = tempProject();
    put(join(p.root, ".agents", "skills", "pdf-tools", "SKILL.md"), skill("pdf-tools", "Fill and merge PDF forms", "Run scripts/fill.py with the form path."));
    put(join(p.root, ".agents", "skills", "pdf-tools", "scripts", "fill.py"), "print('fill')\n");
    put(join(p.root, ".claude", "skills", "release", "SKILL.md"), skill("release", "Cut a release of this project"));
    server.enqueue({ toolCalls: [{ name: "load_skill", arguments: { name: "pdf-tools" } }] }, { text: "done" });
    const r = await runCli(["-p", "fill the form", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    const sys = systemPrompt();
    expect(sys).toContain("pdf-tools: Fill and merge PDF forms");
    expect(sys).toContain("release: Cut a release of this project");
    expect(sys).not.toContain("Run scripts/fill.py");
    const result = toolResults().at(-1)!;
    expect(result).toContain("Run scripts/fill.py with the form path.");
    expect(result).toContain(join("scripts", "fill.py"));
    expect(server.requests.at(-1)!.body.tools.map((t: { function: { name: string } }) => t.function.name)).toContain("load_skill");
  });

  it("a user-level skill's files are readable by read_file (inside its folder only); a malformed SKILL.md is named and skipped", async () => {
    const p = tempProject();
    // A home outside the project tree, as a real one is.
    const home = tempDir("letta-home-");
    const dir = join(home, ".agents", "skills", "deploy");
    put(join(dir, "SKILL.md"), skill("deploy", "Deploy to staging"));
    put(join(dir, "reference.md"), "The staging host is stage-7.\n");
    put(join(home, "secret.txt"), "top secret\n");
    put(join(home, ".agents", "skills", "broken", "SKILL.md"), "---\ndescription: no name here\n---\nbody\n");
    server.enqueue(
      { toolCalls: [{ name: "read_file", arguments: { path: join(dir, "reference.md") } }, { name: "read_file", arguments: { path: join(dir, "..", "..", "..", "secret.txt") } }] },
      { text: "done" },
    );
    const r = await runCli(["-p", "deploy", "--verbose", ...model()], { cwd: p.root, home, stdin: "ignore" });
    expect(r.code).toBe(0);
    const [inside, outside] = toolResults();
    expect(inside).toContain("stage-7");
    expect(outside).toMatch(/outside the project/);
    expect(outside).not.toContain("top secret");
    expect(r.stderr).toContain(join(home, ".agents", "skills", "broken", "SKILL.md"));
    expect(r.stderr).toMatch(/no "name"/);

    const list = await runCli(["skills", "list", "--json"], { cwd: p.root, home, stdin: "ignore" });
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([{ name: "deploy", description: "Deploy to staging", scope: "user", path: join(dir, "SKILL.md") }]);
    expect(list.stderr).toMatch(/broken.*SKILL\.md/);
  });
});
