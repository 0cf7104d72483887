import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Tiktoken } from "js-tiktoken/lite";
import { afterAll, describe, expect, it } from "vitest";
import { BpeEncoder } from "../../src/llm/bpe.js";
import { loadRankTable, rankTableSource } from "../../src/llm/rank-cache.js";
import { parseRankTable } from "../../src/llm/rank-table.js";
import { countTokens, countUncached, setTokenizerCacheDir } from "../../src/llm/tokens.js";
import { tempDir } from "../helpers/temp.js";

const require = createRequire(import.meta.url);
const ENCODINGS = ["o200k_base", "cl100k_base"] as const;
const reference = new Map<string, Tiktoken>();
function tiktoken(name: string): Tiktoken {
  let t = reference.get(name);
  if (!t) reference.set(name, (t = new Tiktoken(require(`js-tiktoken/ranks/${name}`))));
  return t;
}

/** A small seeded generator, so a failure names a corpus entry that reproduces. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const POOL = [
  "a", "Z", "é", "ß", "ı", "İ", "中", "文", "日本", "한", "ع", "ש", "я", "Ж", "ँ", "क", "ि", "\u0301", "\u200d", " ", "  ", "\t", "\n", "\r\n", "\r",
  "0", "7", "42", "3.14", "'s", "'LL", "'ve", "'D", "!", "?", "...", "->", "=>", "{", "}", "(", ")", "[", "]", ";", ":", "/", "\\", "\"", "'", "`",
  "$", "#", "@", "%", "^", "&", "*", "_", "-", "+", "=", "<", ">", "|", "~", "😀", "👍🏽", "👨‍👩‍👧", "🇫🇷", "🧑‍💻", "\ud800", "\udfff", "\u00a0", "\u3000",
  "<|endoftext|>", "<|endofprompt|>", "<|fim_prefix|>", "function", " return", "const", "The", " the", "HTTPServer", "camelCase", "snake_case",
];

function corpus(): string[] {
  const fixed = [
    "hello world",
    "export function add(a: number, b: number): number {\n\treturn a + b; // sum\n}\n",
    "def main():\n    if x == 1:\n        print(f\"{x!r}\")\n\n\n    return None\r\n",
    "It's the agent's job; they'll say we'd've known. I'M SURE YOU'LL SEE THEY'RE RIGHT.",
    "Ünïcödé naïve café — “quotes” ‘single’ … ellipsis, 中文字符和标点。日本語のテキスト、한국어 텍스트, العربية, עברית, Ελληνικά.",
    "emoji 😀😃😄 👍🏽👍🏿 👨‍👩‍👧‍👦 🇫🇷🇯🇵 🧑‍💻 ❤️‍🔥 🏳️‍🌈 and text",
    "<|endoftext|> is plain text here, as are <|endofprompt|> and <|fim_middle|>",
    "   leading spaces, trailing spaces   \n\n\n\t\t\tmixed \t whitespace \u00a0\u2003\u3000 end  ",
    "\n".repeat(30) + " ".repeat(70) + "\t".repeat(10),
    "a".repeat(200) + "b".repeat(63) + "-".repeat(100) + "=".repeat(64),
    "1234567890 12 345 6789 0.5 1e10 0xdeadbeef 1,000,000",
    "aGVsbG8gd29ybGQhIFRoaXMgaXMgYmFzZTY0IGVuY29kZWQgdGV4dC4=",
    '{"path":"src/a.ts","edits":[{"old":"x","new":"y"}],"nested":{"k":[1,2,3]}}',
    "https://example.com/path?query=1&b=two#frag mailto:a@b.c",
    "lone surrogates \ud800 and \udc00 become U+FFFD",
    "x",
    " ",
    "\n",
  ];
  const next = random(14);
  const generated: string[] = [];
  for (let i = 0; i < 400; i++) {
    const parts = 1 + Math.floor(next() * 60);
    let s = "";
    for (let j = 0; j < parts; j++) s += POOL[Math.floor(next() * POOL.length)];
    generated.push(s);
  }
  // Real files: a long README (prose, tables, code blocks) and TypeScript source.
  const files = ["README.md", "src/llm/tokens.ts", "package-lock.json"].map((f) => readFileSync(new URL(`../../${f}`, import.meta.url), "utf8"));
  return [...fixed, ...generated, ...files];
}

describe.each(ENCODINGS)("the cached tokenizer (%s)", (name) => {
  // Shared by this block's tests (tempDir would remove it after the first one).
  const dir = mkdtempSync(join(tmpdir(), "letta-tokenizer-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const { table } = loadRankTable(name, dir);
  const ours = new BpeEncoder(table);

  it("gives exactly js-tiktoken's tokens on code, prose, unicode, emoji, whitespace and special-token text", () => {
    const ref = tiktoken(name);
    for (const text of corpus()) expect(ours.encode(text), JSON.stringify(text)).toEqual(ref.encode(text, [], []));
  });

  it("counts long runs in the same slices as before, so the count matches js-tiktoken's sliced count", () => {
    const ref = tiktoken(name);
    const counter = { count: (t: string) => ref.encode(t, [], []).length };
    for (const text of ["z".repeat(500) + " tail", "word ".repeat(50) + "ab".repeat(300), " ".repeat(1000) + "x", "#".repeat(333)]) {
      expect(countUncached(ours, text)).toBe(countUncached(counter, text));
    }
  });

  it("reads back the table it wrote, identical in every array", () => {
    const again = loadRankTable(name, dir);
    expect(again.origin).toBe("cache");
    expect(again.table.patStr).toBe(table.patStr);
    // Compared as bytes: a deep equal over half a million slots takes seconds.
    const raw = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    expect(raw(again.table.bytes).equals(raw(table.bytes))).toBe(true);
    expect(raw(again.table.offsets).equals(raw(table.offsets))).toBe(true);
    expect(raw(again.table.slots).equals(raw(table.slots))).toBe(true);
  });
});

describe("the rank cache file", () => {
  const name = "cl100k_base";
  const text = "The agent counts tokens exactly: 😀 <|endoftext|> naïve";
  const expected = () => tiktoken(name).encode(text, [], []).length;

  function fresh(): { dir: string; file: string } {
    const dir = tempDir("letta-tokenizer-");
    expect(loadRankTable(name, dir).origin).toBe("built");
    return { dir, file: join(dir, `${name}.bin`) };
  }

  it("is rebuilt, not trusted, when a byte in it is corrupted", () => {
    const { dir, file } = fresh();
    const data = readFileSync(file);
    // A token byte deep inside: a reader that skipped the checksum would count some words differently.
    data[Math.floor(data.length * 0.9)]! ^= 0x55;
    writeFileSync(file, data);
    expect(parseRankTable(data, rankTableSource(name))).toBe("checksum mismatch");
    const reloaded = loadRankTable(name, dir);
    expect(reloaded.origin).toBe("built");
    expect(new BpeEncoder(reloaded.table).count(text)).toBe(expected());
    expect(loadRankTable(name, dir).origin).toBe("cache");
  });

  it("is rebuilt when truncated, empty or of another format version", () => {
    const { dir, file } = fresh();
    const good = readFileSync(file);
    const source = rankTableSource(name);
    truncateSync(file, Math.floor(good.length / 2));
    expect(parseRankTable(readFileSync(file), source)).toBe("wrong length");
    expect(loadRankTable(name, dir).origin).toBe("built");
    writeFileSync(file, "");
    expect(loadRankTable(name, dir).origin).toBe("built");
    const other = Buffer.from(good);
    other.writeUInt32LE(99, 4);
    writeFileSync(file, other);
    expect(parseRankTable(other, source)).toBe("another format version");
    expect(loadRankTable(name, dir).origin).toBe("built");
    expect(readFileSync(file).equals(good)).toBe(true);
  });

  it("is rebuilt when it was made from other rank data (another js-tiktoken)", () => {
    const { file } = fresh();
    expect(parseRankTable(readFileSync(file), rankTableSource(name).replace(/@[^ ]+/, "@0.0.1"))).toBe("built from other rank data");
  });

  it("does not block on a FIFO or read a directory standing where the file should be", () => {
    const dir = tempDir("letta-tokenizer-");
    const file = join(dir, `${name}.bin`);
    execFileSync("mkfifo", [file]);
    // Reading a FIFO with no writer would hang the run; it is replaced by a real file instead.
    expect(loadRankTable(name, dir).origin).toBe("built");
    expect(statSync(file).isFile()).toBe(true);
    rmSync(file);
    mkdirSync(file);
    const loaded = loadRankTable(name, dir);
    expect(loaded.origin).toBe("memory");
    expect(new BpeEncoder(loaded.table).count(text)).toBe(expected());
  });

  it("counts correctly from memory when the cache dir cannot be written", () => {
    const root = tempDir("letta-tokenizer-");
    // A file where the directory should be: unwritable for root as well as for anyone else.
    writeFileSync(join(root, "blocked"), "");
    const loaded = loadRankTable(name, join(root, "blocked", "tokenizer"));
    expect(loaded.origin).toBe("memory");
    expect(new BpeEncoder(loaded.table).count(text)).toBe(expected());
  });
});

describe("countTokens with the cache", () => {
  afterAll(() => setTokenizerCacheDir(undefined));

  it("writes the table into the configured cache dir on the first exact count and counts the same with it", () => {
    const dir = tempDir("letta-tokenizer-");
    setTokenizerCacheDir(dir);
    const text = "function add(a, b) { return a + b; } // 😀";
    const first = countTokens(text, "gpt-4o");
    expect(readFileSync(join(dir, "o200k_base.bin")).length).toBeGreaterThan(1_000_000);
    setTokenizerCacheDir(dir);
    expect(countTokens(text, "gpt-4o")).toBe(first);
    expect(first).toBe(tiktoken("o200k_base").encode(text, [], []).length);
  });

  it("counts with no cache dir at all", () => {
    setTokenizerCacheDir(null);
    expect(countTokens("hello world", "gpt-4")).toBe(2);
  });
});
