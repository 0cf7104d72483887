import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { grepTool, listFilesTool } from "../../src/tools/search.js";
import type { ToolContext } from "../../src/tools/types.js";
import { walkFiles } from "../../src/tools/walk.js";
import { call, makeCtx, tempProject } from "./helpers.js";

let root: string;
let cleanup: () => void;
let ctx: ToolContext;

beforeEach(() => {
  ({ root, cleanup } = tempProject({
    ".gitignore": "dist/\n*.log\n!keep.log\n",
    "README.md": "# Project\nTODO: write docs\n",
    "src/index.ts": "export function main() {\n  // TODO: implement\n  return 42;\n}\n",
    "src/util.ts": "export const todo = 'lowercase todo';\n",
    "src/gen/.gitignore": "*.generated.ts\n",
    "src/gen/api.generated.ts": "// TODO generated\n",
    "src/gen/api.ts": "// TODO hand written\n",
    "dist/index.js": "// TODO built\n",
    "debug.log": "TODO in log\n",
    "keep.log": "TODO kept log\n",
    "node_modules/dep/index.js": "// TODO dep\n",
    ".git/HEAD": "ref: TODO\n",
    ".github/workflows/ci.yml": "# TODO ci\n",
  }));
  ctx = makeCtx(root);
});
afterEach(() => cleanup());

describe("walkFiles", () => {
  it("respects root and nested .gitignore files (with negation) and skips .git and node_modules", async () => {
    expect(await walkFiles(root)).toEqual([
      ".github/workflows/ci.yml",
      ".gitignore",
      "README.md",
      "keep.log",
      "src/gen/.gitignore",
      "src/gen/api.ts",
      "src/index.ts",
      "src/util.ts",
    ]);
  });

  it("lets a deeper .gitignore re-include what a shallower one ignored", async () => {
    fs.writeFileSync(path.join(root, ".gitignore"), "*.tmp\n");
    fs.mkdirSync(path.join(root, "a"));
    fs.writeFileSync(path.join(root, "a/.gitignore"), "!wanted.tmp\n");
    fs.writeFileSync(path.join(root, "a/wanted.tmp"), "");
    fs.writeFileSync(path.join(root, "a/other.tmp"), "");
    const files = await walkFiles(root, { pattern: "**/*.tmp" });
    expect(files).toEqual(["a/wanted.tmp"]);
  });

  it("applies ignore rules when the glob starts below the root", async () => {
    expect(await walkFiles(root, { pattern: "dist/**" })).toEqual([]);
    expect(await walkFiles(root, { pattern: "src/gen/*" })).toEqual(["src/gen/.gitignore", "src/gen/api.ts"]);
  });
});

describe("list_files", () => {
  it("lists every non-ignored file, sorted, relative to the root", async () => {
    const r = await call(listFilesTool, {}, ctx);
    expect(r.content.split("\n")).toContain("src/index.ts");
    expect(r.content).not.toContain("dist/");
    expect(r.content).not.toContain("debug.log");
    expect(r.content).not.toContain("node_modules");
    expect(r.content).not.toContain(".git/HEAD");
  });

  it("filters by pattern and path", async () => {
    expect((await call(listFilesTool, { pattern: "**/*.ts" }, ctx)).content.split("\n")).toEqual([
      "src/gen/api.ts",
      "src/index.ts",
      "src/util.ts",
    ]);
    expect((await call(listFilesTool, { path: "src/gen" }, ctx)).content.split("\n")).toEqual([
      "src/gen/.gitignore",
      "src/gen/api.ts",
    ]);
    expect((await call(listFilesTool, { pattern: "*.md" }, ctx)).content).toBe("README.md");
    expect((await call(listFilesTool, { pattern: "*.xyz" }, ctx)).content).toMatch(/No files match/);
  });

  it("caps the listing with a note", async () => {
    for (let i = 0; i < 1100; i++) fs.writeFileSync(path.join(root, `f${String(i).padStart(4, "0")}.txt`), "");
    const r = await call(listFilesTool, { pattern: "*.txt" }, ctx);
    const lines = r.content.split("\n");
    expect(lines).toHaveLength(1001);
    expect(lines[1000]).toMatch(/100 more files not shown \(1100 total\)/);
  });

  it("refuses paths and patterns that leave the project", async () => {
    expect((await call(listFilesTool, { path: ".." }, ctx)).error).toMatch(/outside the project root/);
    expect((await call(listFilesTool, { pattern: "../*" }, ctx)).error).toMatch(/may not contain "\.\."/);
    expect((await call(listFilesTool, { pattern: "/etc/*" }, ctx)).error).toMatch(/Invalid glob/);
    expect((await call(listFilesTool, { path: "README.md" }, ctx)).error).toMatch(/read_file/);
    expect((await call(listFilesTool, { path: "missing" }, ctx)).error).toMatch(/not found/);
  });
});

describe("grep", () => {
  it("prints path:line:text for matches, respecting .gitignore", async () => {
    const r = await call(grepTool, { pattern: "TODO" }, ctx);
    const lines = r.content.split("\n");
    expect(lines).toContain("README.md:2:TODO: write docs");
    expect(lines).toContain("src/index.ts:2:  // TODO: implement");
    expect(lines).toContain("keep.log:1:TODO kept log");
    expect(r.content).not.toMatch(/dist\/|debug\.log|node_modules|\.git\/HEAD|generated\.ts/);
  });

  it("supports ignore_case, glob and path", async () => {
    const ci = await call(grepTool, { pattern: "todo", ignore_case: true, glob: "*.ts" }, ctx);
    expect(ci.content).toContain("src/util.ts:1:");
    expect(ci.content).not.toContain("README.md");
    const sub = await call(grepTool, { pattern: "TODO", path: "src/gen" }, ctx);
    expect(sub.content).toBe("src/gen/api.ts:1:// TODO hand written");
    const file = await call(grepTool, { pattern: "return \\d+", path: "src/index.ts" }, ctx);
    expect(file.content).toBe("src/index.ts:3:  return 42;");
    const unicode = await call(grepTool, { pattern: "^# \\p{Lu}", path: "README.md" }, ctx);
    expect(unicode.content).toBe("README.md:1:# Project");
    const none = await call(grepTool, { pattern: "nothing-here" }, ctx);
    expect(none.content).toMatch(/No matches/);
  });

  it("reports an invalid regex as a tool error naming the problem", async () => {
    const r = await call(grepTool, { pattern: "foo(bar" }, ctx);
    expect(r.error).toMatch(/Invalid regular expression/);
    expect(r.error).toMatch(/foo\(bar/);
    expect(r.error).toMatch(/Unterminated group/);
  });

  it("skips binary and oversized files", async () => {
    fs.writeFileSync(path.join(root, "blob.bin"), Buffer.concat([Buffer.from("TODO"), Buffer.alloc(10)]));
    fs.writeFileSync(path.join(root, "huge.txt"), "TODO\n" + "x".repeat(1024 * 1024 + 10));
    const r = await call(grepTool, { pattern: "TODO" }, ctx);
    expect(r.content).not.toContain("blob.bin");
    expect(r.content).not.toContain("huge.txt:");
    expect(r.content).toContain("1 file over 1 MB skipped");
  });

  it("caps matches with a note of how many were omitted", async () => {
    fs.writeFileSync(path.join(root, "many.txt"), Array.from({ length: 500 }, (_, i) => `hit ${i}`).join("\n"));
    const r = await call(grepTool, { pattern: "^hit", path: "many.txt" }, ctx);
    const lines = r.content.split("\n");
    expect(lines).toHaveLength(201);
    expect(lines[200]).toMatch(/300 more matches omitted \(500 in 1 files\)/);
    fs.writeFileSync(path.join(root, "wide.txt"), Array.from({ length: 150 }, () => "hit " + "w".repeat(290)).join("\n"));
    const wide = await call(grepTool, { pattern: "^hit", path: "wide.txt" }, ctx);
    expect(Buffer.byteLength(wide.content)).toBeLessThan(10 * 1024 + 200);
    expect(wide.content).toMatch(/more matches omitted \(150 in 1 files\)/);
  });

  it("does not read through symlinks that lead outside the project", async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), "letta-out-"));
    fs.writeFileSync(path.join(outside, "secret.txt"), "TODO secret\n");
    fs.symlinkSync(path.join(outside, "secret.txt"), path.join(root, "leak.txt"));
    const r = await call(grepTool, { pattern: "secret" }, ctx);
    expect(r.content).toMatch(/No matches/);
    fs.rmSync(outside, { recursive: true });
  });
});
