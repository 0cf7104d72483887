/**
 * Entry point of the interactive TUI. The CLI imports this module lazily, so Ink and React
 * load only when the TUI actually runs.
 */
import React from "react";
import { render } from "ink";
import type { AgentSession } from "../agent/session.js";
import { App, type TuiOptions } from "./app.js";
import { handOver, printOpening, type Opening } from "./opening.js";

export type { TuiOptions } from "./app.js";
export type { SlashCommand, SlashContext, AgentSwitcher, PermissionsView } from "./slash-commands.js";

export interface RunTuiOptions extends TuiOptions {
  /** Streams (default: the process's). stdin must be a TTY: the TUI reads keys in raw mode. */
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
  /** What was written before Ink loaded (opening.ts); without it, the transcript is printed here. */
  opening?: Opening;
}

/** Run the TUI until the user quits; resolves with the process exit code. */
export async function runTui(session: AgentSession, opts: RunTuiOptions = {}): Promise<number> {
  const stdin = opts.stdin ?? process.stdin;
  const stdout = opts.stdout ?? process.stdout;
  const stderr = opts.stderr ?? process.stderr;
  if (!stdin.isTTY) {
    stderr.write("letta-code: the interactive mode needs a terminal; use -p \"…\" for headless runs.\n");
    return 2;
  }
  let code = 0;
  const opening = opts.opening ?? printOpening(session, stdin, stdout, { resumeLimit: opts.resumeLimit, frame: false });
  const printed = opening.printed;
  try {
    handOver(stdout, opening.frameRows);
    const instance = render(
      <App
        session={session}
        options={opts}
        printed={printed}
        onExit={(c) => {
          code = c;
        }}
      />,
      // Console output from other modules is routed above the UI, but only when drawing on the real terminal.
      { stdin, stdout, stderr, exitOnCtrlC: false, patchConsole: stdout === process.stdout },
    );
    await instance.waitUntilExit();
  } catch (e) {
    stderr.write(`letta-code: the TUI stopped: ${e instanceof Error ? e.message : String(e)}\n`);
    code = 1;
  } finally {
    opening.restore();
  }
  return code;
}
