/** A unified diff → coloured rows (green +, red -, cyan @@), capped with "… N more lines". */
import { diffSpan } from "./highlight.js";
import { hardWrap, type Line } from "./text-layout.js";

export interface DiffStats {
  added: number;
  removed: number;
}

export function diffStats(diff: string): DiffStats {
  let added = 0;
  let removed = 0;
  for (const l of diff.split("\n")) {
    if (l.startsWith("+++") || l.startsWith("---")) continue;
    if (l.startsWith("+")) added++;
    else if (l.startsWith("-")) removed++;
  }
  return { added, removed };
}

/** The body lines of a diff: file headers (---/+++/Index/===) dropped since the path is shown elsewhere. */
export function diffBody(diff: string): string[] {
  const lines = diff.replace(/\r\n?/g, "\n").split("\n");
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines.filter((l) => !/^(---|\+\+\+|Index: |=====|diff --git )/.test(l) && l !== "\\ No newline at end of file");
}

/** Rows for a diff, each at most `width` wide; at most `maxRows` source lines unless maxRows is Infinity. */
export function diffLines(diff: string, width: number, maxRows: number): Line[] {
  const body = diffBody(diff);
  const shown = body.slice(0, maxRows);
  const out: Line[] = [];
  for (const l of shown) out.push(...hardWrap([diffSpan(l.replace(/\t/g, "  "))], width));
  if (body.length > shown.length) out.push([{ text: `… ${body.length - shown.length} more lines`, dim: true }]);
  return out;
}
