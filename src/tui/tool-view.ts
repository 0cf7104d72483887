/**
 * Rows for a tool call: a header (icon, tool name, key argument) and a short body that
 * depends on the result's display kind: a coloured diff for writes, command + exit code +
 * output tail for the shell, the memory change for memory tools, a plan, or a text excerpt.
 */
import type { ToolDisplay } from "../agent/events.js";
import { diffLines, diffStats } from "./diff-view.js";
import type { ToolItem } from "./items.js";
import { memoryChangeLines } from "./memory-view.js";
import { hardWrap, indentLines, textLines, truncate, type Line, type Span } from "./text-layout.js";
import { theme, type ColorName } from "./theme.js";

/** Shown lines of shell output while running or collapsed (Ctrl-O expands). */
export const SHELL_TAIL = 5;
/** Shown diff lines when collapsed. */
export const DIFF_CAP = 20;

const KEY_ARGS = ["command", "cmd", "query", "pattern", "path", "file_path", "filePath", "file", "label", "url", "id", "name"];

/** The argument that says what a call is about: the path, the command, the query… */
export function keyArgument(args: unknown): string {
  if (typeof args === "string") return args;
  if (!args || typeof args !== "object") return "";
  const a = args as Record<string, unknown>;
  for (const k of KEY_ARGS) {
    const v = a[k];
    if (typeof v === "string" && v !== "") {
      const where = k === "pattern" || k === "query" ? (typeof a.path === "string" ? ` in ${a.path}` : "") : "";
      return v.split("\n")[0]! + where;
    }
    if (typeof v === "number") return String(v);
  }
  for (const v of Object.values(a)) if (typeof v === "string" && v !== "") return v.split("\n")[0]!;
  return "";
}

/** What a call line names: the key argument, and for read_file the lines asked for. */
export function callSummary(name: string, args: unknown): string {
  if (name === "task") return taskArgument(args);
  const arg = keyArgument(args);
  if (name !== "read_file" || !args || typeof args !== "object") return arg;
  const { offset, limit } = args as { offset?: unknown; limit?: unknown };
  const from = typeof offset === "number" ? offset : undefined;
  const count = typeof limit === "number" ? limit : undefined;
  if (count !== undefined) return `${arg} (lines ${from ?? 1}–${(from ?? 1) + count - 1})`;
  if (from !== undefined) return `${arg} (from line ${from})`;
  return arg;
}

const ICON: Record<ToolItem["state"], [string, ColorName]> = {
  running: ["◌", theme.tool],
  awaiting_approval: ["?", theme.warn],
  done: ["●", theme.ok],
  error: ["✗", theme.error],
  cancelled: ["⊘", theme.warn],
  denied: ["✗", theme.warn],
};

/** A task call is about its subagent and what it was asked to do. */
function taskArgument(args: unknown): string {
  const a = (args ?? {}) as Record<string, unknown>;
  const who = typeof a.agent === "string" ? a.agent : typeof a.subagent_type === "string" ? a.subagent_type : "";
  return `${who}${typeof a.description === "string" && a.description ? ` · ${a.description}` : ""}`;
}

/** Nested calls shown under a running or collapsed task call; Ctrl-O shows them all. */
export const SUBAGENT_TAIL = 3;

function subagentRows(item: ToolItem, width: number, expanded: boolean): Line[] {
  const steps = item.subagent?.steps ?? [];
  if (steps.length === 0) return [];
  const shown = expanded ? steps : steps.slice(-SUBAGENT_TAIL);
  const rows: Line[] = [];
  if (shown.length < steps.length) rows.push([{ text: `… ${steps.length - shown.length} earlier tool calls (Ctrl-O to expand)`, dim: true }]);
  for (const s of shown) {
    const [icon, c] = ICON[s.state];
    const arg = callSummary(s.name, s.args);
    rows.push([{ text: `${icon} `, color: c }, { text: s.name }, ...(arg ? [{ text: " " + truncate(arg, Math.max(10, width - s.name.length - 3)), dim: true }] : [])]);
  }
  return rows;
}

export function toolHeader(item: ToolItem, width: number): Line {
  const [icon, c] = ICON[item.state];
  const arg = callSummary(item.name, item.args);
  const head: Span[] = [{ text: `${icon} `, color: c }, { text: item.name, bold: true }];
  if (arg) head.push({ text: " " + truncate(arg, Math.max(10, width - item.name.length - 3)), dim: false, color: theme.accent });
  return head;
}

/** Body rows are indented under the header with a "⎿" elbow on the first. */
function body(rows: Line[]): Line[] {
  return indentLines(rows, [{ text: "  ⎿ ", dim: true }], [{ text: "    " }]);
}

export function outputTail(output: string, n: number): { lines: string[]; hidden: number } {
  const all = output.replace(/\r\n?/g, "\n").replace(/\n$/, "").split("\n");
  if (output === "") return { lines: [], hidden: 0 };
  if (n === Infinity || all.length <= n) return { lines: all, hidden: 0 };
  return { lines: all.slice(all.length - n), hidden: all.length - n };
}

function shellRows(d: Extract<ToolDisplay, { kind: "shell" }>, width: number, expanded: boolean): Line[] {
  const rows: Line[] = [];
  const status: Span[] = d.timedOut
    ? [{ text: "timed out", color: theme.error }]
    : d.exitCode === null
      ? [{ text: "killed", color: theme.warn }]
      : [{ text: `exit ${d.exitCode}`, color: d.exitCode === 0 ? theme.ok : theme.error }];
  if (d.sandboxed) status.push({ text: " · sandboxed", dim: true });
  rows.push(status);
  rows.push(...tailRows(d.output, width, expanded ? Infinity : SHELL_TAIL));
  return rows;
}

export function tailRows(output: string, width: number, n: number): Line[] {
  const { lines, hidden } = outputTail(stripAnsi(output), n);
  const rows: Line[] = [];
  if (hidden > 0) rows.push([{ text: `… ${hidden} earlier lines (Ctrl-O to expand)`, dim: true }]);
  for (const l of lines) rows.push(...hardWrap([{ text: l.replace(/\t/g, "  "), dim: true }], width));
  return rows;
}

export function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*\u0007/g, "");
}

export function displayRows(d: ToolDisplay, width: number, expanded: boolean, memoryShown = false): Line[] {
  switch (d.kind) {
    case "diff": {
      const { added, removed } = diffStats(d.diff);
      const rows: Line[] = [
        [
          { text: d.created ? "created " : "updated " },
          { text: d.path, bold: true },
          { text: " " },
          { text: `+${added}`, color: theme.added },
          { text: " " },
          { text: `-${removed}`, color: theme.removed },
        ],
      ];
      rows.push(...diffLines(d.diff, width, expanded ? Infinity : DIFF_CAP));
      return rows;
    }
    case "shell":
      return shellRows(d, width, expanded);
    case "memory":
      return memoryShown ? [] : memoryChangeLines(d.label, d.action, d.before, d.after, width);
    case "plan":
      return d.steps.flatMap((s) => {
        const [mark, c]: [string, ColorName | undefined] =
          s.status === "done" ? ["☑", theme.ok] : s.status === "in_progress" ? ["◐", theme.warn] : ["☐", undefined];
        return indentLines(textLines(s.step, width - 2, { strike: s.status === "done", dim: s.status === "done" }), [{ text: `${mark} `, color: c }], [{ text: "  " }]);
      });
    case "text":
      return excerpt(d.text, width, expanded ? Infinity : 5, {});
  }
}

function excerpt(text: string, width: number, max: number, style: Omit<Span, "text">): Line[] {
  const src = text.replace(/\s+$/, "").split("\n");
  const shown = src.slice(0, max);
  const rows = shown.flatMap((l) => hardWrap([{ ...style, text: l.replace(/\t/g, "  ") }], width));
  if (src.length > shown.length) rows.push([{ text: `… ${src.length - shown.length} more lines`, dim: true }]);
  return rows;
}

/** All rows of a tool item. `live` caps streamed output to SHELL_TAIL unless expanded. */
export function toolLines(item: ToolItem, width: number, expanded: boolean): Line[] {
  const inner = Math.max(10, width - 4);
  const rows: Line[] = [toolHeader(item, width)];
  let b: Line[] = [];
  switch (item.state) {
    case "running":
    case "awaiting_approval":
      b = item.output ? tailRows(item.output, inner, expanded ? Infinity : SHELL_TAIL) : [[{ text: item.state === "running" ? "running…" : "waiting for approval…", dim: true }]];
      break;
    case "denied":
      b = textLines(item.denyReason ? `denied: ${item.denyReason}` : "denied", inner, { color: theme.warn });
      break;
    case "cancelled":
      b = [[{ text: "cancelled", color: theme.warn }]];
      if (item.output) b.push(...tailRows(item.output, inner, expanded ? Infinity : SHELL_TAIL));
      break;
    case "error":
      b = excerpt(item.content || "failed", inner, expanded ? Infinity : 5, { color: theme.error });
      break;
    case "done":
      if (item.display) b = displayRows(item.display, inner, expanded, item.memoryShown);
      else if (item.content) b = excerpt(item.content, inner, expanded ? Infinity : 3, { dim: true });
      break;
  }
  // A subagent's own calls, nested: live while it runs, the last few once done (all with Ctrl-O).
  if (item.subagent?.steps.length) b = item.state === "running" || item.state === "awaiting_approval" ? subagentRows(item, inner, expanded) : [...subagentRows(item, inner, expanded), ...b];
  if (b.length > 0) rows.push(...body(b));
  return rows;
}
