/**
 * `/help`: the commands and key bindings, laid out for the terminal it is shown in. Two columns
 * sized to their content, descriptions wrapped under their own column; when that is taller than
 * the pane, one line per entry (`/help <command>` has the rest); when even that is too tall, pages.
 */
import type { PanelRow } from "./items.js";
import type { SlashCommand, SlashContext } from "./slash-commands.js";
import { hangingLines, lineText, stringWidth, truncate, type Span } from "./text-layout.js";
import { theme } from "./theme.js";

export const KEY_HELP: [string, string][] = [
  ["Enter", "send the message"],
  ["Ctrl-J · Alt+Enter · \\ Enter", "insert a newline (multi-line input); pasted text keeps its newlines"],
  ["↑ / ↓", "previous / next message from history (kept in .letta/history.jsonl)"],
  ["Tab", "complete /commands and @paths"],
  ["@path", "attach a file (its contents are sent with the message, up to 100 KB)"],
  ["Esc", "interrupt the agent (the partial answer stays)"],
  ["Esc Esc", "on an empty input: rewind (undo a turn's code and/or conversation)"],
  ["Ctrl-C", "clear the input / interrupt; twice within 2 s exits"],
  ["Shift+Tab", "cycle the permission mode (ask → accept-edits → yolo → read-only)"],
  ["Ctrl-O", "toggle full output of the last tool call"],
  ["Ctrl-L", "clear the screen"],
  ["Ctrl-A / Ctrl-E", "start / end of line"],
  ["Ctrl-U / Ctrl-K", "delete to start / end of line"],
  ["Ctrl-W · Alt+Backspace", "delete the previous word"],
];

/**
 * Rows of the screen the panel may not take: its title and the blank row above it, the input box
 * (3), the status line, and the row Ink keeps after its output.
 */
const RESERVED_ROWS = 7;
/** Narrower than this, a description column is not worth having: descriptions go under their name. */
const MIN_DESCRIPTION = 24;

interface Entry {
  name: string;
  usage?: string;
  text: string;
}

const acc = (text: string): Span => ({ text, color: theme.accent });
const dim = (text: string): Span => ({ text, dim: true });

/** The panel's content width: the transcript indents a panel by 2. */
const contentWidth = (columns: number) => Math.max(20, columns) - 2;

function column(entries: Entry[], width: number): number {
  const n = Math.max(...entries.map((e) => stringWidth(e.name))) + 2;
  return width - n >= MIN_DESCRIPTION ? n : 4;
}

/** An entry with its whole description, wrapped under the description column. */
function fullRow(e: Entry, n: number): PanelRow {
  const name = n > 4 ? e.name.padEnd(n) : e.name + "  ";
  return { spans: [acc(name), ...(e.usage ? [dim(e.usage + " ")] : []), { text: e.text }], hang: n };
}

/** An entry on one row: the description cut to what is left of it. */
function shortRow(e: Entry, n: number, width: number): PanelRow {
  const name = n > 4 ? e.name.padEnd(n) : e.name + "  ";
  return [acc(name), { text: truncate(e.text, Math.max(1, width - stringWidth(name))) }];
}

const height = (rows: PanelRow[], width: number) =>
  rows.reduce((h, r) => h + (Array.isArray(r) ? hangingLines(r, width, 2) : hangingLines(r.spans, width, r.hang)).length, 0);

/** What fits in `budget` rows: everything, or one row per entry, or page `page` of those; `more` ends it. */
function fit(sections: { title?: string; entries: Entry[] }[], width: number, budget: number, page: number, more: string) {
  const footer: PanelRow[] = more ? [[dim(truncate(more, width))]] : [];
  // Each section's name column is as wide as its own names.
  const laid = sections.map((s) => ({ ...s, n: column(s.entries, width) }));
  const full: PanelRow[] = [];
  for (const [i, s] of laid.entries()) {
    if (i > 0) full.push([]);
    if (s.title) full.push([{ text: s.title, bold: true }]);
    full.push(...s.entries.map((e) => fullRow(e, s.n)));
  }
  full.push(...footer);
  if (height(full, width) <= budget && page === 1) return { rows: full, pages: 1 };
  const short = laid.flatMap((s) => s.entries.map((e) => shortRow(e, s.n, width)));
  if (short.length + footer.length <= budget && page === 1) return { rows: [...short, ...footer], pages: 1 };
  const size = Math.max(1, budget - 1);
  const pages = Math.ceil(short.length / size);
  const p = Math.min(Math.max(1, page), pages);
  const where = `page ${p}/${pages}${p < pages ? `: /help ${p + 1} next` : ""}`;
  return { rows: [...short.slice((p - 1) * size, p * size), [dim(truncate([where, more].filter(Boolean).join(" · "), width))]], pages };
}

const commandEntries = (commands: readonly SlashCommand[]): Entry[] =>
  commands.map((c) => ({ name: `/${c.name}`, usage: c.usage, text: c.description }));
const keyEntries = (): Entry[] => KEY_HELP.map(([name, text]) => ({ name, text }));

export const helpCommand: SlashCommand = {
  name: "help",
  aliases: ["?"],
  usage: "[command | keys | page]",
  description: "list commands and key bindings; `/help <command>` shows one in full, `/help keys` the keys",
  whileBusy: true,
  run(args, ctx) {
    const { columns, rows } = ctx.terminal();
    const width = contentWidth(columns);
    const budget = Math.max(4, rows - RESERVED_ROWS);
    const arg = args.trim().replace(/^\//, "");
    if (arg === "keys") return void ctx.panel("Keys", fit([{ entries: keyEntries() }], width, budget, 1, "").rows);
    if (arg && !/^\d+$/.test(arg)) return showOne(arg, ctx, width);
    const page = arg ? Number(arg) : 1;
    const commands = { entries: commandEntries(ctx.commands) };
    const both = fit([commands, { title: "Keys", entries: keyEntries() }], width, budget, page, "");
    // Keys beside the commands only when all of it fits in full; otherwise `/help keys` has them.
    if (both.pages === 1 && both.rows.some((r) => Array.isArray(r) && lineText(r) === "Keys")) return void ctx.panel("Commands", both.rows);
    ctx.panel("Commands", fit([commands], width, budget, page, "/help <command> · /help keys").rows);
  },
};

function showOne(name: string, ctx: SlashContext, width: number): void {
  const c = ctx.commands.find((x) => x.name === name || x.aliases?.includes(name));
  if (!c) return ctx.note("warn", `No command /${name}.`, "/help lists them.");
  const entry = { name: `/${c.name}`, usage: c.usage, text: c.description };
  const rows: PanelRow[] = [fullRow(entry, column([entry], width))];
  if (c.aliases?.length) rows.push([dim(`also: ${c.aliases.map((a) => `/${a}`).join(", ")}`)]);
  ctx.panel(undefined, rows);
}
