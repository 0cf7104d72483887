import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { editFileTool, readFileTool, writeFileTool } from "../../src/tools/files.js";
import type { ToolContext } from "../../src/tools/types.js";
import { call, makeCtx, tempProject } from "./helpers.js";

let root: string;
let cleanup: () => void;
let ctx: ToolContext;
const numbered = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`).join("\n") + "\n";

beforeEach(() => {
  ({ root, cleanup } = tempProject({
    "hello.txt": "alpha\nbeta\ngamma\n",
    "src/config.ts": "export const a = 1;\n",
    "big.txt": numbered(2500),
    ".letta/letta.db": "db",
  }));
  ctx = makeCtx(root);
});
afterEach(() => cleanup());

const read = (p: string) => fs.readFileSync(path.join(root, p), "utf8");

describe("read_file", () => {
  it("numbers lines from 1 with an arrow", async () => {
    const r = await call(readFileTool, { path: "hello.txt" }, ctx);
    expect(r.error).toBeUndefined();
    expect(r.content).toBe("     1→alpha\n     2→beta\n     3→gamma");
  });

  it("honours offset and limit and says how to read further", async () => {
    const r = await call(readFileTool, { path: "big.txt", offset: 10, limit: 3 }, ctx);
    expect(r.content.split("\n").slice(0, 3)).toEqual(["    10→line 10", "    11→line 11", "    12→line 12"]);
    expect(r.content).toContain("Showing lines 10-12 of 2500");
    expect(r.content).toContain("offset=13");
  });

  it("stops at 2000 lines by default", async () => {
    const r = await call(readFileTool, { path: "big.txt" }, ctx);
    const lines = r.content.split("\n");
    expect(lines[1999]).toBe("  2000→line 2000");
    expect(r.content).toContain("offset=2001");
    expect(r.content).not.toContain("line 2001\n");
  });

  it("cuts long lines and caps the bytes returned", async () => {
    fs.writeFileSync(path.join(root, "wide.txt"), Array.from({ length: 400 }, () => "x".repeat(5000)).join("\n"));
    const r = await call(readFileTool, { path: "wide.txt" }, ctx);
    expect(r.content).toContain("[line truncated: 5,000 chars]");
    expect(Buffer.byteLength(r.content)).toBeLessThan(270 * 1024);
    expect(r.content).toMatch(/Output capped at 256 KB after line (\d+) of 400\. Use offset=\d+ to read further/);
  });

  it("handles a single huge line without reading it all into the result", async () => {
    fs.writeFileSync(path.join(root, "min.js"), "y".repeat(3_000_000));
    const r = await call(readFileTool, { path: "min.js" }, ctx);
    expect(r.content.length).toBeLessThan(2200);
    expect(r.content).toContain("3,000,000 chars");
  });

  it("strips CR of CRLF files, reports empty files and offsets past the end", async () => {
    fs.writeFileSync(path.join(root, "crlf.txt"), "a\r\nb\r\n");
    expect((await call(readFileTool, { path: "crlf.txt" }, ctx)).content).toBe("     1→a\n     2→b");
    fs.writeFileSync(path.join(root, "empty.txt"), "");
    expect((await call(readFileTool, { path: "empty.txt" }, ctx)).content).toMatch(/empty/);
    const past = await call(readFileTool, { path: "hello.txt", offset: 10 }, ctx);
    expect(past.error).toMatch(/only 3 lines/);
  });

  it("refuses binary files clearly", async () => {
    fs.writeFileSync(path.join(root, "img.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    const r = await call(readFileTool, { path: "img.png" }, ctx);
    expect(r.error).toMatch(/binary file/);
    expect(r.error).toMatch(/only reads text/);
  });

  it("points directories to list_files", async () => {
    const r = await call(readFileTool, { path: "src" }, ctx);
    expect(r.error).toMatch(/directory/);
    expect(r.error).toContain("list_files");
  });

  it("suggests close names for a missing file", async () => {
    const r = await call(readFileTool, { path: "src/confg.ts" }, ctx);
    expect(r.error).toMatch(/not found/i);
    expect(r.error).toContain("src/config.ts");
    const other = await call(readFileTool, { path: "src/config.js" }, ctx);
    expect(other.error).toContain("src/config.ts");
    const nodir = await call(readFileTool, { path: "nope/x.ts" }, ctx);
    expect(nodir.error).toMatch(/does not exist/);
  });

  it("refuses paths outside the project", async () => {
    expect((await call(readFileTool, { path: "../../etc/passwd" }, ctx)).error).toMatch(/outside the project root/);
    expect((await call(readFileTool, { path: "/etc/passwd" }, ctx)).error).toMatch(/outside the project root/);
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), "letta-out-"));
    fs.writeFileSync(path.join(outside, "s.txt"), "secret");
    fs.symlinkSync(path.join(outside, "s.txt"), path.join(root, "s.txt"));
    const r = await call(readFileTool, { path: "s.txt" }, ctx);
    expect(r.error).toMatch(/symlink/);
    expect(r.content).not.toContain("secret\n");
    fs.rmSync(outside, { recursive: true });
  });
});

describe("write_file", () => {
  it("creates a file with parent directories and shows a creation diff", async () => {
    const r = await call(writeFileTool, { path: "a/b/new.ts", content: "one\ntwo\n" }, ctx);
    expect(r.error).toBeUndefined();
    expect(read("a/b/new.ts")).toBe("one\ntwo\n");
    expect(r.content).toContain("Wrote 2 lines to a/b/new.ts");
    expect(r.display).toMatchObject({ kind: "diff", path: "a/b/new.ts", created: true });
    expect(r.display?.kind === "diff" && r.display.diff).toContain("+one");
  });

  it("overwrites with a diff of the change", async () => {
    const r = await call(writeFileTool, { path: "hello.txt", content: "alpha\nBETA\ngamma\n" }, ctx);
    expect(read("hello.txt")).toBe("alpha\nBETA\ngamma\n");
    expect(r.display).toMatchObject({ kind: "diff", created: false });
    const diff = r.display?.kind === "diff" ? r.display.diff : "";
    expect(diff).toContain("-beta");
    expect(diff).toContain("+BETA");
    expect(diff).toContain("@@");
  });

  it("previews without writing", async () => {
    const args = writeFileTool.parameters.parse({ path: "hello.txt", content: "changed\n" });
    const preview = await writeFileTool.preview!(args, ctx);
    expect(preview).toMatchObject({ kind: "diff", path: "hello.txt", created: false });
    expect(read("hello.txt")).toBe("alpha\nbeta\ngamma\n");
    const created = await writeFileTool.preview!(writeFileTool.parameters.parse({ path: "x/y.txt", content: "y" }), ctx);
    expect(created).toMatchObject({ created: true });
    expect(fs.existsSync(path.join(root, "x"))).toBe(false);
  });

  it("refuses to plant a hook or change git config through write_file and edit_file", async () => {
    fs.mkdirSync(path.join(root, ".git/hooks"), { recursive: true });
    fs.writeFileSync(path.join(root, ".git/config"), "[core]\n\tbare = false\n");
    const w = await call(writeFileTool, { path: ".git/hooks/pre-commit", content: "#!/bin/sh\ntouch pwned\n" }, ctx);
    expect(w.error).toMatch(/Refusing to write "\.git\/hooks\/pre-commit": it is inside git's own data/);
    expect(fs.existsSync(path.join(root, ".git/hooks/pre-commit"))).toBe(false);
    const e = await call(editFileTool, { path: ".GIT/config", old_string: "bare = false", new_string: "fsmonitor = touch pwned" }, ctx);
    expect(e.error).toMatch(/git's own data/);
    expect(fs.readFileSync(path.join(root, ".git/config"), "utf8")).not.toContain("fsmonitor");
    expect((await call(readFileTool, { path: ".git/config" }, ctx)).content).toContain("bare = false");
  });

  it("refuses .letta/, escapes and directories", async () => {
    const r = await call(writeFileTool, { path: ".letta/notes.md", content: "x" }, ctx);
    expect(r.error).toMatch(/memory store/);
    expect(fs.existsSync(path.join(root, ".letta/notes.md"))).toBe(false);
    expect((await call(writeFileTool, { path: "../evil.txt", content: "x" }, ctx)).error).toMatch(/outside/);
    expect((await call(writeFileTool, { path: "src", content: "x" }, ctx)).error).toMatch(/directory/);
  });
});

describe("edit_file", () => {
  it("replaces a unique exact match and shows the diff", async () => {
    const r = await call(editFileTool, { path: "hello.txt", old_string: "beta", new_string: "BETA" }, ctx);
    expect(r.error).toBeUndefined();
    expect(read("hello.txt")).toBe("alpha\nBETA\ngamma\n");
    expect(r.content).toContain("line 2");
    expect(r.display?.kind === "diff" && r.display.diff).toContain("+BETA");
  });

  it("inserts replacement text literally (no $& expansion)", async () => {
    await call(editFileTool, { path: "hello.txt", old_string: "beta", new_string: "$& $1 $$" }, ctx);
    expect(read("hello.txt")).toBe("alpha\n$& $1 $$\ngamma\n");
  });

  it("says when old_string is missing and hints at whitespace", async () => {
    fs.writeFileSync(path.join(root, "ind.py"), "def f():\n\treturn 1\n");
    const r = await call(editFileTool, { path: "ind.py", old_string: "def f():\n    return 1", new_string: "x" }, ctx);
    expect(r.error).toMatch(/not found/);
    expect(r.error).toMatch(/indentation/);
    expect(r.error).toContain("line 1");
    const plain = await call(editFileTool, { path: "hello.txt", old_string: "delta", new_string: "x" }, ctx);
    expect(plain.error).toMatch(/not found/);
    expect(plain.error).toMatch(/whitespace/);
    const prefixed = await call(editFileTool, { path: "hello.txt", old_string: "     2→beta", new_string: "x" }, ctx);
    expect(prefixed.error).toMatch(/line-number prefixes/);
  });

  it("refuses a non-unique match with the count and line numbers, unless replace_all", async () => {
    fs.writeFileSync(path.join(root, "dup.txt"), "x = 1\ny = 2\nx = 1\nx = 1\n");
    const r = await call(editFileTool, { path: "dup.txt", old_string: "x = 1", new_string: "x = 9" }, ctx);
    expect(r.error).toMatch(/3 times/);
    expect(r.error).toContain("lines 1, 3, 4");
    expect(r.error).toContain("replace_all");
    expect(read("dup.txt")).toBe("x = 1\ny = 2\nx = 1\nx = 1\n");
    const all = await call(editFileTool, { path: "dup.txt", old_string: "x = 1", new_string: "x = 9", replace_all: true }, ctx);
    expect(all.content).toContain("3 replacements");
    expect(read("dup.txt")).toBe("x = 9\ny = 2\nx = 9\nx = 9\n");
  });

  it("refuses identical strings, empty old_string, missing files, binaries and .letta", async () => {
    expect((await call(editFileTool, { path: "hello.txt", old_string: "beta", new_string: "beta" }, ctx)).error).toMatch(/identical/);
    expect((await call(editFileTool, { path: "hello.txt", old_string: "", new_string: "x" }, ctx)).error).toMatch(/write_file/);
    const missing = await call(editFileTool, { path: "nope.txt", old_string: "a", new_string: "b" }, ctx);
    expect(missing.error).toMatch(/not found/i);
    expect(missing.error).toContain("write_file");
    fs.writeFileSync(path.join(root, "bin.dat"), Buffer.from([1, 2, 0, 3]));
    expect((await call(editFileTool, { path: "bin.dat", old_string: "a", new_string: "b" }, ctx)).error).toMatch(/binary/);
    expect((await call(editFileTool, { path: ".letta/letta.db", old_string: "db", new_string: "x" }, ctx)).error).toMatch(/memory store/);
  });

  it("matches LF text in a CRLF file and keeps CRLF endings", async () => {
    fs.writeFileSync(path.join(root, "win.txt"), "one\r\ntwo\r\nthree\r\n");
    const r = await call(editFileTool, { path: "win.txt", old_string: "one\ntwo", new_string: "1\n2" }, ctx);
    expect(r.error).toBeUndefined();
    expect(read("win.txt")).toBe("1\r\n2\r\nthree\r\n");
  });

  it("previews the diff without writing, and fails preview like run would", async () => {
    const args = editFileTool.parameters.parse({ path: "hello.txt", old_string: "gamma", new_string: "GAMMA" });
    const preview = await editFileTool.preview!(args, ctx);
    expect(preview?.kind === "diff" && preview.diff).toContain("+GAMMA");
    expect(read("hello.txt")).toBe("alpha\nbeta\ngamma\n");
    const bad = editFileTool.parameters.parse({ path: "hello.txt", old_string: "zzz", new_string: "y" });
    await expect(editFileTool.preview!(bad, ctx)).rejects.toThrow(/not found/);
  });
});
