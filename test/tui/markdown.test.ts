import { describe, expect, it } from "vitest";
import { highlightLine } from "../../src/tui/highlight.js";
import { markdownToLines, parseInline } from "../../src/tui/markdown.js";
import { lineText, lineWidth, stringWidth, wrapSpans } from "../../src/tui/text-layout.js";
import { theme } from "../../src/tui/theme.js";

const text = (md: string, width = 80) => markdownToLines(md, width).map(lineText);

describe("markdown renderer", () => {
  it("renders headings, emphasis, inline code and links", () => {
    const lines = markdownToLines("# Title\nSome **bold**, *it*, `code` and [docs](https://x.dev).", 80);
    expect(lineText(lines[0]!)).toBe("Title");
    expect(lines[0]![0]!.bold).toBe(true);
    const para = lines[1]!;
    expect(lineText(para)).toBe("Some bold, it, code and docs (https://x.dev).");
    expect(para.find((s) => s.text === "bold")?.bold).toBe(true);
    expect(para.find((s) => s.text === "it")?.italic).toBe(true);
    expect(para.find((s) => s.text === "code")?.color).toBe(theme.code);
  });

  it("renders nested, ordered and task lists with hanging indents", () => {
    expect(text("- one\n  - nested\n1. first\n2) second\n- [x] done\n- [ ] todo")).toEqual([
      "• one",
      "  ◦ nested",
      "1. first",
      "2. second",
      "☑ done",
      "☐ todo",
    ]);
    const wrapped = text("- " + "word ".repeat(20), 30);
    expect(wrapped.length).toBeGreaterThan(1);
    expect(wrapped[1]!.startsWith("  ")).toBe(true);
  });

  it("renders fenced code blocks with highlighting, without the fences", () => {
    const lines = markdownToLines('Before\n```ts\nconst s = "hi"; // note\nlet n = 42;\n```\nAfter', 80);
    const t = lines.map(lineText);
    expect(t).toEqual(["Before", "  ts", '  const s = "hi"; // note', "  let n = 42;", "After"]);
    const code = lines[2]!;
    expect(code.find((s) => s.text === "const")?.color).toBe(theme.keyword);
    expect(code.find((s) => s.text === '"hi"')?.color).toBe(theme.string);
    expect(code.find((s) => s.text === "// note")?.color).toBe(theme.comment);
    expect(lines[3]!.find((s) => s.text === "42")?.color).toBe(theme.number);
  });

  it("treats an unclosed fence (still streaming) as code", () => {
    const t = text("```py\n# comment\nx = 'a'");
    expect(t).toEqual(["  py", "  # comment", "  x = 'a'"]);
  });

  it("highlights diff blocks and hash comments by language", () => {
    const st = { inBlockComment: false };
    expect(highlightLine("+added", "diff", st)[0]!.color).toBe(theme.added);
    expect(highlightLine("-gone", "diff", st)[0]!.color).toBe(theme.removed);
    expect(highlightLine("echo hi # c", "sh", st).find((s) => s.text === "# c")?.color).toBe(theme.comment);
    const a = highlightLine("/* start", "js", st);
    expect(a[0]!.color).toBe(theme.comment);
    expect(st.inBlockComment).toBe(true);
    highlightLine("end */ x", "js", st);
    expect(st.inBlockComment).toBe(false);
  });

  it("renders quotes, rules and tables", () => {
    const t = text("> quoted\n\n---\n\n| a | bb |\n|---|---|\n| 1 | 2 |");
    expect(t[0]).toBe("│ quoted");
    expect(t[2]).toMatch(/^─+$/);
    expect(t).toContain("a │ bb");
    expect(t).toContain("1 │ 2 ");
  });

  it("keeps every row within the width, including wide characters and long words", () => {
    const md = "日本語のテキスト ".repeat(10) + "\n" + "x".repeat(200) + "\n```\n" + "y".repeat(150) + "\n```";
    for (const l of markdownToLines(md, 40)) expect(lineWidth(l)).toBeLessThanOrEqual(40);
    expect(stringWidth("日本")).toBe(4);
  });

  it("collapses blank lines and keeps single line breaks", () => {
    expect(text("a\nb\n\n\n\nc")).toEqual(["a", "b", "", "c"]);
  });

  it("word-wraps without splitting words that fit", () => {
    const rows = wrapSpans([{ text: "the quick brown fox jumps" }], 10).map(lineText);
    expect(rows).toEqual(["the quick", "brown fox", "jumps"]);
    expect(parseInline("a ~~b~~ c").find((s) => s.text === "b")?.strike).toBe(true);
  });
});
