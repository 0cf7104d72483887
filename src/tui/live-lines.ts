import { itemLines, assistantLines } from "./item-lines.js";
import type { ToolItem } from "./items.js";
import type { Line, Span } from "./text-layout.js";
import { theme } from "./theme.js";
import { errMessage } from "./session-view.js";

/**
 * The live region's rows: running tools, then the streaming answer, keeping only the
 * last `budget` rows so the live region never outgrows the terminal (the start of a long
 * answer scrolls out of view until it is finished and printed in full above).
 */
export function liveLines(tools: ToolItem[], stream: string, width: number, expanded: ReadonlySet<number>, budget: number): Line[] {
  if (budget <= 0) return [];
  const rows: Line[] = [];
  try {
    for (const t of tools) rows.push([], ...itemLines(t, width, expanded.has(t.id)));
    if (stream) rows.push([], ...assistantLines(stream, width));
  } catch (e) {
    rows.push([{ text: `(could not render: ${errMessage(e)})`, color: theme.error } as Span]);
  }
  if (rows.length <= budget) return rows;
  const kept = rows.slice(rows.length - budget);
  if (budget >= 2) kept[0] = [{ text: `… ${rows.length - budget + 1} lines above (shown in full when finished)`, dim: true }];
  return kept;
}
