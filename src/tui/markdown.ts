/**
 * A small Markdown → terminal rows renderer (no dependency): headings, bold/italic,
 * inline code, links, lists (nested, ordered, task), block quotes, rules, tables and
 * fenced code blocks with simple highlighting.
 *
 * It returns rows (Line[]) already wrapped to `width`, so callers can count and cap
 * them (the live streaming region shows only the last rows that fit the terminal).
 * An unclosed fence (text still streaming) renders the rest as code.
 *
 * Source line breaks are kept (models use single newlines deliberately); runs of blank
 * lines collapse to one.
 */
import { highlightLine, type HighlightState } from "./highlight.js";
import { hardWrap, indentLines, lineWidth, stringWidth, wrapSpans, type Line, type Span } from "./text-layout.js";
import { theme } from "./theme.js";

const FENCE = /^(\s{0,3})(`{3,}|~{3,})\s*([^\s`]*)/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const RULE = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/;
const QUOTE = /^\s{0,3}>\s?(.*)$/;
const LIST = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;
const TABLE_SEP = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;

export function markdownToLines(text: string, width: number): Line[] {
  width = Math.max(10, width);
  const src = text.replace(/\r\n?/g, "\n").split("\n");
  const out: Line[] = [];
  const blank = () => {
    if (out.length > 0 && out[out.length - 1]!.length !== 0) out.push([]);
  };
  let i = 0;
  while (i < src.length) {
    const line = src[i]!;
    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[2]!;
      const lang = fence[3] ?? "";
      const body: string[] = [];
      i++;
      while (i < src.length) {
        const l = src[i]!;
        const close = l.trim();
        if (close.startsWith(marker[0]!.repeat(marker.length)) && /^(`+|~+)$/.test(close)) {
          i++;
          break;
        }
        body.push(l);
        i++;
      }
      out.push(...codeBlock(body, lang, width));
      continue;
    }
    if (line.trim() === "") {
      blank();
      i++;
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      const level = heading[1]!.length;
      const base: Span = { text: "", bold: true, color: theme.heading, underline: level === 1 };
      if (level >= 3) delete base.color;
      out.push(...wrapSpans(parseInline(heading[2]!, base), width));
      i++;
      continue;
    }
    if (RULE.test(line)) {
      out.push([{ text: "─".repeat(Math.min(width, 40)), dim: true }]);
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      const inner: string[] = [];
      while (i < src.length && QUOTE.test(src[i]!)) inner.push(QUOTE.exec(src[i++]!)![1]!);
      const rows = markdownToLines(inner.join("\n"), width - 2);
      out.push(...rows.map((r) => [{ text: "│ ", dim: true }, ...r.map((s) => ({ ...s, italic: true }))]));
      continue;
    }
    if (LIST.test(line)) {
      i = listBlock(src, i, width, out);
      continue;
    }
    if (line.trim().startsWith("|") && i + 1 < src.length && TABLE_SEP.test(src[i + 1]!)) {
      const rows: string[] = [line];
      i += 2;
      while (i < src.length && src[i]!.trim().startsWith("|")) rows.push(src[i++]!);
      out.push(...table(rows, width));
      continue;
    }
    out.push(...wrapSpans(parseInline(line.trimEnd()), width));
    i++;
  }
  while (out.length > 0 && out[out.length - 1]!.length === 0) out.pop();
  return out;
}

function codeBlock(body: string[], lang: string, width: number): Line[] {
  const state: HighlightState = { inBlockComment: false };
  const rows: Line[] = [];
  if (lang) rows.push([{ text: `  ${lang}`, dim: true }]);
  for (const l of body) {
    const spans = highlightLine(l.replace(/\t/g, "  "), lang, state);
    rows.push(...indentLines(hardWrap(spans, width - 2), [{ text: "  " }], [{ text: "  " }]));
  }
  return rows;
}

/** List items with nesting by indentation and lazy continuation lines. Returns the next index. */
function listBlock(src: string[], i: number, width: number, out: Line[]): number {
  while (i < src.length) {
    const m = LIST.exec(src[i]!);
    if (!m) break;
    const indent = m[1]!.replace(/\t/g, "    ").length;
    const level = Math.min(Math.floor(indent / 2), 6);
    let marker = /^\d/.test(m[2]!) ? m[2]!.replace(")", ".") : level % 2 === 0 ? "•" : "◦";
    let body = m[3]!;
    const task = /^\[([ xX])\]\s+(.*)$/.exec(body);
    if (task) {
      marker = task[1] === " " ? "☐" : "☑";
      body = task[2]!;
    }
    i++;
    // Lazy continuation: indented, non-blank lines that do not start a new item.
    while (i < src.length && src[i]!.trim() !== "" && /^\s{2,}/.test(src[i]!) && !LIST.test(src[i]!) && !FENCE.test(src[i]!)) {
      body += " " + src[i]!.trim();
      i++;
    }
    const pad = " ".repeat(level * 2);
    const head = `${pad}${marker} `;
    const hang = " ".repeat(stringWidth(head));
    const rows = wrapSpans(parseInline(body), width - stringWidth(head));
    out.push(...indentLines(rows, [{ text: pad }, { text: `${marker} `, color: theme.accent }], [{ text: hang }]));
  }
  return i;
}

function splitRow(row: string): string[] {
  let r = row.trim();
  if (r.startsWith("|")) r = r.slice(1);
  if (r.endsWith("|") && !r.endsWith("\\|")) r = r.slice(0, -1);
  return r.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, "|"));
}

function table(rows: string[], width: number): Line[] {
  const cells = rows.map((r, ri) => splitRow(r).map((c) => parseInline(c, { text: "", bold: ri === 0 })));
  const cols = Math.max(...cells.map((r) => r.length));
  const widths = Array.from({ length: cols }, (_, c) => Math.max(1, ...cells.map((r) => (r[c] ? lineWidth(r[c]!) : 0))));
  const total = widths.reduce((a, b) => a + b, 0) + (cols - 1) * 3;
  if (total > width) {
    // Too wide for the terminal: one wrapped row per table row, cells separated by " · ".
    return cells.flatMap((r) => wrapSpans(r.flatMap((c, ci) => (ci > 0 ? [{ text: " · ", dim: true }, ...c] : c)), width));
  }
  const out: Line[] = [];
  cells.forEach((r, ri) => {
    const line: Line = [];
    for (let c = 0; c < cols; c++) {
      if (c > 0) line.push({ text: " │ ", dim: true });
      const cell = r[c] ?? [];
      line.push(...cell, { text: " ".repeat(widths[c]! - lineWidth(cell)) });
    }
    out.push(line);
    if (ri === 0) out.push([{ text: widths.map((w) => "─".repeat(w)).join("─┼─"), dim: true }]);
  });
  return out;
}

const INLINE =
  /(`+)([\s\S]*?[^`])\1(?!`)|\*\*(?=\S)([\s\S]*?\S)\*\*|__(?=\S)([\s\S]*?\S)__|\*(?=[^\s*])([^*]*?[^\s*])\*|(?<![\w])_(?=[^\s_])([^_]*?[^\s_])_(?![\w])|~~(?=\S)([\s\S]*?\S)~~|\[([^\]]+)\]\(([^)\s]+)\)/g;

/** Inline markup → spans, each inheriting `base` style. */
export function parseInline(text: string, base: Span = { text: "" }): Span[] {
  const { text: _ignored, ...style } = base;
  const spans: Span[] = [];
  let last = 0;
  let m: RegExpExecArray | null;
  const re = new RegExp(INLINE); // own lastIndex: parseInline recurses
  while ((m = re.exec(text))) {
    if (m.index > last) spans.push({ ...style, text: text.slice(last, m.index) });
    const [, ticks, code, bold1, bold2, it1, it2, strike, linkText, url] = m;
    if (ticks) spans.push({ ...style, text: code!, color: theme.code });
    else if (bold1 ?? bold2) spans.push(...parseInline((bold1 ?? bold2)!, { ...style, text: "", bold: true }));
    else if (it1 ?? it2) spans.push(...parseInline((it1 ?? it2)!, { ...style, text: "", italic: true }));
    else if (strike) spans.push(...parseInline(strike, { ...style, text: "", strike: true }));
    else if (linkText) {
      spans.push(...parseInline(linkText, { ...style, text: "", color: theme.link, underline: true }));
      if (url && url !== linkText) spans.push({ ...style, text: ` (${url})`, dim: true });
    }
    last = m.index + m[0].length;
  }
  if (last < text.length) spans.push({ ...style, text: text.slice(last) });
  return spans;
}
