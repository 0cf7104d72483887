/**
 * Every transcript item becomes rows (Line[]) through a pure function, so the same code renders
 * finished items (inside <Static>, written once), live ones (whose height we must know to keep the live
 * region within the terminal) and the transcript printed before Ink has loaded (printed-transcript.ts).
 */
import type { TranscriptEntry } from "../agent/session.js";
import type { Item, NoteLevel } from "./items.js";
import { markdownToLines } from "./markdown.js";
import { memoryChangeLines } from "./memory-view.js";
import { hangingLines, indentLines, textLines, truncate, wrapSpans, type Line, type Span } from "./text-layout.js";
import { theme, type ColorName } from "./theme.js";
import { callSummary, toolLines } from "./tool-view.js";

const NOTE: Record<NoteLevel, [string, ColorName | undefined, boolean]> = {
  info: ["ℹ ", theme.accent, false],
  dim: ["  ", undefined, true],
  ok: ["✓ ", theme.ok, false],
  warn: ["⚠ ", theme.warn, false],
  error: ["✗ ", theme.error, false],
};

export function assistantLines(text: string, width: number, interrupted = false): Line[] {
  const rows = markdownToLines(text, width - 2);
  const out = indentLines(rows.length > 0 ? rows : [[]], [{ text: "● ", color: theme.accent }], [{ text: "  " }]);
  if (interrupted) out.push([{ text: "  ⏹ interrupted", color: theme.warn }, { text: " (partial answer kept)", dim: true }]);
  return out;
}

export function userLines(text: string, width: number): Line[] {
  const rows = textLines(text, width - 2, { bold: true });
  return indentLines(rows, [{ text: "› ", color: theme.user, bold: true }], [{ text: "  " }]);
}

export function noteLines(level: NoteLevel, text: string, width: number, hint?: string): Line[] {
  const [icon, c, dim] = NOTE[level];
  const rows = indentLines(textLines(text, width - 2, { color: c, dim }), [{ text: icon, color: c, dim }], [{ text: "  " }]);
  if (hint) rows.push(...indentLines(textLines(hint, width - 4, { dim: true }), [{ text: "  → ", dim: true }], [{ text: "    " }]));
  return rows;
}

function resumedLines(entries: TranscriptEntry[], width: number): Line[] {
  const rows: Line[] = [[{ text: "── resumed conversation " + "─".repeat(Math.max(0, Math.min(width, 60) - 24)), dim: true }]];
  for (const e of entries) {
    rows.push([]);
    if (e.role === "user") rows.push(...userLines(e.content, width));
    else if (e.role === "assistant") rows.push(...assistantLines(e.content, width));
    else if (e.role === "error") rows.push(...noteLines("error", `request failed: ${e.content}`, width));
    else {
      // The call, not its output: a read_file result's first line is the file's, not what was read.
      const name = e.toolName ?? "tool";
      const arg = callSummary(name, e.toolArgs);
      rows.push([
        { text: "● ", dim: true },
        { text: name, bold: true, dim: true },
        ...(arg ? [{ text: " " + truncate(arg, Math.max(10, width - 3 - name.length)), dim: true }] : []),
      ]);
    }
  }
  rows.push([], [{ text: "── end of resumed conversation " + "─".repeat(Math.max(0, Math.min(width, 60) - 31)), dim: true }]);
  return rows;
}

function headerLines(item: Extract<Item, { kind: "header" }>, width: number): Line[] {
  const { info } = item;
  const rows: Line[] = [];
  rows.push(
    ...wrapSpans(
      [
        { text: "✻ letta-code", bold: true, color: theme.accent },
        { text: "  agent " },
        { text: info.agentName, bold: true },
        { text: " · " + info.model, dim: true },
      ],
      width,
    ),
  );
  rows.push(...textLines(info.projectRoot, width, { dim: true }));
  // Which conversation is open: what `--resume <id>` and `letta-code sessions` name.
  if (info.conversationId) rows.push(...textLines(`conversation ${info.conversationId}`, width, { dim: true }));
  if (info.endpointFromProject) {
    rows.push(...wrapSpans([{ text: "⚠ endpoint set by this project's config: ", color: theme.warn }, { text: info.baseURL, bold: true }], width));
  }
  rows.push(...textLines("/help for commands · Shift+Tab permission mode · Esc interrupts · Ctrl-C twice exits", width, { dim: true }));
  return rows;
}

/** Rows for any item. `expanded` shows full tool output / diff. */
export function itemLines(item: Item, width: number, expanded = false): Line[] {
  width = Math.max(20, width);
  switch (item.kind) {
    case "header":
      return headerLines(item, width);
    case "user": {
      const rows = userLines(item.text, width);
      for (const a of item.attachments ?? []) {
        rows.push([
          { text: "  ⎿ attached ", dim: true },
          { text: a.path, color: theme.accent },
          { text: ` (${formatBytes(a.bytes)}${a.truncated ? ", truncated" : ""})`, dim: true },
        ]);
      }
      return rows;
    }
    case "assistant":
      return assistantLines(item.text, width, item.interrupted);
    case "tool":
      return toolLines(item, width, expanded);
    case "memory":
      return memoryChangeLines(item.label, item.action, item.before, item.after, width, item.eventId);
    case "note":
      return noteLines(item.level, item.text, width, item.hint);
    case "learned":
      return learnedLines(item, width);
    case "panel": {
      const rows: Line[] = [];
      if (item.title) rows.push([{ text: item.title, bold: true, color: theme.accent }]);
      // Every row fits `width`: a continuation row wider than the pane would wrap again, to column 0.
      for (const r of item.rows) {
        const [spans, hang] = Array.isArray(r) ? [r, 2] : [r.spans, r.hang];
        rows.push(...indentLines(hangingLines(spans, width - 2, hang), [{ text: "  " }], [{ text: "  " }]));
      }
      return rows;
    }
    case "resumed":
      return resumedLines(item.entries, width);
  }
}

function learnedLines(item: Extract<Item, { kind: "learned" }>, width: number): Line[] {
  const undo = item.undoId ? ` — undo with /memory undo ${item.undoId}` : "";
  const head = `✻ ${item.verb} · ${item.label}: `;
  const room = Math.max(10, width - head.length - undo.length - 1);
  return wrapSpans(
    [
      { text: "✻ ", color: theme.memory },
      { text: `${item.verb} · `, dim: true },
      { text: item.label, bold: true, color: theme.memory },
      { text: ": " },
      { text: truncate(item.text.replace(/\s+/g, " ").trim(), room) },
      { text: undo, dim: true },
    ],
    width,
  );
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Items get one blank row above them, except the header. */
export function itemGap(item: Item): number {
  return item.kind === "header" ? 0 : 1;
}

/** itemLines, except that a malformed event costs one line of transcript, not the whole app. */
export function safeItemLines(item: Item, width: number, expanded: boolean): Line[] {
  try {
    return itemLines(item, width, expanded);
  } catch (e) {
    return [[{ text: `(could not display this ${item.kind}: ${e instanceof Error ? e.message : String(e)})`, color: theme.error }]];
  }
}
