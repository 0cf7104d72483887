import { describe, expect, it } from "vitest";
import * as E from "../../src/tui/input-state.js";
import { layoutRows } from "../../src/tui/input.js";

const at = (value: string, cursor = value.length): E.EditState => ({ value, cursor });

describe("input editing", () => {
  it("inserts, deletes and moves by character, word and line", () => {
    let s = E.insert(E.empty, "hello world");
    s = E.left(E.left(s));
    expect(s.cursor).toBe(9);
    s = E.backspace(s);
    expect(s.value).toBe("hello wold");
    expect(E.wordLeft(at("foo bar baz")).cursor).toBe(8);
    expect(E.wordRight(at("foo bar", 0)).cursor).toBe(3);
    expect(E.deleteWordBack(at("foo bar  ")).value).toBe("foo ");
    expect(E.deleteForward(at("abc", 1)).value).toBe("ac");
  });

  it("Ctrl-A/E/U/K work on the current line of a multi-line buffer", () => {
    const s = at("one\ntwo three\nfour", 8); // after "two "
    expect(E.lineStart(s).cursor).toBe(4);
    expect(E.lineEnd(s).cursor).toBe(13);
    expect(E.killToLineStart(s).value).toBe("one\nthree\nfour");
    expect(E.killToLineEnd(s).value).toBe("one\ntwo \nfour");
    expect(E.killToLineEnd(at("ab\ncd", 2)).value).toBe("abcd"); // at end of line: join
    expect(E.killToLineStart(at("ab\ncd", 3)).value).toBe("abcd"); // at start of line: join
  });

  it("moves vertically keeping the column, and reports the edges for history", () => {
    const s = at("abcdef\nxy\nlonger line", 5);
    expect(E.vertical(s, -1)).toBeNull();
    const down = E.vertical(s, 1)!;
    expect(down.cursor).toBe(9); // clamped to end of "xy"
    expect(E.vertical(at("a\nb"), 1)).toBeNull();
  });

  it("normalises pasted text: CRLF → LF, strips control characters, keeps tabs", () => {
    expect(E.insert(E.empty, "a\r\nb\rc\td\u0007").value).toBe("a\nb\nc\td");
  });

  it("deletes emoji as one character", () => {
    expect(E.backspace(at("a😀")).value).toBe("a");
  });

  it("lays rows out with the cursor, wrapping long lines", () => {
    const { rows, cursorRow } = layoutRows(at("abcdefghij\nxy", 12), 4);
    expect(rows.map((r) => r.text)).toEqual(["abcd", "efgh", "ij", "xy"]);
    expect(cursorRow).toBe(3);
    expect(rows[3]!.cursorAt).toBe(1);
    // cursor at the end of an exactly full row gets its own row
    const full = layoutRows(at("abcd"), 4);
    expect(full.rows.map((r) => r.text)).toEqual(["abcd", ""]);
    expect(full.cursorRow).toBe(1);
  });
});
