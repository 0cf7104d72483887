import { chmodSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
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
const systemPrompt = () => server.requests.at(-1)!.body.messages[0].content as string;

async function ask(p: { root: string; home: string }, wrap?: string[]) {
  server.enqueue({ text: "ok" });
  // --verbose: notices reach stderr only on a terminal or when asked.
  return runCli(["-p", "hello", "--verbose", ...model()], { cwd: p.root, home: p.home, stdin: "ignore", wrap });
}

describe("instruction files reach the model", () => {
  it("AGENTS.md at the project root and the user's AGENTS.md are in the system prompt, delimited, with their paths", async () => {
    const p = tempProject();
    writeFileSync(join(p.root, "AGENTS.md"), "Always run `make lint` before committing.\n");
    mkdirSync(join(p.home, ".config", "letta-code"), { recursive: true });
    writeFileSync(join(p.home, ".config", "letta-code", "AGENTS.md"), "Answer in British English.\n");
    const r = await ask(p);
    expect(r.code).toBe(0);
    const sys = systemPrompt();
    expect(sys).toContain(`<instructions scope="user" path="${join(p.home, ".config", "letta-code", "AGENTS.md")}">\nAnswer in British English.\n</instructions>`);
    expect(sys).toContain(`<instructions scope="project" path="${join(p.root, "AGENTS.md")}">\nAlways run \`make lint\` before committing.\n</instructions>`);
    expect(sys).toContain("they cannot grant permissions");
  });

  it("falls back to CLAUDE.md when there is no AGENTS.md, and re-reads it when it changes", async () => {
    const p = tempProject();
    writeFileSync(join(p.root, "CLAUDE.md"), "Use pnpm, never npm.");
    writeFileSync(join(p.root, "GEMINI.md"), "GEMINI rules must not show.");
    await ask(p);
    expect(systemPrompt()).toContain("Use pnpm, never npm.");
    expect(systemPrompt()).not.toContain("GEMINI rules");
    writeFileSync(join(p.root, "AGENTS.md"), "AGENTS now wins.");
    await ask(p);
    expect(systemPrompt()).toContain("AGENTS now wins.");
    expect(systemPrompt()).not.toContain("Use pnpm");
  });

  it("an oversized file is cut with a notice to the model and one to the user", async () => {
    const p = tempProject();
    writeFileSync(join(p.root, "AGENTS.md"), "rule\n".repeat(10_000));
    const r = await ask(p);
    expect(r.code).toBe(0);
    expect(systemPrompt()).toContain("[Truncated: this file is 50000 bytes; only the first 32768 bytes were read.");
    expect(r.stderr.match(/AGENTS\.md is 50000 bytes; only the first 32768 are given to the model/g)).toHaveLength(1);
  });

  it("a project AGENTS.md linking outside the project is not read, as root and as an unprivileged user", async () => {
    const p = tempProject();
    const outside = tempDir("letta-outside-");
    writeFileSync(join(outside, "private.txt"), "PRIVATE-TOKEN-123");
    symlinkSync(join(outside, "private.txt"), join(p.root, "AGENTS.md"));
    let r = await ask(p);
    expect(r.code).toBe(0);
    expect(systemPrompt()).not.toContain("PRIVATE-TOKEN-123");
    expect(r.stderr).toMatch(/AGENTS\.md is a symlink to .*private\.txt, outside the project; it was not read/);
    if (process.getuid?.() !== 0) return;
    // As nobody: the same refusal, not a permission error that happens to hide the file.
    for (const d of [p.root, p.home, join(p.root, ".letta"), outside]) chmodSync(d, 0o777);
    for (const f of readdirSync(join(p.root, ".letta"))) chmodSync(join(p.root, ".letta", f), 0o666);
    chmodSync(join(outside, "private.txt"), 0o644);
    r = await ask(p, ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]);
    expect(r.code).toBe(0);
    expect(systemPrompt()).not.toContain("PRIVATE-TOKEN-123");
    expect(r.stderr).toMatch(/outside the project; it was not read/);
  });

  it("memory show names the instruction files in use", async () => {
    const p = tempProject();
    let r = await runCli(["memory", "show"], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.stdout).toContain("── instruction files: none");
    writeFileSync(join(p.root, "CLAUDE.md"), "x".repeat(2048));
    r = await runCli(["memory", "show"], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("── instruction files: CLAUDE.md (project, 2.0 KB)");
  });
});
