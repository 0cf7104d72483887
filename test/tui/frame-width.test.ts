import { eastAsianWidth } from "get-east-asian-width";
import stringWidth from "string-width";
import { describe, expect, it } from "vitest";
import { FRAME_TEXT_RANGES, frameGraphemes, frameTextWidth } from "../../src/tui/frame-width.js";

// string-width is what Ink measures its output with; the CLI's bundle asks frameTextWidth first
// (rolldown.config.mjs). Wherever that answers, the answer must be string-width's own.
const widthOf = (wide: boolean) => (cp: number) => eastAsianWidth(cp, { ambiguousAsWide: wide });

describe("frameTextWidth (string-width's fast path for a frame's usual characters)", () => {
  const chars: string[] = [];
  for (const [from, to] of FRAME_TEXT_RANGES) for (let cp = from; cp <= to; cp++) chars.push(String.fromCodePoint(cp));

  it("gives string-width's width for every character it answers for, narrow and wide ambiguous", () => {
    const wrong: string[] = [];
    for (const wide of [false, true]) {
      for (const ch of chars) {
        // After a letter, too: a character that joined its neighbour into one grapheme would show here.
        for (const text of [ch, `a${ch}`, `${ch}${ch}`]) {
          const fast = frameTextWidth(text, widthOf(wide));
          if (fast !== stringWidth(text, { ambiguousIsNarrow: !wide })) wrong.push(`U+${ch.codePointAt(0)!.toString(16)} in ${JSON.stringify(text)}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it("gives string-width's width for a frame's lines", () => {
    const lines = ["╭" + "─".repeat(40) + "╮", "│ > hi · / for commands │", " s · ctx █░░░░ 13% 4.3k/33k · mode ask", "✻ letta-code  agent default", "› hi", "● ok ✓ done ✗ failed → next"];
    for (const line of lines) expect(frameTextWidth(line, widthOf(false))).toBe(stringWidth(line));
  });

  it("leaves to string-width what it does not know: emoji, wide, combining and invisible characters", () => {
    for (const text of ["ok 👍", "日本", "e\u0301", "a\u200bb", "◽", "✅", "\u00ad", "x\u0007"]) expect(frameTextWidth(text, widthOf(false))).toBeUndefined();
  });
});

describe("frameGraphemes (ansi-tokenize's graphemes of a frame's line)", () => {
  const segments = (text: string) => [...new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(text)].map(({ segment, index }) => ({ segment, index }));

  it("splits every character it covers, next to letters, repeats and colour codes, as Intl.Segmenter does", () => {
    const wrong: string[] = [];
    for (const [from, to] of FRAME_TEXT_RANGES) {
      for (let cp = from; cp <= to; cp++) {
        const ch = String.fromCodePoint(cp);
        for (const text of [`a${ch}b`, `${ch}${ch}`, `\u001b[31m${ch}\u001b[39m`]) {
          if (JSON.stringify(frameGraphemes(text)) !== JSON.stringify(segments(text))) wrong.push(`U+${cp.toString(16)} in ${JSON.stringify(text)}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it("leaves other text to Intl.Segmenter: emoji, combining marks, CR LF", () => {
    for (const text of ["ok 👍", "e\u0301", "a\r\nb", "日本"]) expect(frameGraphemes(text)).toBeUndefined();
  });
});
