import { existsSync, readFileSync } from "node:fs";
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
type P = ReturnType<typeof tempProject>;
const cli = (p: P, args: string[], cwd = p.root) => runCli(args, { cwd, home: p.home, stdin: "ignore" });
const writeCall = { toolCalls: [{ name: "write_file", arguments: { path: "out.txt", content: "written\n" } }] };

describe("flags and words users bring from Claude Code and Codex", () => {
  it("exec PROMPT is -p PROMPT", async () => {
    const p = tempProject();
    server.enqueue({ text: "exec answer" });
    const r = await cli(p, ["exec", "hi", ...model()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("exec answer\n");
  });

  it("a bare word that is a near-miss of a subcommand is asked about (exit 2), not sent to the model", async () => {
    const p = tempProject();
    const before = server.requests.length;
    const r = await cli(p, ["rewnid", ...model()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Did you mean `letta-code rewind`?");
    expect(server.requests.length).toBe(before);
  });

  it("--dangerously-skip-permissions allows a write without asking, as --yolo does", async () => {
    const p = tempProject();
    server.enqueue(writeCall, { text: "done" });
    const r = await cli(p, ["-p", "write it", "--dangerously-skip-permissions", ...model()]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(p.root, "out.txt"), "utf8")).toBe("written\n");
  });

  it("--full-auto: workspace edits without asking, sandbox on; it contradicts --yolo", async () => {
    const p = tempProject();
    server.enqueue(writeCall, { text: "done" });
    const r = await cli(p, ["-p", "write it", "--full-auto", "--output-format", "stream-json", ...model()]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(p.root, "out.txt"), "utf8")).toBe("written\n");
    expect(JSON.parse(r.stdout.split("\n")[0]!)).toMatchObject({ type: "init", permission_mode: "accept-edits" });
    const both = await cli(p, ["-p", "x", "--full-auto", "--yolo", ...model()]);
    expect(both.code).toBe(2);
    expect((await cli(p, ["-p", "x", "--full-auto", "--sandbox", "off", ...model()])).code).toBe(2);
  });

  it("-C DIR runs in that project from anywhere; a missing DIR is a usage error", async () => {
    const p = tempProject();
    server.enqueue({ text: "from afar" });
    const elsewhere = tempDir("letta-elsewhere-");
    const r = await cli(p, ["-C", p.root, "-p", "hi", ...model()], elsewhere);
    expect(r.code).toBe(0);
    expect(existsSync(join(p.root, ".letta", "letta.db"))).toBe(true);
    expect(existsSync(join(elsewhere, ".letta"))).toBe(false);
    const bad = await cli(p, ["--cd", join(p.root, "nope"), "memory", "show"], elsewhere);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("no such directory");
  });

  it("--debug is --verbose", async () => {
    const p = tempProject();
    server.enqueue(writeCall, { text: "a" }, writeCall, { text: "b" });
    const verbose = await cli(p, ["-p", "hi", "--yolo", "--verbose", ...model()]);
    const debug = await cli(p, ["-p", "hi", "--yolo", "--debug", ...model()]);
    expect(verbose.stderr).not.toBe("");
    expect(debug.stderr.split("\n").length).toBe(verbose.stderr.split("\n").length);
  });
});
