import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedServer, type ScriptedServer } from "../helpers/llm-server.mjs";
import { runCli, tempProject } from "../helpers/cli.js";

let server: ScriptedServer;
beforeAll(async () => {
  // No usage reported: with nothing to calibrate by, a small window makes every request count exactly.
  server = await startScriptedServer({ fallback: () => ({ text: "ok", usage: false }) });
});
afterAll(() => server.close());

const args = (prompt: string) => ["-p", prompt, "--model", "scripted-model", "--base-url", server.url, "--context-window", "4000"];
const NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

describe("the exact tokenizer's cache file", () => {
  it("is written to the user's cache dir on the first exact count, reused by the next run, rebuilt when corrupt", async () => {
    const p = tempProject();
    const cached = join(p.home, ".cache", "letta-code", "tokenizer", "o200k_base.bin");
    const first = await runCli(args("hello"), { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(first.code, first.stderr).toBe(0);
    expect(existsSync(cached)).toBe(true);
    const good = readFileSync(cached);
    // Nowhere in the project: a repository must not be able to supply the table.
    expect(filesUnder(p.root).filter((f) => f.endsWith(".bin") && !f.startsWith(p.home))).toEqual([]);

    const mtime = statSync(cached).mtimeMs;
    const second = await runCli(args("again"), { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(second.code, second.stderr).toBe(0);
    expect(statSync(cached).mtimeMs).toBe(mtime);

    const bad = Buffer.from(good);
    bad[bad.length >> 1]! ^= 0xff;
    writeFileSync(cached, bad);
    const third = await runCli(args("once more"), { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(third.code, third.stderr).toBe(0);
    expect(readFileSync(cached).equals(good)).toBe(true);
  }, 60_000);

  it("a cache dir that cannot be written still counts (in memory), as root and as an unprivileged user", async () => {
    const p = tempProject();
    // A file where the cache dir should be stops root as well as anyone else.
    writeFileSync(join(p.home, ".cache"), "not a directory");
    const asRoot = await runCli(args("hello"), { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(asRoot.code, asRoot.stderr).toBe(0);
    expect(asRoot.stdout).toContain("ok");
    if (process.getuid?.() !== 0) return;
    const q = tempProject();
    // nobody may write the project, but not the HOME (root's, 0755) where the cache dir would be made.
    for (const d of [q.root, join(q.root, ".git")]) chmodSync(d, 0o777);
    chmodSync(join(q.root, "README.md"), 0o666);
    chmodSync(q.home, 0o755);
    const asNobody = await runCli(args("hello"), { cwd: q.root, home: q.home, stdin: "ignore", wrap: NOBODY });
    expect(asNobody.code, asNobody.stderr).toBe(0);
    expect(asNobody.stdout).toContain("ok");
  }, 60_000);

  it("write_file cannot plant a table there, even when the project contains the user's cache dir", async () => {
    // tempProject() puts HOME (and so ~/.cache) inside the project, as when letta-code runs in $HOME itself.
    const p = tempProject();
    server.enqueue(
      { toolCalls: [{ name: "write_file", arguments: { path: ".home/.cache/letta-code/tokenizer/o200k_base.bin", content: "forged" } }] },
      { text: "done", usage: false },
    );
    const r = await runCli([...args("plant it"), "--yolo"], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code, r.stderr).toBe(0);
    const tool = (server.requests.at(-1)!.body.messages as { role: string; content: string }[]).find((m) => m.role === "tool")!;
    expect(tool.content).toMatch(/Refusing to write.*letta-code's own user settings, memory and cache/);
    const cached = join(p.home, ".cache", "letta-code", "tokenizer", "o200k_base.bin");
    expect(readFileSync(cached, "utf8")).not.toBe("forged");
  }, 60_000);
});
