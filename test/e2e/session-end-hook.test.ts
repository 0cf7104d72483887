import { mkdirSync, writeFileSync } from "node:fs";
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

/** A project whose user config has a SessionEnd hook that fails. */
function withFailingSessionEnd() {
  const p = tempProject();
  mkdirSync(join(p.home, ".config", "letta-code"), { recursive: true });
  const hooks = { SessionEnd: [{ matcher: "", hooks: [{ type: "command", command: "echo 'cleanup broke' >&2; exit 3" }] }] };
  writeFileSync(join(p.home, ".config", "letta-code", "config.json"), JSON.stringify({ hooks }));
  return p;
}

describe("a SessionEnd hook that fails", () => {
  it("-p: one line on stderr, not silent and not a stack; the answer and exit code are unchanged", async () => {
    const p = withFailingSessionEnd();
    server.enqueue({ text: "the answer" });
    const r = await runCli(["-p", "hi", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("the answer\n");
    const lines = r.stderr.split("\n").filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^letta-code: .*SessionEnd.*failed \(exit code 3\): cleanup broke\. Going on\.$/);
  });

  it("stream-json input: the same line on stderr after the last result, stdout stays events only", async () => {
    const p = withFailingSessionEnd();
    server.enqueue({ text: "ok" });
    const line = JSON.stringify({ type: "user", message: { role: "user", content: "hi" } });
    const r = await runCli(["-p", "--input-format", "stream-json", "--output-format", "stream-json", ...model()], { cwd: p.root, home: p.home, stdin: `${line}\n` });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^letta-code: .*SessionEnd.*failed \(exit code 3\): cleanup broke\. Going on\.\n$/);
    expect(JSON.parse(r.stdout.trim().split("\n").at(-1)!)).toMatchObject({ type: "result" });
  });
});
