/**
 * A subagent in the real TUI (tmux): its tool calls appear nested under the task call while it runs,
 * its approval question names it, and the answer closes the nested view.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, cleanEnv, tempProject } from "../helpers/cli.js";
import { type ScriptedServer } from "../helpers/llm-server.mjs";
import { requireProgram, TMUX_INSTALL } from "../helpers/requires.js";
import { cleanEnvCommand, scriptedServerPerTest, TmuxSession, TUI_READY, TUI_START_MS, TUI_STEP_MS } from "../helpers/tmux.js";

const tmux = requireProgram("tmux", TMUX_INSTALL);

let server: ScriptedServer;
scriptedServerPerTest((s) => (server = s));

describe.skipIf(!tmux.present)(`subagents in the TUI (tmux)${tmux.note}`, () => {
  it("shows the subagent's calls live under its task call and asks its question with its name", async () => {
    const p = tempProject();
    mkdirSync(join(p.home, ".claude", "agents"), { recursive: true });
    writeFileSync(join(p.home, ".claude", "agents", "finder.md"), "---\nname: finder\ndescription: finds things\ntools: Read, Bash\n---\nYou find things.\n");
    server.enqueue(
      { toolCalls: [{ id: "t1", name: "task", arguments: { agent: "finder", description: "look around", prompt: "find the readme" } }] },
      { toolCalls: [{ id: "r1", name: "read_file", arguments: { path: "README.md" } }] },
      // Slow, so the live view can be seen while the subagent works.
      { toolCalls: [{ id: "s1", name: "run_shell", arguments: { command: "echo from-the-finder" } }], delayMs: 1500 },
      { text: "The readme is README.md." },
      { text: "All done: the finder found it." },
    );
    const env = { ...cleanEnv(p.home), TERM: "xterm-256color" };
    const argv = [process.execPath, BIN, "--model", "scripted-model", "--base-url", server.url, "--sandbox", "off"];
    const t = await TmuxSession.start({ command: cleanEnvCommand(argv, env), cwd: p.root, cols: 100, rows: 30 });
    await t.waitFor(TUI_READY, TUI_START_MS);
    await t.type("delegate it");
    await t.waitFor("> delegate it", TUI_STEP_MS);
    await t.press("Enter");

    // The first nested call finished while the subagent still works (its next model reply is 1.5 s away).
    const live = await t.waitFor((s) => s.includes("● read_file README.md"), TUI_STEP_MS);
    expect(live).toMatch(/◌ task finder · look around/);
    const asked = await t.waitFor("[subagent finder] Allow run_shell echo from-the-finder?", TUI_STEP_MS);
    expect(asked).toContain("1. Yes");
    await t.press("1");
    const end = await t.waitFor("All done: the finder found it.", TUI_STEP_MS);
    expect(end).toMatch(/● task finder · look around/);
    expect(end).toMatch(/● run_shell echo from-the-finder/);
    expect(end).toContain("The readme is README.md.");
  });
});
