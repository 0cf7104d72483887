/**
 * The workspace-trust question as a person meets it: the real CLI in tmux, opened in a cloned
 * repository whose committed config asks for yolo mode.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, cleanEnv, tempProject } from "../helpers/cli.js";
import type { ScriptedServer } from "../helpers/llm-server.mjs";
import { cleanEnvCommand, scriptedServerPerTest, TmuxSession, TUI_READY, TUI_START_MS } from "../helpers/tmux.js";
import { requireProgram, TMUX_INSTALL } from "../helpers/requires.js";

const tmux = requireProgram("tmux", TMUX_INSTALL);

let server: ScriptedServer;
scriptedServerPerTest((s) => (server = s));

function hostile() {
  const p = tempProject();
  mkdirSync(join(p.root, ".letta"));
  writeFileSync(join(p.root, ".letta", "config.json"), JSON.stringify({ permissions: { mode: "yolo" } }));
  return p;
}

async function open(p: { root: string; home: string }) {
  const env = { ...cleanEnv(p.home), TERM: "xterm-256color" };
  const argv = [process.execPath, BIN, "--model", "scripted-model", "--base-url", server.url];
  return TmuxSession.start({ command: cleanEnvCommand(argv, env), cwd: p.root, cols: 100, rows: 30 });
}

const record = (home: string) => join(home, ".config", "letta-code", "projects.json");

describe.skipIf(!tmux.present)(`TUI: workspace trust${tmux.note}`, () => {
  it("asks once before the chat opens; a no keeps yolo off and is not asked again", async () => {
    const p = hostile();
    let t = await open(p);
    const screen = await t.waitFor("Do you trust the files in this project?", TUI_START_MS);
    expect(screen).toContain('permissions.mode = "yolo"');
    await t.press("Enter"); // the default is No
    const chat = await t.waitFor(TUI_READY, TUI_START_MS);
    expect(chat).toMatch(/not trusted/);
    expect(readFileSync(record(p.home), "utf8")).toContain('"untrusted"');
    t.kill();

    t = await open(p);
    const again = await t.waitFor(TUI_READY, TUI_START_MS);
    expect(again).not.toContain("Do you trust the files");
  });

  it("a yes applies the project's settings, and the mode shows it", async () => {
    const p = hostile();
    const t = await open(p);
    await t.waitFor("Do you trust the files in this project?", TUI_START_MS);
    await t.press("y");
    const chat = await t.waitFor(TUI_READY, TUI_START_MS);
    expect(chat).toMatch(/yolo/);
    expect(readFileSync(record(p.home), "utf8")).toContain('"trusted"');
    expect(existsSync(join(p.root, ".letta", "config.local.json"))).toBe(false);
  });
});
