/**
 * Styled spans and our own word wrapping.
 *
 * We wrap text ourselves (instead of leaving it to Ink's <Text wrap>) so that we know
 * exactly how many terminal rows a piece of transcript takes: the live region is capped
 * to the terminal height, and that only works if the line count is computed, not guessed.
 * Every line produced here is at most `width` columns, so Ink never re-wraps it.
 */
import type { ColorName } from "./theme.js";

export interface Span {
  text: string;
  color?: ColorName;
  bold?: boolean;
  italic?: boolean;
  dim?: boolean;
  underline?: boolean;
  strike?: boolean;
  inverse?: boolean;
}

/** One terminal row. */
export type Line = Span[];

/** Terminal column width of one code point: 0 for combining marks, 2 for wide East Asian / emoji. */
export function charWidth(cp: number): number {
  if (cp < 32 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if (
    (cp >= 0x300 && cp <= 0x36f) || // combining diacritics
    (cp >= 0x200b && cp <= 0x200f) || // zero-width spaces / joiners
    (cp >= 0xfe00 && cp <= 0xfe0f) // variation selectors
  )
    return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  )
    return 2;
  return 1;
}

export function stringWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += charWidth(ch.codePointAt(0)!);
  return w;
}

export function lineWidth(line: Line): number {
  let w = 0;
  for (const s of line) w += stringWidth(s.text);
  return w;
}

export function lineText(line: Line): string {
  return line.map((s) => s.text).join("");
}

/** Cut `s` so that it fits in `width` columns; returns [head, rest]. */
export function splitAtWidth(s: string, width: number): [string, string] {
  let w = 0;
  let i = 0;
  for (const ch of s) {
    const cw = charWidth(ch.codePointAt(0)!);
    if (w + cw > width) break;
    w += cw;
    i += ch.length;
  }
  // Always make progress, even when a single wide char does not fit a 1-column width.
  if (i === 0 && s.length > 0) i = s.codePointAt(0)! > 0xffff ? 2 : 1;
  return [s.slice(0, i), s.slice(i)];
}

/** Shorten to `width` columns with an ellipsis. */
/**
 * Control characters shown, not obeyed. Text laid out here comes from the model and the repository
 * (commands, file contents, tool output); a raw `\r` or escape sequence would let a command erase
 * itself from the approval prompt and show another. Newlines stay (callers split on them); tabs too.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
export function visibleControls(s: string): string {
  return s.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    return code === 0x7f ? "\u2421" : `\\x${code.toString(16)}`;
  });
}

export function truncate(s: string, width: number): string {
  s = visibleControls(s);
  if (stringWidth(s) <= width) return s;
  if (width <= 1) return "…".slice(0, width);
  return splitAtWidth(s, width - 1)[0] + "…";
}

interface Token {
  text: string;
  style: Span;
  space: boolean;
}

function tokenize(spans: Span[]): Token[] {
  const out: Token[] = [];
  for (const span of spans) {
    for (const part of visibleControls(span.text).split(/(\s+)/)) {
      if (part === "") continue;
      out.push({ text: part, style: span, space: /^\s/.test(part) });
    }
  }
  return out;
}

function push(line: Line, text: string, style: Span): void {
  const last = line[line.length - 1];
  if (last && sameStyle(last, style)) last.text += text;
  else line.push({ ...style, text });
}

function sameStyle(a: Span, b: Span): boolean {
  return (
    a.color === b.color &&
    !!a.bold === !!b.bold &&
    !!a.italic === !!b.italic &&
    !!a.dim === !!b.dim &&
    !!a.underline === !!b.underline &&
    !!a.strike === !!b.strike &&
    !!a.inverse === !!b.inverse
  );
}

/**
 * Greedy word wrap of styled spans into rows of at most `firstWidth` columns, then `restWidth`
 * (narrower when the caller indents continuation rows: a hanging indent).
 * Whitespace at a break is dropped; words longer than the width are split hard.
 * Newlines inside spans are not expected (callers split lines first).
 */
export function wrapSpans(spans: Span[], firstWidth: number, restWidth = firstWidth): Line[] {
  let width = Math.max(1, firstWidth);
  const lines: Line[] = [];
  let cur: Line = [];
  let curW = 0;
  const flush = () => {
    lines.push(cur);
    cur = [];
    curW = 0;
    width = Math.max(1, restWidth);
  };
  for (const tok of tokenize(spans)) {
    const w = stringWidth(tok.text);
    if (tok.space) {
      if (curW === 0 && lines.length > 0) continue; // no leading space on continuation rows
      if (curW + w > width) {
        flush();
        continue;
      }
      push(cur, tok.text, tok.style);
      curW += w;
      continue;
    }
    if (curW + w <= width) {
      push(cur, tok.text, tok.style);
      curW += w;
      continue;
    }
    if (w <= width) {
      trimTrailingSpace(cur);
      flush();
      push(cur, tok.text, tok.style);
      curW = w;
      continue;
    }
    // A word longer than a whole row: fill the current row, then hard-split.
    let rest = tok.text;
    while (rest.length > 0) {
      const room = width - curW;
      const [head, tail] = splitAtWidth(rest, room > 0 ? room : width);
      if (room <= 0) {
        flush();
        continue;
      }
      push(cur, head, tok.style);
      curW += stringWidth(head);
      rest = tail;
      if (rest.length > 0) flush();
    }
  }
  trimTrailingSpace(cur);
  lines.push(cur);
  return lines;
}

function trimTrailingSpace(line: Line): void {
  const last = line[line.length - 1];
  if (!last) return;
  last.text = last.text.replace(/\s+$/, "");
  if (last.text === "") line.pop();
}

/** Hard-wrap (no word breaking logic): used for code and diffs, where spaces matter. */
export function hardWrap(spans: Span[], width: number): Line[] {
  width = Math.max(1, width);
  const lines: Line[] = [];
  let cur: Line = [];
  let curW = 0;
  for (const span of spans) {
    let rest = visibleControls(span.text);
    while (rest.length > 0) {
      const room = width - curW;
      if (room <= 0) {
        lines.push(cur);
        cur = [];
        curW = 0;
        continue;
      }
      const [head, tail] = splitAtWidth(rest, room);
      push(cur, head, span);
      curW += stringWidth(head);
      rest = tail;
    }
  }
  lines.push(cur);
  return lines;
}

/** Prefix the first row with `first` and following rows with `rest` (hanging indent). */
export function indentLines(lines: Line[], first: Span[], rest: Span[]): Line[] {
  return lines.map((l, i) => [...(i === 0 ? first : rest).map((s) => ({ ...s })), ...l]);
}

/** Plain text (may contain newlines) → rows, word-wrapped, one style. */
export function textLines(text: string, width: number, style: Omit<Span, "text"> = {}): Line[] {
  const out: Line[] = [];
  for (const raw of text.split("\n")) out.push(...wrapSpans([{ ...style, text: raw }], width));
  return out;
}

/** Word-wrap into `width` columns with continuation rows indented by `hang` columns (a hanging indent). */
export function hangingLines(spans: Span[], width: number, hang: number): Line[] {
  hang = Math.max(0, Math.min(hang, width - 10));
  const pad = " ".repeat(hang);
  return wrapSpans(spans, width, width - hang).map((l, i) => (i === 0 ? l : [{ text: pad }, ...l]));
}
