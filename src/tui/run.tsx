/**
 * Entry point of the interactive TUI. The CLI imports this module lazily, so Ink and React
 * load only when the TUI actually runs.
 */
import React from "react";
import { render } from "ink";
import type { AgentSession } from "../agent/session.js";
import { App, type TuiOptions } from "./app.js";
import { printedTranscript } from "./printed-transcript.js";
import { RESUME_LIMIT, startItems } from "./session-view.js";
import { terminalSize } from "./terminal-size.js";

export type { TuiOptions } from "./app.js";
export type { SlashCommand, SlashContext, AgentSwitcher, PermissionsView } from "./slash-commands.js";

export interface RunTuiOptions extends TuiOptions {
  /** Streams (default: the process's). stdin must be a TTY: the TUI reads keys in raw mode. */
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
}

const BRACKETED_PASTE_ON = "\u001b[?2004h";
const BRACKETED_PASTE_OFF = "\u001b[?2004l";

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
  // Bracketed paste lets the input tell a pasted newline from a typed Enter.
  const paste = stdout.isTTY === true;
  if (paste) stdout.write(BRACKETED_PASTE_ON);
  const restore = () => {
    if (paste) stdout.write(BRACKETED_PASTE_OFF);
  };
  process.once("exit", restore);
  try {
    // The transcript it opens with goes to the terminal before Ink starts: the first frame then draws
    // only the input and the status line (printed-transcript.ts says why).
    const printed = startItems(session, opts.resumeLimit ?? RESUME_LIMIT);
    stdout.write(printedTranscript(printed, terminalSize(stdout).columns));
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
    process.off("exit", restore);
    restore();
  }
  return code;
}
