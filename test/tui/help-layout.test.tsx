/** /help fitted to the terminal it is shown in: width (two columns, hanging descriptions) and height. */
import { afterEach, describe, expect, it } from "vitest";
import { cleanup } from "ink-testing-library";
import { commandList } from "../../src/tui/slash-commands.js";
import { KEY_HELP } from "../../src/tui/help-command.js";
import { FakeSession } from "./fake-session.js";
import { renderApp } from "./helpers.js";

afterEach(() => cleanup());

/** Open the TUI at `columns` x `rows`, run `command`, return the rows of the panel it printed (title to input box). */
async function panel(columns: number, rows: number, command: string, title = "Commands") {
  const app = renderApp(new FakeSession());
  app.setSize(columns, rows);
  await app.submit(command);
  const f = await app.waitFor((f) => f.split("\n").some((l) => l === title));
  const lines = f.split("\n");
  const start = lines.findLastIndex((l) => l === title);
  const end = lines.findIndex((l, i) => i > start && l.startsWith("╭"));
  return { lines: lines.slice(start, end), below: lines.slice(end) };
}

const width = (l: string) => [...l].length;
const names = commandList().map((c) => `/${c.name}`);

describe("/help", () => {
  it("at 80x40 fits the pane: every row within 80 columns, the panel, input and status line within 40 rows", async () => {
    const { lines, below } = await panel(80, 40, "/help");
    expect(lines.filter((l) => width(l) > 80)).toEqual([]);
    expect(lines.length + 1 + below.length).toBeLessThanOrEqual(40);
    for (const n of names) expect(lines.some((l) => l.startsWith(`  ${n} `))).toBe(true);
    // The description column starts right after the longest name (not at column 70, after the longest usage).
    const cols = new Set(lines.slice(0, -1).filter((l) => /^ {2}\/\w/.test(l)).map((l) => /^ {2}\/\S+ +/.exec(l)![0].length));
    expect([...cols]).toEqual([2 + Math.max(...names.map((n) => n.length)) + 2]);
    expect(lines.at(-1)).toContain("/help keys");
  });

  it("at 120x60 shows everything in full, descriptions wrapped under their own column", async () => {
    const { lines, below } = await panel(120, 60, "/help");
    expect(lines.length + 1 + below.length).toBeLessThanOrEqual(60);
    expect(lines.filter((l) => width(l) > 120)).toEqual([]);
    const memory = lines.findIndex((l) => l.startsWith("  /memory "));
    const col = lines[memory]!.indexOf("[edit|share");
    // The long /memory description continues on the next row, starting in the description column.
    expect(lines[memory + 1]!.search(/\S/)).toBe(col);
    expect(lines).toContain("  Keys");
    expect(lines.some((l) => l.includes("Ctrl-J · Alt+Enter · \\ Enter"))).toBe(true);
  });

  it("at 60x24 pages: each page fits, and the pages together list every command", async () => {
    const seen = new Set<string>();
    for (let page = 1; page <= 4; page++) {
      const { lines, below } = await panel(60, 24, page === 1 ? "/help" : `/help ${page}`);
      cleanup();
      expect(lines.filter((l) => width(l) > 60)).toEqual([]);
      expect(lines.length + 1 + below.length).toBeLessThanOrEqual(24);
      for (const n of names) if (lines.some((l) => l.startsWith(`  ${n} `))) seen.add(n);
      const footer = lines.at(-1)!;
      expect(footer).toMatch(/page \d\/\d/);
      if (!footer.includes("next")) break;
    }
    expect([...seen].sort()).toEqual([...names].sort());
  });

  it("/help keys and /help <command> at 60x24", async () => {
    const keys = await panel(60, 24, "/help keys", "Keys");
    expect(keys.lines.length + 1 + keys.below.length).toBeLessThanOrEqual(24);
    expect(keys.lines.filter((l) => width(l) > 60)).toEqual([]);
    for (const [k] of KEY_HELP) expect(keys.lines.some((l) => l.includes(k))).toBe(true);
    cleanup();
    const app = renderApp(new FakeSession());
    app.setSize(60, 24);
    await app.submit("/help memory");
    const f = await app.waitFor((f) => f.includes("reverts"));
    const rows = f.split("\n").filter((l) => l.includes("/memory") || /^ {10,}\S/.test(l));
    expect(rows.every((l) => width(l) <= 60)).toBe(true);
    expect(f).toContain("[edit|share|unshare <label>");
    expect(f).toMatch(/reverts\s+one/);
  });
});
