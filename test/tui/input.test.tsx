import { afterEach, describe, expect, it } from "vitest";
import { cleanup } from "ink-testing-library";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expandMentions } from "../../src/agent/file-mentions.js";
import { atToken, completePath } from "../../src/tui/completion.js";
import { InputHistory } from "../../src/tui/history.js";
import { FakeSession } from "./fake-session.js";
import { KEY, renderApp } from "./helpers.js";

afterEach(() => cleanup());

function project() {
  const root = mkdtempSync(join(tmpdir(), "tui-proj-"));
  mkdirSync(join(root, "src"));
  writeFileSync(join(root, "src", "main.ts"), "export const main = 1;\n");
  writeFileSync(join(root, "src", "math.ts"), "export const add = (a: number, b: number) => a + b;\n");
  writeFileSync(join(root, "README.md"), "# Demo\n");
  return root;
}

function inProject(root: string) {
  const s = new FakeSession();
  s.info = () => ({ ...FakeSession.prototype.info.call(s), projectRoot: root });
  return s;
}

describe("input", () => {
  it("Ctrl-J, Alt+Enter and \\+Enter insert newlines; Enter submits the whole message", async () => {
    const s = new FakeSession();
    const app = renderApp(s);
    await app.press("line one");
    await app.press(KEY.ctrlJ);
    await app.press("line two");
    await app.press(KEY.altEnter);
    await app.press("line three\\");
    await app.press(KEY.enter);
    await app.press("four");
    // Alt+Enter is an escape sequence Ink reads with a delay: wait for the frame, not a fixed time.
    const f = await app.waitFor((fr) => fr.includes("  four"));
    expect(f).toContain("> line one");
    expect(f).toContain("  line two");
    expect(f).toContain("  four");
    await app.press(KEY.enter, 40);
    for (let i = 0; i < 100 && s.sent.length === 0; i++) await new Promise((r) => setTimeout(r, 15));
    expect(s.sent[0]!.text).toBe("line one\nline two\nline three\nfour");
  });

  it("a pasted chunk with newlines is inserted literally and not submitted", async () => {
    const s = new FakeSession();
    const app = renderApp(s);
    const paste = Array.from({ length: 30 }, (_, i) => `pasted ${i}`).join("\n");
    await app.press(paste);
    expect(s.sent).toHaveLength(0);
    // bracketed paste too: an Enter inside the markers is a newline
    await app.press("\u001b[200~");
    await app.press("\r");
    await app.press("tail");
    await app.press("\u001b[201~");
    expect(s.sent).toHaveLength(0);
    await app.press(KEY.enter, 40);
    expect(s.sent[0]!.text).toBe(paste + "\ntail");
  });

  it("edits with arrows, Backspace and Ctrl-A/E/U/K/W", async () => {
    const s = new FakeSession();
    const app = renderApp(s);
    await app.press("helo world");
    for (let i = 0; i < 7; i++) await app.press(KEY.left, 5);
    await app.press("l");
    expect(app.frame()).toContain("> hello world");
    await app.press(KEY.ctrlE);
    await app.press(KEY.ctrlW);
    expect(app.frame()).toContain("> hello ");
    await app.press(KEY.ctrlA);
    await app.press(">> ");
    await app.press(KEY.ctrlK);
    expect(app.frame()).toContain("> >> ");
    await app.press(KEY.ctrlU);
    await app.press("abc");
    await app.press(KEY.backspace);
    await app.press(KEY.enter, 40);
    expect(s.sent[0]!.text).toBe("ab");
  });

  it("Up/Down browse history, keeping the draft", async () => {
    const s = new FakeSession();
    const history = new InputHistory(undefined, ["first", "second"]);
    const app = renderApp(s, {}, history);
    await app.press("draft");
    await app.press(KEY.up);
    expect(app.frame()).toContain("> second");
    await app.press(KEY.up);
    expect(app.frame()).toContain("> first");
    await app.press(KEY.up);
    expect(app.frame()).toContain("> first");
    await app.press(KEY.down);
    await app.press(KEY.down);
    expect(app.frame()).toContain("> draft");
    await app.press(KEY.ctrlU);
    await app.submit("third");
    expect(history.entries).toEqual(["first", "second", "third"]);
    await app.press(KEY.up);
    expect(app.frame()).toContain("> third");
  });

  it("Up/Down move between lines of a multi-line message before browsing history", async () => {
    const history = new InputHistory(undefined, ["older"]);
    const app = renderApp(new FakeSession(), {}, history);
    await app.press("a\nbb");
    await app.press(KEY.up); // to line 1
    await app.press("X");
    expect(app.frame()).toContain("> aX");
    await app.press(KEY.up); // first line: history
    expect(app.frame()).toContain("> older");
  });

  it("history persists to a JSON-lines file across sessions", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tui-hist-"));
    const file = join(dir, ".letta", "history.jsonl");
    const h1 = InputHistory.load(file);
    h1.add("one");
    h1.add("two\nlines");
    h1.add("two\nlines"); // repeated: kept once
    writeFileSync(file, readFileSync(file, "utf8") + "{torn line\n");
    const h2 = InputHistory.load(file);
    expect(h2.entries).toEqual(["one", "two\nlines"]);
    const app = renderApp(new FakeSession(), { historyFile: file }, h2);
    await app.press(KEY.up);
    expect(app.frame()).toContain("  lines");
  });

  it("a history file that outgrew twice the kept entries is cut back to the newest on load", () => {
    const dir = mkdtempSync(join(tmpdir(), "tui-hist-"));
    const file = join(dir, "history.jsonl");
    writeFileSync(file, Array.from({ length: 50 }, (_, i) => JSON.stringify({ text: `entry ${i}` })).join("\n") + "\n");
    const h = InputHistory.load(file, 10);
    expect(h.entries).toEqual(Array.from({ length: 10 }, (_, i) => `entry ${40 + i}`));
    const lines = readFileSync(file, "utf8").trim().split("\n");
    expect(lines).toHaveLength(10);
    expect(JSON.parse(lines[0]!).text).toBe("entry 40");
    expect(InputHistory.load(file, 10).entries).toEqual(h.entries);
  });

  it("Tab completes @paths relative to the project root and lists candidates", async () => {
    const root = project();
    const app = renderApp(inProject(root));
    await app.press("look at @sr");
    await app.press(KEY.tab);
    expect(app.frame()).toContain("> look at @src/");
    await app.press("m");
    await app.press(KEY.tab);
    let f = app.frame();
    expect(f).toContain("> look at @src/ma");
    expect(f).toContain("@src/main.ts");
    expect(f).toContain("@src/math.ts");
    await app.press("i");
    await app.press(KEY.tab);
    f = app.frame();
    expect(f).toContain("> look at @src/main.ts ");
    expect(f).not.toContain("@src/math.ts");
  });

  it("attaches @-mentioned files to the message as fenced blocks", async () => {
    const root = project();
    const s = inProject(root);
    const app = renderApp(s);
    await app.submit("explain @src/main.ts and @README.md, not @nobody");
    await app.waitFor(() => s.sent.length === 1);
    const sent = s.sent[0]!.text;
    expect(sent.startsWith("explain @src/main.ts and @README.md, not @nobody")).toBe(true);
    expect(sent).toContain("```src/main.ts\nexport const main = 1;\n```");
    expect(sent).toContain("```README.md\n# Demo\n```");
    const f = await app.waitFor((f) => f.includes("attached src/main.ts"));
    expect(f).toContain("attached README.md (7 B)");
  });

  it("caps attachments and keeps paths inside the project", () => {
    const root = project();
    writeFileSync(join(root, "big.txt"), "x".repeat(5000));
    const { text, attachments } = expandMentions("see @big.txt @../etc/passwd", root, 1024);
    expect(attachments).toEqual([{ path: "big.txt", bytes: 5000, truncated: true }]);
    expect(text).toContain("(truncated: showing the first 1 KB of 5 KB");
    expect(text).not.toContain("```../etc/passwd");
    expect(text).not.toContain("root:");
    expect(completePath(root, "../")).toEqual([]);
    expect(atToken("mail me@host", 12)).toBeNull();
    expect(atToken("see @src/m", 10)).toEqual({ start: 4, partial: "src/m" });
  });
});
