import { existsSync, writeFileSync } from "node:fs";
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
const sh = (command: string) => ({ toolCalls: [{ name: "run_shell", arguments: { command } }] });
/** The tool results the model was sent in the last request, in order. */
const toolResults = () =>
  (server.requests.at(-1)!.body.messages as { role: string; content: string }[]).filter((m) => m.role === "tool").map((m) => m.content);

describe("permission rules through the CLI", () => {
  it("an allow rule allows exactly its command, not the same command with more arguments", async () => {
    const p = tempProject();
    server.enqueue(sh("touch ok.txt"), sh("touch ok.txt extra.txt"), sh("touch ok.txt -- dashed.txt"), { text: "done" });
    const r = await runCli(["-p", "touch", "--allowed-tools", "Bash(touch ok.txt)", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    expect(existsSync(join(p.root, "ok.txt"))).toBe(true);
    expect(existsSync(join(p.root, "extra.txt"))).toBe(false);
    // `--` passes further arguments through, as the rule syntax promises.
    expect(existsSync(join(p.root, "dashed.txt"))).toBe(true);
    expect(toolResults()[1]).toMatch(/Not run: run_shell needs the user's approval/);
  });

  it("with --yolo, a deny rule still catches rm however it is spelled, and a computed program is refused", async () => {
    const p = tempProject();
    const victim = join(p.root, "victim.txt");
    writeFileSync(victim, "keep me\n");
    const attempts = ["/bin/rm -f victim.txt", "env rm -f victim.txt", "bash -c 'r\"\"m -f victim.txt'", "timeout 5 \\rm victim.txt", "X=rm; $X -f victim.txt"];
    server.enqueue(...attempts.map(sh), { text: "gave up" });
    const r = await runCli(["-p", "remove it", "--yolo", "--disallowed-tools", "run_shell(rm)", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    expect(existsSync(victim)).toBe(true);
    const results = toolResults();
    expect(results.slice(0, 4).every((c) => c.includes("denied by rule run_shell(rm)"))).toBe(true);
    expect(results[4]).toMatch(/Not run: .*`\$X` is computed.*deny rules cannot tell/);
  });

  it("read-only mode refuses a core memory write", async () => {
    const p = tempProject();
    server.enqueue({ toolCalls: [{ name: "core_memory_append", arguments: { label: "human", content: "Name: Zed" } }] }, { text: "ok" });
    const r = await runCli(["-p", "remember me", "--permission-mode", "read-only", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    expect(toolResults()[0]).toMatch(/read-only mode: core memory writes are not allowed/);
    server.enqueue({ text: "hello" });
    await runCli(["-p", "hi", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(server.requests.at(-1)!.body.messages[0].content).not.toContain("Zed");
  });
});
