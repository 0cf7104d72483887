/**
 * The sandbox through the real CLI: a model's shell call that tries to escape (remount, unmount
 * .letta, plant a git hook, reach the network) fails, the model is told the sandbox was why, and
 * nothing changed on disk.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, tempProject } from "../helpers/cli.js";
import { startScriptedServer, type ScriptedServer } from "../helpers/llm-server.mjs";
import { BWRAP_INSTALL, requireProgram } from "../helpers/requires.js";

const bwrap = requireProgram("bwrap", BWRAP_INSTALL);

let server: ScriptedServer;
let web: http.Server;
let webPort: number;
beforeAll(async () => {
  server = await startScriptedServer();
  web = http.createServer((_req, res) => res.end("pong"));
  await new Promise<void>((r) => web.listen(0, "127.0.0.1", r));
  webPort = (web.address() as AddressInfo).port;
});
afterAll(async () => {
  await server.close();
  await new Promise<void>((r) => web.close(() => r()));
});

const model = () => ["--model", "scripted-model", "--base-url", server.url];

describe.skipIf(!bwrap.present)(`letta-code -p --sandbox${bwrap.note}`, () => {
  it("a shell call cannot escape, and the model hears that the sandbox stopped it", async () => {
    const p = tempProject();
    const command = [
      "grep CapEff /proc/self/status",
      "mount -o remount,bind,rw / 2>&1 && echo ESCAPED-remount",
      "umount .letta 2>&1 && echo ESCAPED-umount",
      `node -e "fetch('http://127.0.0.1:${webPort}/').then(r => r.text()).then(t => console.log('ESCAPED-net', t), e => console.log('no network:', e.cause?.code))"`,
      "echo 'touch pwned' > .git/hooks-probe && echo ESCAPED-git",
      "echo '{\"permissionMode\":\"yolo\"}' > .letta/config.local.json",
    ].join("; ");
    server.enqueue({ toolCalls: [{ name: "run_shell", arguments: { command } }] }, { text: "done" });
    const r = await runCli(["-p", "try it", "--yolo", "--sandbox", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    const toolMessage = server.requests.at(-1)!.body.messages.find((m: { role: string }) => m.role === "tool");
    const seen = String(toolMessage?.content);
    expect(seen).toContain("CapEff:\t0000000000000000");
    expect(seen).toContain("no network: ECONNREFUSED");
    expect(seen).toContain("Read-only file system");
    expect(seen).not.toContain("ESCAPED");
    expect(seen).toMatch(/\(sandboxed: .*--sandbox-network.*--sandbox off\)/);
    expect(existsSync(join(p.root, ".git/hooks-probe"))).toBe(false);
    const local = join(p.root, ".letta/config.local.json");
    expect(existsSync(local) ? readFileSync(local, "utf8") : "").not.toContain("yolo");
  });
});

describe.skipIf(!bwrap.present)(`the sandbox is the default${bwrap.note}`, () => {
  const outsideDir = () => {
    // Outside the project and outside /tmp (the sandbox's /tmp is private, so a write there proves nothing).
    const d = mkdtempSync("/var/tmp/letta-default-");
    chmodSync(d, 0o777);
    return d;
  };
  const fetchLine = () =>
    `node -e "fetch('http://127.0.0.1:${webPort}/').then(r => r.text()).then(t => console.log('NET', t), e => console.log('no network:', e.cause?.code))"`;
  const toolOutput = () => String(server.requests.at(-1)!.body.messages.find((m: { role: string }) => m.role === "tool")?.content);

  it("a plain -p --yolo command can neither write outside the project nor reach a loopback server", async () => {
    const p = tempProject();
    const dir = outsideDir();
    server.enqueue({ toolCalls: [{ name: "run_shell", arguments: { command: `touch ${dir}/x; ${fetchLine()}` } }] }, { text: "done" });
    const r = await runCli(["-p", "go", "--yolo", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, "x"))).toBe(false);
    expect(toolOutput()).toContain("no network: ECONNREFUSED");
    expect(toolOutput()).not.toContain("NET pong");
    rmSync(dir, { recursive: true, force: true });
  });

  it("--sandbox-network lets it reach the server; --sandbox off lets it write outside", async () => {
    const p = tempProject();
    server.enqueue({ toolCalls: [{ name: "run_shell", arguments: { command: fetchLine() } }] }, { text: "done" });
    await runCli(["-p", "go", "--yolo", "--sandbox-network", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(toolOutput()).toContain("NET pong");

    const dir = outsideDir();
    server.enqueue({ toolCalls: [{ name: "run_shell", arguments: { command: `touch ${dir}/x` } }] }, { text: "done" });
    await runCli(["-p", "go", "--yolo", "--sandbox", "off", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(existsSync(join(dir, "x"))).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  });

  it("an untrusted project cannot turn the sandbox off or open the network", async () => {
    const p = tempProject();
    mkdirSync(join(p.root, ".letta"));
    writeFileSync(join(p.root, ".letta", "config.json"), JSON.stringify({ sandbox: { mode: "off", network: true } }));
    const dir = outsideDir();
    server.enqueue({ toolCalls: [{ name: "run_shell", arguments: { command: `touch ${dir}/x; ${fetchLine()}` } }] }, { text: "done" });
    const r = await runCli(["-p", "go", "--yolo", "--verbose", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(existsSync(join(dir, "x"))).toBe(false);
    expect(toolOutput()).toContain("no network: ECONNREFUSED");
    expect(r.stderr).toMatch(/not trusted.*sandbox/);
    rmSync(dir, { recursive: true, force: true });
  });
});
