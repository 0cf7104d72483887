/**
 * A tiny regex highlighter for fenced code blocks: keywords, strings, comments, numbers.
 * Not a parser; good enough to make code readable in a terminal. One line at a time,
 * carrying only "inside a block comment" across lines.
 */
import type { Span } from "./text-layout.js";
import { theme } from "./theme.js";

const KEYWORDS = new Set(
  (
    // JS/TS
    "const let var function return if else for while do switch case break continue new class extends " +
    "import export from default async await yield try catch finally throw typeof instanceof in of " +
    "interface type enum implements public private protected readonly static void null undefined true false this super " +
    // Python
    "def lambda pass None True False and or not is elif with as global nonlocal raise except assert del print self " +
    // Go / Rust / C-family
    "func package go defer chan map struct fn let mut impl trait pub use mod match loop crate where " +
    "int float double char long short unsigned bool string " +
    // Shell
    "then fi esac done echo export local"
  ).split(/\s+/),
);

const HASH_COMMENT = new Set([
  "py", "python", "sh", "bash", "zsh", "shell", "console", "yaml", "yml", "toml", "rb", "ruby", "perl", "pl",
  "r", "dockerfile", "makefile", "make", "conf", "ini", "cfg", "env", "gitignore", "nix", "elixir", "ex",
]);

export interface HighlightState {
  inBlockComment: boolean;
}

// Order matters: comments and strings before numbers and words.
const TOKEN =
  /(\/\*)|(\/\/.*$)|(#.*$)|("(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|`(?:[^`\\]|\\.)*`?)|(\b\d[\d_]*(?:\.\d+)?(?:e[+-]?\d+)?\b|\b0x[\da-f]+\b)|([A-Za-z_$][\w$]*)/gi;

/** Highlight one line of code. `lang` is the fence's info string (lower-case). */
export function highlightLine(line: string, lang: string, state: HighlightState): Span[] {
  const l = lang.toLowerCase();
  if (l === "diff" || l === "patch") return [diffSpan(line)];
  if (l === "text" || l === "txt" || l === "plain" || l === "markdown" || l === "md") return [{ text: line }];
  const hash = HASH_COMMENT.has(l);
  const spans: Span[] = [];
  let i = 0;
  if (state.inBlockComment) {
    const end = line.indexOf("*/");
    if (end < 0) return [{ text: line, color: theme.comment }];
    spans.push({ text: line.slice(0, end + 2), color: theme.comment });
    i = end + 2;
    state.inBlockComment = false;
  }
  TOKEN.lastIndex = i;
  let m: RegExpExecArray | null;
  while ((m = TOKEN.exec(line))) {
    if (m.index > i) spans.push({ text: line.slice(i, m.index) });
    const [tok, blockStart, slashComment, hashComment, str, num, word] = m;
    if (blockStart && !hash) {
      const end = line.indexOf("*/", m.index + 2);
      if (end < 0) {
        spans.push({ text: line.slice(m.index), color: theme.comment });
        state.inBlockComment = true;
        return spans;
      }
      spans.push({ text: line.slice(m.index, end + 2), color: theme.comment });
      i = TOKEN.lastIndex = end + 2;
      continue;
    }
    if ((slashComment && !hash) || (hashComment && hash)) spans.push({ text: tok, color: theme.comment });
    else if (str) spans.push({ text: tok, color: theme.string });
    else if (num) spans.push({ text: tok, color: theme.number });
    else if (word && KEYWORDS.has(word)) spans.push({ text: tok, color: theme.keyword, bold: false });
    else if (slashComment || hashComment || blockStart) {
      // `//` in a hash language (or `#` in a C-like one) is ordinary text: re-scan after its first char.
      spans.push({ text: tok[0]! });
      i = TOKEN.lastIndex = m.index + 1;
      continue;
    } else spans.push({ text: tok });
    i = m.index + tok.length;
  }
  if (i < line.length) spans.push({ text: line.slice(i) });
  return spans;
}

export function diffSpan(line: string): Span {
  if (line.startsWith("+++") || line.startsWith("---")) return { text: line, bold: true };
  if (line.startsWith("+")) return { text: line, color: theme.added };
  if (line.startsWith("-")) return { text: line, color: theme.removed };
  if (line.startsWith("@@")) return { text: line, color: theme.hunk };
  return { text: line };
}
