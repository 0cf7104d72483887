import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grepTool } from "../../src/tools/search.js";
import { nativeGrep, toPcre, toRustRegex } from "../../src/tools/grep-backends.js";
import { call, makeCtx, tempProject } from "./helpers.js";

const hasRg = spawnSync("rg", ["--pcre2-version"], { stdio: "ignore" }).status === 0;

let root: string;
let cleanup: () => void;

beforeAll(() => {
  const files: Record<string, string | Buffer> = {
    ".gitignore": "dist/\n*.log\n!keep.log\n",
    "README.md": "# Project\nTODO: write docs\nTodo list with ünïcode TODO\n",
    "src/index.ts": "export function main() {\n  // TODO: implement\n  return 42;\n}\n",
    "src/util.ts": "export const todo = 'lowercase todo';\nconst fooBar = 1; const foo_baz = 2;\n",
    "src/crlf.ts": "line one TODO\r\nreturn 7\r\n",
    "src/gen/.gitignore": "*.generated.ts\n",
    "src/gen/api.generated.ts": "// TODO generated\n",
    "src/gen/api.ts": "// TODO hand written\n",
    "src/big.ts": `${"// TODO large\n".repeat(80_000)}`,
    "src/bin.dat": Buffer.concat([Buffer.from("TODO\n"), Buffer.alloc(64, 0), Buffer.from("TODO\n")]),
    "dist/index.js": "// TODO built\n",
    "debug.log": "TODO in log\n",
    "keep.log": "TODO kept log\n",
    "node_modules/dep/index.js": "// TODO dep\n",
    ".letta/.gitignore": "*\n!.gitignore\n",
    ".letta/notes.txt": "TODO private memory\n",
    ".github/workflows/ci.yml": "# TODO ci\n",
    "excluded.txt": "TODO excluded by info/exclude\n",
  };
  // Enough matching files that the shown part fills up and the rest is only counted.
  for (let i = 0; i < 60; i++) files[`many/m${String(i).padStart(2, "0")}.txt`] = `TODO ${i}\n`.repeat(5) + "no match here\n";
  ({ root, cleanup } = tempProject(files));
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd: root, stdio: "ignore" });
  git("init", "-q");
  fs.writeFileSync(path.join(root, ".git/info/exclude"), "excluded.txt\n");
  git("add", "README.md", "src", "many");
  git("commit", "-qm", "init");
  // Untracked but not ignored: searched by every backend.
  fs.writeFileSync(path.join(root, "untracked.md"), "TODO not committed yet\n");
});
afterAll(() => cleanup());

/** The grep tool's answer in `dir`, with one backend forced. */
async function grepIn(dir: string, backend: string, args: Record<string, unknown>): Promise<string> {
  process.env.LETTA_CODE_GREP_BACKEND = backend;
  try {
    return (await call(grepTool, args, makeCtx(dir))).content;
  } finally {
    delete process.env.LETTA_CODE_GREP_BACKEND;
  }
}

const grepWith = (backend: string, args: Record<string, unknown>) => grepIn(root, backend, args);

const searches: Record<string, unknown>[] = [
  { pattern: "TODO" },
  { pattern: "todo", ignore_case: true, glob: "*.ts" },
  { pattern: "TODO", path: "src/gen" },
  { pattern: "TODO", glob: "src/**/*.ts" },
  { pattern: "\\bfoo\\w+" },
  { pattern: "return \\d+$" },
  { pattern: "TODO(?!:)", path: "src" },
  { pattern: "[^a-z]TODO [\\d]" },
  { pattern: "nothing-matches-this" },
  { pattern: "ünïcode" },
  { pattern: "not committed" },
];

describe("grep backends give the walker's results", () => {
  it("the regex translation keeps JavaScript's ASCII meaning of \\d, \\w, \\s and \\b", () => {
    expect(toPcre("a\\d[\\w-]\\b")).toBe("a[0-9][A-Za-z0-9_-](?:(?<![A-Za-z0-9_])(?=[A-Za-z0-9_])|(?<=[A-Za-z0-9_])(?![A-Za-z0-9_]))");
    // JS-only syntax, or where the two could disagree: left to the JS walker.
    for (const p of ["\\u00e9", "é", "[\\D]", "[^]", ""]) expect(toPcre(p)).toBeNull();
    // Rust's engine: its own ASCII word boundary; lookaround and backreferences go to PCRE2.
    expect(toRustRegex("\\bx\\d$")).toBe("(?-u:\\b)x[0-9]\\r?$");
    for (const p of ["a(?=b)", "(?<n>a)", "(a)\\1"]) expect(toRustRegex(p)).toBeNull();
  });

  it("git grep (inside a git repository): same output as the JS walker for every search", async () => {
    const ctrl = new AbortController();
    expect(await nativeGrep({ root: fs.realpathSync(root), baseRel: "", maxFileBytes: 1024 * 1024, pattern: "TODO", ignoreCase: false, signal: ctrl.signal }, ["git"])).toMatchObject({ backend: "git" });
    for (const s of searches) expect(await grepWith("git", s), JSON.stringify(s)).toBe(await grepWith("js", s));
  });

  it.skipIf(!hasRg)("ripgrep (needs rg with PCRE2: apt-get install ripgrep): same output as the JS walker for every search", async () => {
    const ctrl = new AbortController();
    expect(await nativeGrep({ root: fs.realpathSync(root), baseRel: "", maxFileBytes: 1024 * 1024, pattern: "TODO", ignoreCase: false, signal: ctrl.signal }, ["rg"])).toMatchObject({ backend: "rg" });
    for (const s of searches) expect(await grepWith("rg", s), JSON.stringify(s)).toBe(await grepWith("js", s));
  });

  it("the walker's output keeps the caps, the large-file note and the exclusions", async () => {
    const out = await grepWith("js", { pattern: "TODO" });
    expect(out).toMatch(/more matches omitted \(\d+ in \d+ files\)/);
    expect(out).toMatch(/\[1 file over 1 MB skipped\]/);
    expect(out).not.toMatch(/\.letta|node_modules|dist\/|debug\.log|excluded\.txt|bin\.dat/);
    expect(await grepWith("js", { pattern: "not committed" })).toMatch(/^untracked\.md:1:/);
  });
});

describe("grep backends agree with the walker on what they do not search themselves", () => {
  let edge: string;
  let cleanEdge: () => void;

  beforeAll(() => {
    ({ root: edge, cleanup: cleanEdge } = tempProject({
      ".gitignore": "ignored/\n",
      "a.txt": "MARK a\n",
      "gone.txt": "MARK deleted from the working tree\n",
      "big-tracked.txt": "MARK\n".repeat(250_000),
      // A NUL past the first 8 KB: text to the tool, binary to ripgrep.
      "late-nul.txt": `${"x".repeat(9000)}\0\nMARK late\n`,
      "early-nul.bin": "MARK\0\n",
      "ignored/x.txt": "MARK ignored\n",
    }));
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd: edge, stdio: "ignore" });
    git("init", "-q");
    git("add", "-A");
    git("commit", "-qm", "init");
    fs.rmSync(path.join(edge, "gone.txt"));
    // Untracked: a large log (over 1 MB, skipped) and a small one.
    fs.mkdirSync(path.join(edge, "src"));
    fs.writeFileSync(path.join(edge, "src/big.log"), "MARK log\n".repeat(130_000));
    fs.writeFileSync(path.join(edge, "src/small.log"), "MARK small log\n");
  });
  afterAll(() => cleanEdge());

  const edgeGrep = (backend: string, args: Record<string, unknown>) => grepIn(edge, backend, args);

  const edgeSearches: Record<string, unknown>[] = [
    { pattern: "MARK" },
    { pattern: "MARK", glob: "*.log" },
    { pattern: "MARK", path: "src" },
    { pattern: "absent-word" },
    { pattern: "absent-word", glob: "*.log" },
  ];

  it("the walker's own answers: large files noted, late-NUL text searched, deleted files not listed", async () => {
    const all = await edgeGrep("js", { pattern: "MARK" });
    expect(all).toMatch(/^late-nul\.txt:2:MARK late$/m);
    expect(all).toMatch(/\[2 files over 1 MB skipped\]/);
    expect(all).not.toMatch(/gone\.txt|early-nul|ignored\//);
    // gone.txt is not counted; the two large files are (they were listed, then skipped).
    expect(await edgeGrep("js", { pattern: "absent-word" })).toBe("No matches for /absent-word/ in . (7 files searched; 2 files over 1 MB skipped)");
    expect(await edgeGrep("js", { pattern: "absent-word", glob: "*.log" })).toBe("No matches for /absent-word/ in . (2 files searched; 1 file over 1 MB skipped)");
  });

  it("git grep: the same output for every search", async () => {
    for (const s of edgeSearches) expect(await edgeGrep("git", s), JSON.stringify(s)).toBe(await edgeGrep("js", s));
  });

  it.skipIf(!hasRg)("ripgrep: the same output for every search", async () => {
    for (const s of edgeSearches) expect(await edgeGrep("rg", s), JSON.stringify(s)).toBe(await edgeGrep("js", s));
  });
});
