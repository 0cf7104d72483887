/**
 * The live region of an idle TUI, the empty input box and the status line, as rows laid out as <Input>
 * and <StatusLine> draw them. The opening screen (opening.ts) writes them before Ink has loaded, and
 * Ink's first frame then replaces them in place.
 */
import { statusSpans, type StatusProps } from "./status-spans.js";
import { stringWidth, truncate, type Line } from "./text-layout.js";
import { theme } from "./theme.js";

export const IDLE_PLACEHOLDER = "Type a message · / for commands · @ to attach a file";
export const BUSY_PLACEHOLDER = "working… type to queue a message (Esc interrupts)";

/** Columns for the typed text: the box's border (2), padding (2) and "> " (2) take the rest. */
export const inputInner = (width: number): number => Math.max(10, width - 6);

/** The empty input with its cursor and placeholder, then the status line; `p.width` is the app's width. */
export function idleFrameLines(p: StatusProps): Line[] {
  const { width } = p;
  const hint = truncate(IDLE_PLACEHOLDER, inputInner(width) - 1);
  // Inside the border and padding: "> ", the cursor's cell, the placeholder, then blanks to the edge.
  const blank = Math.max(0, width - 4 - 3 - stringWidth(hint));
  const edge = "─".repeat(Math.max(0, width - 2));
  return [
    [{ text: `╭${edge}╮`, color: "gray" }],
    [
      { text: "│", color: "gray" },
      { text: " " },
      { text: "> ", color: theme.accent },
      { text: " ", inverse: true },
      { text: hint, dim: true },
      { text: " ".repeat(blank + 1) },
      { text: "│", color: "gray" },
    ],
    [{ text: `╰${edge}╯`, color: "gray" }],
    [{ text: " " }, ...statusSpans(p)],
  ];
}
