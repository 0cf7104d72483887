/**
 * Pure editing operations on the input buffer (value + cursor as a UTF-16 index).
 * Kept apart from the component so the keystroke logic is unit-testable and cheap.
 */
export interface EditState {
  value: string;
  cursor: number;
}

export const empty: EditState = { value: "", cursor: 0 };

const clamp = (n: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, n));

/** Normalise pasted/typed text: CRLF/CR → LF, drop control characters except newline and tab. */
export function sanitize(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\r\n?/g, "\n").replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "");
}

export function insert(s: EditState, text: string): EditState {
  const t = sanitize(text);
  if (t === "") return s;
  return { value: s.value.slice(0, s.cursor) + t + s.value.slice(s.cursor), cursor: s.cursor + t.length };
}

/** Step over a whole surrogate pair so emoji are deleted/moved over as one character. */
function prevIndex(v: string, i: number): number {
  if (i <= 0) return 0;
  const c = v.charCodeAt(i - 1);
  return c >= 0xdc00 && c <= 0xdfff && i >= 2 ? i - 2 : i - 1;
}
function nextIndex(v: string, i: number): number {
  if (i >= v.length) return v.length;
  const c = v.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < v.length ? i + 2 : i + 1;
}

export function backspace(s: EditState): EditState {
  if (s.cursor === 0) return s;
  const p = prevIndex(s.value, s.cursor);
  return { value: s.value.slice(0, p) + s.value.slice(s.cursor), cursor: p };
}

export function deleteForward(s: EditState): EditState {
  if (s.cursor >= s.value.length) return s;
  const n = nextIndex(s.value, s.cursor);
  return { value: s.value.slice(0, s.cursor) + s.value.slice(n), cursor: s.cursor };
}

export const left = (s: EditState): EditState => ({ ...s, cursor: prevIndex(s.value, s.cursor) });
export const right = (s: EditState): EditState => ({ ...s, cursor: nextIndex(s.value, s.cursor) });

export function wordLeft(s: EditState): EditState {
  let i = s.cursor;
  while (i > 0 && /\s/.test(s.value[i - 1]!)) i--;
  while (i > 0 && !/\s/.test(s.value[i - 1]!)) i--;
  return { ...s, cursor: i };
}

export function wordRight(s: EditState): EditState {
  let i = s.cursor;
  while (i < s.value.length && /\s/.test(s.value[i]!)) i++;
  while (i < s.value.length && !/\s/.test(s.value[i]!)) i++;
  return { ...s, cursor: i };
}

export function lineStartIndex(v: string, cursor: number): number {
  return v.lastIndexOf("\n", cursor - 1) + 1;
}
export function lineEndIndex(v: string, cursor: number): number {
  const e = v.indexOf("\n", cursor);
  return e < 0 ? v.length : e;
}

export const lineStart = (s: EditState): EditState => ({ ...s, cursor: lineStartIndex(s.value, s.cursor) });
export const lineEnd = (s: EditState): EditState => ({ ...s, cursor: lineEndIndex(s.value, s.cursor) });

/** Ctrl-U: delete from the start of the current line to the cursor; at a line start, join with the previous line. */
export function killToLineStart(s: EditState): EditState {
  let st = lineStartIndex(s.value, s.cursor);
  if (st === s.cursor && st > 0) st -= 1;
  return { value: s.value.slice(0, st) + s.value.slice(s.cursor), cursor: st };
}

/** Ctrl-K: delete to the end of the line; at the end of a line, join it with the next. */
export function killToLineEnd(s: EditState): EditState {
  const e = lineEndIndex(s.value, s.cursor);
  const to = e === s.cursor && e < s.value.length ? e + 1 : e;
  return { value: s.value.slice(0, s.cursor) + s.value.slice(to), cursor: s.cursor };
}

/** Ctrl-W: delete the word (and the spaces after it) before the cursor. */
export function deleteWordBack(s: EditState): EditState {
  const t = wordLeft(s).cursor;
  return { value: s.value.slice(0, t) + s.value.slice(s.cursor), cursor: t };
}

export function cursorLineCol(s: EditState): { line: number; col: number; lines: number } {
  const before = s.value.slice(0, s.cursor);
  const line = before.split("\n").length - 1;
  const col = s.cursor - lineStartIndex(s.value, s.cursor);
  return { line, col, lines: s.value.split("\n").length };
}

/** Move to the same column on the previous/next line; null when already on the first/last line (→ history). */
export function vertical(s: EditState, dir: -1 | 1): EditState | null {
  const { line, col, lines } = cursorLineCol(s);
  const target = line + dir;
  if (target < 0 || target >= lines) return null;
  const all = s.value.split("\n");
  let idx = 0;
  for (let i = 0; i < target; i++) idx += all[i]!.length + 1;
  return { ...s, cursor: idx + clamp(col, 0, all[target]!.length) };
}

export const setValue = (value: string): EditState => ({ value, cursor: value.length });
