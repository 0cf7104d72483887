/**
 * The terminal width of the text most of a frame is made of — ASCII, Latin-1, punctuation such as
 * "›", arrows, box drawing, shapes, check marks and the stars of the header — answered without what
 * string-width needs for the general case: Intl.Segmenter and its RGI-emoji pattern, whose first use
 * alone cost ~15 ms of the TUI's first frame. The CLI's bundle asks this first inside string-width
 * (rolldown.config.mjs); undefined means "not only such characters", and string-width goes on as before.
 *
 * Each character here is a grapheme of its own (none combines with a neighbour, none is an emoji
 * by itself, none is invisible), so string-width's answer is the sum of each one's East Asian width:
 * test/tui/frame-width.test.ts checks that against string-width for every one of them.
 */
const FRAME_TEXT = /^[\u0020-\u007E\u00A0-\u00AC\u00AE-\u00FF\u2010-\u2027\u2030-\u205E\u2190-\u21FF\u2500-\u25FC\u25FF\u2713-\u2717\u2719-\u2727\u2729-\u2732\u2735-\u2743]*$/;

// The same characters, and the ESC that starts a colour code: still one grapheme a UTF-16 unit (a control
// char stands alone; no CR, whose CR LF pair is one grapheme).
const FRAME_TEXT_WITH_ESCAPES = new RegExp(FRAME_TEXT.source.replace("^[", "^[\\u001B"));

/**
 * The graphemes of a line of frame text, colour codes included, for ansi-tokenize (which Ink splits
 * every output line with): one per UTF-16 unit, as Intl.Segmenter would give them, without starting
 * it — its first use (ICU's break data) cost the TUI's first frame ~10 ms. Undefined for other text.
 */
export function frameGraphemes(text: string): { segment: string; index: number }[] | undefined {
  if (!FRAME_TEXT_WITH_ESCAPES.test(text)) return undefined;
  const out = new Array<{ segment: string; index: number }>(text.length);
  for (let i = 0; i < text.length; i++) out[i] = { segment: text[i]!, index: i };
  return out;
}

export function frameTextWidth(text: string, widthOf: (codePoint: number) => number): number | undefined {
  if (!FRAME_TEXT.test(text)) return undefined;
  let width = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    width += c < 0x7f ? 1 : widthOf(c);
  }
  return width;
}

/** The characters frameTextWidth answers for, as code points: what its test walks. */
export const FRAME_TEXT_RANGES: readonly [number, number][] = [
  [0x20, 0x7e],
  [0xa0, 0xac],
  [0xae, 0xff],
  [0x2010, 0x2027],
  [0x2030, 0x205e],
  [0x2190, 0x21ff],
  [0x2500, 0x25fc],
  [0x25ff, 0x25ff],
  [0x2713, 0x2717],
  [0x2719, 0x2727],
  [0x2729, 0x2732],
  [0x2735, 0x2743],
];
