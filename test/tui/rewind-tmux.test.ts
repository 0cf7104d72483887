/**
 * /rewind in a real terminal (tmux) against the real CLI: a turn rewrites a file, the user
 * rewinds it from the picker, and Esc twice on the empty input opens the same picker.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, cleanEnv, tempProject } from "../helpers/cli.js";
import type { ScriptedServer } from "../helpers/llm-server.mjs";
import { cleanEnvCommand, scriptedServerPerTest, TmuxSession, TUI_READY, TUI_START_MS, TUI_STEP_MS } from "../helpers/tmux.js";
import { requireProgram, TMUX_INSTALL } from "../helpers/requires.js";

const tmux = requireProgram("tmux", TMUX_INSTALL);


let server: ScriptedServer;
scriptedServerPerTest((s) => (server = s));

async function submit(t: TmuxSession, text: string) {
  await t.type(text);
  await t.waitFor(`> ${text}`, TUI_STEP_MS);
  await t.press("Enter");
}

describe.skipIf(!tmux.present)(`rewind in the TUI (tmux)${tmux.note}`, () => {
  it("/rewind restores a file the agent rewrote; Esc Esc reopens the picker and a conversation rewind puts the message back in the input", async () => {
    const project = tempProject();
    const env = { ...cleanEnv(project.home), TERM: "xterm-256color" };
    const argv = [process.execPath, BIN, "--model", "scripted-model", "--base-url", server.url, "--yolo"];
    const t = await TmuxSession.start({ command: cleanEnvCommand(argv, env), cwd: project.root, cols: 100, rows: 30 });
    await t.waitFor(TUI_READY, TUI_START_MS);
    await t.waitFor(/conversation conv-/, TUI_STEP_MS); // the header names the open conversation

    server.enqueue({ toolCalls: [{ name: "write_file", arguments: { path: "README.md", content: "# rewritten\n" } }] }, { text: "Rewrote it." });
    await submit(t, "rewrite the readme");
    await t.waitFor("Rewrote it.", TUI_STEP_MS);
    await t.waitFor((s) => s.includes(TUI_READY) && !s.includes("Esc to interrupt"), TUI_STEP_MS);
    expect(readFileSync(join(project.root, "README.md"), "utf8")).toBe("# rewritten\n");

    await submit(t, "/rewind");
    await t.waitFor("Rewind to before which turn?", TUI_STEP_MS);
    await t.waitFor("modified README.md", TUI_STEP_MS);
    await t.press("Enter");
    await t.waitFor("Restore code only", TUI_STEP_MS);
    await t.press("2");
    await t.waitFor("restored README.md", TUI_STEP_MS);
    expect(readFileSync(join(project.root, "README.md"), "utf8")).toBe("# sample project\n");

    // Esc twice on the empty input opens the same list; this time the conversation goes back too.
    await t.waitFor(TUI_READY, TUI_STEP_MS);
    await t.press("Escape");
    await new Promise((r) => setTimeout(r, 100));
    await t.press("Escape");
    await t.waitFor("Rewind to before which turn?", TUI_STEP_MS);
    await t.press("Enter");
    await t.waitFor("Restore conversation only", TUI_STEP_MS);
    await t.press("3");
    await t.waitFor("message is back in the input", TUI_STEP_MS);
    const screen = await t.waitFor("> rewrite the readme", TUI_STEP_MS);
    // The rewound turn left the view as it left the context.
    expect(screen).not.toContain("Rewrote it.");
    // The file stays as the first rewind left it.
    expect(readFileSync(join(project.root, "README.md"), "utf8")).toBe("# sample project\n");
  });
});

describe.skipIf(!tmux.present)(`sessions in the TUI (tmux)${tmux.note}`, () => {
  it("-r without an id opens a picker; the chosen conversation's history is shown and sent next", async () => {
    const project = tempProject();
    const model = ["--model", "scripted-model", "--base-url", server.url];
    const { runCli } = await import("../helpers/cli.js");
    server.enqueue({ text: "apples are red" });
    await runCli(["-p", "about apples", ...model], { cwd: project.root, home: project.home, stdin: "ignore" });
    server.enqueue({ text: "bananas are yellow" });
    await runCli(["-p", "about bananas", "--new", ...model], { cwd: project.root, home: project.home, stdin: "ignore" });

    const env = { ...cleanEnv(project.home), TERM: "xterm-256color" };
    const t = await TmuxSession.start({ command: cleanEnvCommand([process.execPath, BIN, ...model, "-r"], env), cwd: project.root, cols: 100, rows: 30 });
    await t.waitFor("Resume which conversation?", TUI_START_MS);
    await t.waitFor("about apples", TUI_STEP_MS);
    await t.press("2"); // the older one: apples
    await t.waitFor("Resumed conversation conv-", TUI_STEP_MS);
    await t.waitFor("apples are red", TUI_STEP_MS);
    server.enqueue({ text: "still apples" });
    await submit(t, "more please");
    await t.waitFor("still apples", TUI_STEP_MS);
    const sent = JSON.stringify(server.requests.at(-1)!.body.messages);
    expect(sent).toContain("apples are red");
    expect(sent).not.toContain("bananas");
  });
});
