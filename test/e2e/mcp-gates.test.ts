import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedServer, type ScriptedServer } from "../helpers/llm-server.mjs";
import { runCli, tempProject } from "../helpers/cli.js";

const TEST_SERVER = new URL("../helpers/mcp-stdio-server.mjs", import.meta.url).pathname;
let llm: ScriptedServer;
beforeAll(async () => {
  llm = await startScriptedServer();
});
afterAll(() => llm.close());

const model = () => ["--model", "scripted-model", "--base-url", llm.url];
const server = (marker: string) => ({ command: process.execPath, args: [TEST_SERVER, "serve"], env: { MCP_PIDFILE: marker } });
type P = ReturnType<typeof tempProject>;
const cli = (p: P, args: string[]) => runCli(args, { cwd: p.root, home: p.home, stdin: "ignore" });

/** The README's "which gate applies to which file", as a user sees it headless. */
describe("the gates of project MCP servers (.mcp.json and .letta/config.json alike)", () => {
  function project() {
    const p = tempProject();
    const marks = { mcpJson: join(p.root, "mcp-json.pid"), letta: join(p.root, "letta-config.pid") };
    writeFileSync(join(p.root, ".mcp.json"), JSON.stringify({ mcpServers: { fromMcpJson: server(marks.mcpJson) } }));
    mkdirSync(join(p.root, ".letta"), { recursive: true });
    writeFileSync(join(p.root, ".letta", "config.json"), JSON.stringify({ mcpServers: { fromLetta: server(marks.letta) } }));
    return { p, marks };
  }

  it("untrusted: neither starts; `mcp approve` alone starts that one server, from either file, and trusts nothing else", async () => {
    const { p, marks } = project();
    llm.enqueue({ text: "a" });
    await cli(p, ["-p", "hi", ...model()]);
    expect(existsSync(marks.mcpJson) || existsSync(marks.letta)).toBe(false);
    expect((await cli(p, ["mcp", "approve", "fromLetta"])).code).toBe(0);
    llm.enqueue({ text: "b" });
    await cli(p, ["-p", "hi", ...model()]);
    expect(existsSync(marks.letta)).toBe(true);
    expect(existsSync(marks.mcpJson)).toBe(false);
    expect((await cli(p, ["trust", "--status"])).stdout).toMatch(/not trusted/i);
  });

  it("trusted: both start without `mcp approve`; `mcp deny` still keeps one out", async () => {
    const { p, marks } = project();
    expect((await cli(p, ["trust", "--yes"])).code).toBe(0);
    expect((await cli(p, ["mcp", "deny", "fromMcpJson"])).code).toBe(0);
    llm.enqueue({ text: "c" });
    const r = await cli(p, ["-p", "hi", ...model()]);
    expect(r.code).toBe(0);
    expect(existsSync(marks.letta)).toBe(true);
    expect(existsSync(marks.mcpJson)).toBe(false);
  });
});
