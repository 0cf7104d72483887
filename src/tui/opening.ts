/**
 * What a TUI writes before Ink has loaded: bracketed paste on, the transcript it opens with
 * (printed-transcript.ts) and, for a plain start, the idle input and status line (idle-frame.ts).
 * Loading Ink, React and yoga and laying out a first frame takes ~45 ms on a small machine; written
 * here, the screen the user types into is up that much sooner, and Ink's first frame replaces the
 * printed one in place (handOver). The terminal goes into raw mode with it, so keys typed meanwhile are
 * neither echoed over the frame nor lost: Ink reads them when it starts.
 */
import type { AgentSession } from "../agent/session.js";
import type { Item } from "./items.js";
import { idleFrameLines } from "./idle-frame.js";
import { lineText, printedTranscript } from "./printed-transcript.js";
import { RESUME_LIMIT, safeInfo, safeStats, startItems } from "./session-view.js";
import { terminalSize } from "./terminal-size.js";

export interface Opening {
  /** The items already on the screen: the app starts with them and does not draw them again. */
  printed: Item[];
  /** Rows of the printed idle frame, ending just above the cursor, which Ink's first frame must replace (0: none). */
  frameRows: number;
  /** Leave the terminal as the TUI found it (bracketed paste, cursor, raw mode); safe to call twice. */
  restore(): void;
}

export interface OpeningOptions {
  /** Exchanges of the resumed conversation shown (default RESUME_LIMIT). */
  resumeLimit?: number;
  /**
   * Print the idle frame too: only where the app's first frame is that (no initial prompt or picker),
   * and not in CI, where Ink draws no frame until the app ends (so nothing would replace it).
   */
  frame: boolean;
}

const BRACKETED_PASTE_ON = "\u001b[?2004h";
const BRACKETED_PASTE_OFF = "\u001b[?2004l";
const HIDE_CURSOR = "\u001b[?25l";
const SHOW_CURSOR = "\u001b[?25h";
// Below this the app's layout or Ink's full-screen redraw differ from the printed rows: Ink draws alone.
const MIN_COLUMNS = 20;
const MIN_ROWS = 8;

export function printOpening(session: AgentSession, stdin: NodeJS.ReadStream, stdout: NodeJS.WriteStream, opts: OpeningOptions): Opening {
  const tty = stdout.isTTY === true;
  const { columns, rows } = terminalSize(stdout);
  const printed = startItems(session, opts.resumeLimit ?? RESUME_LIMIT);
  // Bracketed paste lets the input tell a pasted newline from a typed Enter.
  let out = (tty ? BRACKETED_PASTE_ON : "") + printedTranscript(printed, columns);
  let frameRows = 0;
  const info = safeInfo(session);
  if (opts.frame && tty && stdin.isTTY && info && columns >= MIN_COLUMNS && rows >= MIN_ROWS) {
    const lines = idleFrameLines({ ...safeStats(session), model: info.model, mode: info.permissionMode, width: columns });
    out += HIDE_CURSOR + lines.map((l) => `${lineText(l)}\n`).join("");
    frameRows = lines.length;
  }
  stdout.write(out);
  const raw = frameRows > 0 && typeof stdin.setRawMode === "function";
  if (raw) stdin.setRawMode(true);
  let done = false;
  const restore = () => {
    if (done) return;
    done = true;
    process.off("exit", restore);
    if (raw && stdin.isRaw) stdin.setRawMode(false);
    if (tty) stdout.write(BRACKETED_PASTE_OFF + (frameRows > 0 ? SHOW_CURSOR : ""));
  };
  process.once("exit", restore);
  return { printed, frameRows, restore };
}

/**
 * Make Ink's first write start where the printed frame does, erasing it: Ink then draws its frame over
 * the same rows, in the same write, as if it had drawn the printed one itself.
 */
export function handOver(stdout: NodeJS.WriteStream, frameRows: number): void {
  if (frameRows <= 0) return;
  const erase = `\u001b[${frameRows}A\r\u001b[J`;
  const own = Object.prototype.hasOwnProperty.call(stdout, "write");
  const write = stdout.write;
  stdout.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
    if (own) stdout.write = write;
    else delete (stdout as { write?: unknown }).write;
    if (typeof chunk === "string") return (write as (...a: unknown[]) => boolean).call(this, erase + chunk, ...rest);
    write.call(this, erase);
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof stdout.write;
}
