/**
 * The transcript a TUI opens with (its header, notices, the resumed conversation), written to the
 * terminal before Ink draws its first frame. Through <Static>, Ink lays every cell of those rows out in a
 * grid and diffs each cell's styles: for a resumed conversation of ~50 rows that was 30-50 ms of the first
 * frame. Written here, the same rows cost well under a millisecond, and appear just as <Static> would have
 * put them: above the live region, never redrawn (a repaint draws everything through Ink again).
 */
import chalk from "chalk";
import type { Item } from "./items.js";
import type { Line, Span } from "./text-layout.js";
import { itemGap, safeItemLines } from "./item-lines.js";
import { color } from "./theme.js";

// What Ink's <Text> would strip or could not lay out: escape sequences (a model's or a file's, echoed
// into the transcript, must not move the cursor or retitle the terminal) and other control characters.
const CONTROL = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[@-_])|[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;

/** One span as <Text> writes it: the same chalk calls, in the same order (dim, colour, then the rest). */
function spanText(span: Span): string {
  let text = span.text.replace(CONTROL, "").replaceAll("\t", " ");
  const c = color(span.color); // NO_COLOR, as <SpanText> honours it
  if (span.dim) text = chalk.dim(text);
  if (c) text = chalk[c](text);
  if (span.bold) text = chalk.bold(text);
  if (span.italic) text = chalk.italic(text);
  if (span.underline) text = chalk.underline(text);
  if (span.strike) text = chalk.strikethrough(text);
  if (span.inverse) text = chalk.inverse(text);
  return text;
}

/** A row as Ink writes it: trailing blanks dropped (Ink trims each line of its output), unless they show. */
export function lineText(line: Line): string {
  const spans = [...line];
  while (spans.length) {
    const last = spans[spans.length - 1]!;
    const kept = last.text.trimEnd();
    if (last.inverse || last.underline || last.strike || kept === last.text) break;
    if (kept) {
      spans[spans.length - 1] = { ...last, text: kept };
      break;
    }
    spans.pop();
  }
  return spans.map(spanText).join("");
}

/** Items as <FinishedItems> shows them at this width: each after its gap, every row ending in a newline. */
export function printedTranscript(items: Item[], width: number): string {
  width = Math.max(20, width);
  let out = "";
  for (const item of items) {
    out += "\n".repeat(itemGap(item));
    for (const line of safeItemLines(item, width, false)) out += `${lineText(line)}\n`;
  }
  return out;
}
