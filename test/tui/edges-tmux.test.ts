/**
 * What only a real terminal shows (tmux): rows a closed approval box leaves behind on a full
 * screen, and /help in a small pane.
 */
import { describe, expect, it } from "vitest";
import { BIN, cleanEnv, tempProject } from "../helpers/cli.js";
import { type ScriptedServer } from "../helpers/llm-server.mjs";
import { requireProgram, TMUX_INSTALL } from "../helpers/requires.js";
import { cleanEnvCommand, scriptedServerPerTest, TmuxSession, TUI_READY, TUI_START_MS, TUI_STEP_MS } from "../helpers/tmux.js";

const tmux = requireProgram("tmux", TMUX_INSTALL);

let server: ScriptedServer;
scriptedServerPerTest((s) => (server = s));

async function openTui(cols: number, rows: number) {
  const p = tempProject();
  const env = { ...cleanEnv(p.home), TERM: "xterm-256color" };
  const t = await TmuxSession.start({ command: cleanEnvCommand([process.execPath, BIN, "--model", "scripted-model", "--base-url", server.url], env), cwd: p.root, cols, rows });
  await t.waitFor(TUI_READY, TUI_START_MS);
  return t;
}

async function submit(t: TmuxSession, text: string) {
  await t.type(text);
  await t.waitFor(`> ${text}`, TUI_STEP_MS);
  await t.press("Enter");
}

const idle = (t: TmuxSession) => t.waitFor((s) => s.includes(TUI_READY) && !s.includes("Esc to interrupt"), TUI_STEP_MS);

/** The rows after the input box's bottom border, up to the pane's last row (blank ones included). */
function belowInput(screen: string, rows: number): string[] {
  const lines = screen.replace(/\n$/, "").split("\n");
  while (lines.length < rows) lines.push("");
  const bottom = lines.findLastIndex((l) => l.startsWith("╰"));
  return lines.slice(bottom + 1);
}

describe.skipIf(!tmux.present)(`TUI rough edges in tmux${tmux.note}`, () => {
  it("after an approval closes on a full screen, the input is followed by the status line only", async () => {
    const rows = 30;
    const long = Array.from({ length: 30 }, (_, i) => `line ${i} of the first answer`).join("\n\n");
    const content = Array.from({ length: 12 }, (_, i) => `row ${i}`).join("\n") + "\n";
    server.enqueue({ text: long }, { toolCalls: [{ name: "write_file", arguments: { path: "a.txt", content } }] }, { text: "Wrote a.txt." });
    const t = await openTui(100, rows);
    await submit(t, "fill the screen");
    await t.waitFor("line 29 of the first answer", TUI_STEP_MS);
    await idle(t);
    await submit(t, "write a file");
    await t.waitFor("Allow write_file a.txt?", TUI_STEP_MS);
    await t.press("1");
    await t.waitFor("● Wrote a.txt.", TUI_STEP_MS);
    const screen = await idle(t);
    // The status line, then at most the row Ink leaves its cursor on: no rows the box took.
    const below = belowInput(screen, rows);
    expect(below[0]).toMatch(/scripted-model · ctx/);
    expect(below.length, screen).toBeLessThanOrEqual(2);
    expect(screen).toContain("● write_file a.txt");
    // What the repaint drew again is the transcript itself, whole: the first answer is still in the scrollback.
    const back = await t.screen({ scrollback: 200 });
    expect(back).toContain("line 0 of the first answer");
    expect(back.split("line 29 of the first answer").length - 1).toBe(1);
  });

  for (const [cols, rows] of [
    [80, 40],
    [60, 24],
  ] as const) {
    it(`/help fits a ${cols}x${rows} pane`, async () => {
      const t = await openTui(cols, rows);
      await submit(t, "/help");
      const screen = await t.waitFor((s) => /^Commands$/m.test(s) && s.includes(TUI_READY), TUI_STEP_MS);
      const lines = screen.replace(/\n$/, "").split("\n");
      // Title, the commands, the input and the status line all on the screen; nothing wider than the pane.
      expect(lines.findIndex((l) => l === "Commands")).toBeGreaterThanOrEqual(0);
      expect(lines.length).toBeLessThanOrEqual(rows);
      expect(lines.filter((l) => [...l].length > cols)).toEqual([]);
      const panel = lines.slice(lines.indexOf("Commands") + 1, lines.findLastIndex((l) => l.startsWith("╭")));
      expect(panel.some((l) => l.startsWith("  /help "))).toBe(true);
      expect(panel.at(-1)).toContain("/help keys");
      // No row wrapped by the terminal: every panel row is indented as we laid it out.
      expect(panel.filter((l) => l !== "" && !l.startsWith("  "))).toEqual([]);
    });
  }
});
