/**
 * MCP in the real TUI (tmux): the once-per-server approval of a project's server, /mcp, and an
 * MCP prompt as a slash command whose text reaches the model as the user's message.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, cleanEnv, tempProject } from "../helpers/cli.js";
import type { ScriptedServer } from "../helpers/llm-server.mjs";
import { cleanEnvCommand, scriptedServerPerTest, TmuxSession, TUI_READY, TUI_START_MS, TUI_STEP_MS } from "../helpers/tmux.js";
import { requireProgram, TMUX_INSTALL } from "../helpers/requires.js";

const tmux = requireProgram("tmux", TMUX_INSTALL);

const TEST_SERVER = new URL("../helpers/mcp-stdio-server.mjs", import.meta.url).pathname;

let server: ScriptedServer;
scriptedServerPerTest((s) => (server = s));

async function open(p: { root: string; home: string }) {
  const env = { ...cleanEnv(p.home), TERM: "xterm-256color" };
  const argv = [process.execPath, BIN, "--model", "scripted-model", "--base-url", server.url];
  return TmuxSession.start({ command: cleanEnvCommand(argv, env), cwd: p.root, cols: 110, rows: 32 });
}

describe.skipIf(!tmux.present)(`MCP in the TUI${tmux.note}`, () => {
  it("asks once per project server, then /mcp shows it connected and its prompt works as a slash command", async () => {
    const p = tempProject();
    writeFileSync(join(p.root, ".mcp.json"), JSON.stringify({ mcpServers: { repo: { command: process.execPath, args: [TEST_SERVER], env: { TOKEN: "${SECRET_TOKEN:-none}" } } } }));
    let t = await open(p);
    await t.waitFor('wants to start the MCP server "repo"', TUI_START_MS);
    // What the server would be given is shown unexpanded: a secret passed to it is visible before saying yes.
    expect(await t.screen()).toContain("env TOKEN=${SECRET_TOKEN:-none}");
    await t.press("1");
    await t.waitFor(TUI_READY, TUI_START_MS);
    expect(await t.screen()).not.toMatch(/wants to start/);
    // The first message waits for the servers to connect; afterwards /mcp shows them connected.
    server.enqueue({ text: "hello there" });
    await t.type("hi");
    await t.waitFor("> hi", TUI_STEP_MS);
    await t.press("Enter");
    await t.waitFor("hello there", TUI_STEP_MS);
    expect(server.requests.at(-1)!.body.tools.map((x: { function: { name: string } }) => x.function.name)).toContain("mcp__repo__add");
    await t.type("/mcp");
    await t.waitFor("> /mcp", TUI_STEP_MS);
    await t.press("Enter");
    await t.waitFor(/repo\s+project · stdio · connected · \d+ tools/, TUI_STEP_MS);
    expect(await t.screen()).toMatch(/\/mcp__repo__review/);

    server.enqueue({ text: "reviewed" });
    await t.type("/mcp__repo__review src/a.ts");
    await t.waitFor("> /mcp__repo__review src/a.ts", TUI_STEP_MS);
    await t.press("Enter");
    await t.waitFor("reviewed", TUI_STEP_MS);
    expect(server.requests.at(-1)!.body.messages.at(-1).content).toBe("Please review src/a.ts carefully.");

    // @server:uri attaches the resource like @path attaches a file.
    server.enqueue({ text: "read it" });
    await t.type("summarise @repo:test://readme please");
    await t.waitFor("> summarise @repo:test://readme please", TUI_STEP_MS);
    await t.press("Enter");
    await t.waitFor("read it", TUI_STEP_MS);
    // The turn's own request (a background reflection pass may have asked in between).
    const turn = server.requests.filter((r) => !String(r.body.messages[0]?.content ?? "").startsWith("You are the memory of a coding agent")).at(-1)!;
    const sent = turn.body.messages.at(-1).content as string;
    expect(sent).toMatch(/^summarise @repo:test:\/\/readme please\n\nAttached resources:\n\n```repo:test:\/\/readme\nREADME CONTENT from the server\n```$/);
    t.kill();

    // Asked once: the second start goes straight to the chat, and the decision lives in the user's dir.
    t = await open(p);
    await t.waitFor(TUI_READY, TUI_START_MS);
    expect(await t.screen()).not.toMatch(/wants to start/);
    const approvals = JSON.parse(readFileSync(join(p.home, ".config", "letta-code", "mcp-approvals.json"), "utf8"));
    expect(Object.values(approvals.projects)[0]).toMatchObject({ repo: { decision: "approved" } });
  }, 90_000);
});
