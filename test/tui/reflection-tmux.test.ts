/** Reflection in the real TUI (tmux): the automatic pass after N turns and /reflect, against the scripted server. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, cleanEnv, tempProject } from "../helpers/cli.js";
import { type RecordedRequest, type ScriptedServer } from "../helpers/llm-server.mjs";
import { cleanEnvCommand, scriptedServerPerTest, TmuxSession, TUI_READY, TUI_START_MS, TUI_STEP_MS } from "../helpers/tmux.js";
import { requireProgram, TMUX_INSTALL } from "../helpers/requires.js";

const tmux = requireProgram("tmux", TMUX_INSTALL);

const FACT = "Deploys go through fly deploy --remote-only.";

let server: ScriptedServer;
scriptedServerPerTest((s) => (server = s));

const isReflection = (r: RecordedRequest) => String(r.body.messages[0]?.content ?? "").startsWith("You are the memory of a coding agent");

describe.skipIf(!tmux.present)(`reflection in the real TUI${tmux.note}`, () => {
  it("learns on its own after N turns, shows it, and /reflect then finds nothing new", async () => {
    const p = tempProject();
    mkdirSync(join(p.root, ".letta"), { recursive: true });
    writeFileSync(join(p.root, ".letta", "config.json"), JSON.stringify({ reflection: { everyTurns: 2 } }));
    server.setFallback((req) => {
      if (!isReflection(req)) return { text: "Noted." };
      if (req.body.messages.some((m: { role: string }) => m.role === "tool")) return { text: "done" };
      return { toolCalls: [{ name: "core_memory_append", arguments: { label: "project", content: FACT, reason: "how to deploy" } }] };
    });
    const env = { ...cleanEnv(p.home), TERM: "xterm-256color", LETTA_CODE_REFLECTION: "" };
    const argv = [process.execPath, BIN, "--model", "scripted-model", "--base-url", server.url];
    const t = await TmuxSession.start({ command: cleanEnvCommand(argv, env), cwd: p.root, cols: 100, rows: 30 });
    await t.waitFor(TUI_READY, TUI_START_MS);

    for (const text of ["we deploy with fly", "always --remote-only"]) {
      await t.type(text);
      await t.waitFor(`> ${text}`, TUI_STEP_MS);
      await t.press("Enter");
      await t.waitFor((s) => s.includes(TUI_READY) && !s.includes("Esc to interrupt"), TUI_STEP_MS);
    }
    const screen = await t.waitFor("✻ learned · project: Deploys go through fly deploy", TUI_STEP_MS);
    expect(screen).not.toContain("✗");
    expect(server.requests.filter(isReflection).length).toBe(2); // the tool call, then its answer

    await t.type("/reflect");
    await t.waitFor("> /reflect", TUI_STEP_MS);
    await t.press("Enter");
    await t.waitFor("Nothing new to reflect on.", TUI_STEP_MS);

    // One more turn, then quit: the unreflected turn is reflected on before the process ends.
    await t.type("and staging is fly deploy -a staging");
    await t.waitFor("> and staging", TUI_STEP_MS);
    await t.press("Enter");
    await t.waitFor((s) => s.includes(TUI_READY) && !s.includes("Esc to interrupt") && s.split("Noted.").length - 1 >= 3, TUI_STEP_MS);
    await t.type("/exit");
    await t.waitFor("> /exit", TUI_STEP_MS);
    await t.press("Enter");
    expect(await t.waitForExit(TUI_STEP_MS)).toBe(0);
    const last = server.requests.filter(isReflection).at(-2)!;
    expect(last.body.messages[1].content).toContain("and staging is fly deploy -a staging");
  }, 60_000);
});
