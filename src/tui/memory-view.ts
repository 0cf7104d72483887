/** How a memory change reads in the transcript: `✎ remembered in project: …`, or a small -/+ view for rewrites. */
import { diffLines as lineChanges } from "diff";
import { indentLines, truncate, wrapSpans, type Line } from "./text-layout.js";
import { theme } from "./theme.js";

const MAX_ROWS = 4;

function capped(rows: Line[], max = MAX_ROWS): Line[] {
  if (rows.length <= max) return rows;
  return [...rows.slice(0, max), [{ text: `… ${rows.length - max} more lines`, dim: true }]];
}

export function memoryChangeLines(label: string, action: string, before: string, after: string, width: number, eventId?: string): Line[] {
  const rows = changeLines(label, action, before, after, width);
  // Every change can be taken back: say how, with the id the history gave it.
  if (eventId) rows.push([{ text: `  undo with /memory undo ${eventId}`, dim: true }]);
  return rows;
}

function changeLines(label: string, action: string, before: string, after: string, width: number): Line[] {
  const lead = (verb: string) => [{ text: "✎ ", color: theme.memory }, { text: `${verb} ${label}`, color: theme.memory, bold: true }];
  const a = action.toLowerCase();
  if (after.trim() === "" || a.includes("remove") || a.includes("delete")) return [lead("cleared")];
  let added: string | null = null;
  if (before.trim() === "") added = after.trim();
  else if (after.startsWith(before)) added = after.slice(before.length).trim();
  if (added !== null) {
    // Lead and text wrap together; continuation rows hang under the text.
    const rows: Line[] = [];
    added.split("\n").forEach((para, i) => {
      const spans = i === 0 ? [...lead("remembered in"), { text: ": " + para, color: theme.memory }] : [{ text: para, color: theme.memory }];
      const wrapped = wrapSpans(spans, Math.max(10, width - 2));
      rows.push(...(i === 0 ? indentLines(wrapped, [], [{ text: "  " }]) : indentLines(wrapped, [{ text: "  " }], [{ text: "  " }])));
    });
    return capped(rows);
  }
  const rows: Line[] = [lead("updated").concat([{ text: ":", color: theme.memory, bold: true }])];
  const changes: Line[] = [];
  for (const c of lineChanges(before, after)) {
    if (!c.added && !c.removed) continue;
    for (const l of c.value.replace(/\n$/, "").split("\n")) {
      changes.push([{ text: truncate(`${c.added ? "+" : "-"} ${l}`, width - 4), color: c.added ? theme.added : theme.removed }]);
    }
  }
  rows.push(...indentLines(capped(changes, 6), [{ text: "    " }], [{ text: "    " }]));
  return rows;
}
