import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { displayPath, resolveInProject } from "../../src/permissions/paths.js";
import { ToolError } from "../../src/tools/types.js";
import { tempProject } from "../tools/helpers.js";

let root: string;
let outside: string;
let cleanup: () => void;

beforeEach(() => {
  ({ root, cleanup } = tempProject({ "src/a.ts": "a", ".letta/letta.db": "db", "..foo/x": "x" }));
  root = fs.realpathSync(root);
  outside = fs.mkdtempSync(path.join(os.tmpdir(), "letta-outside-"));
  fs.writeFileSync(path.join(outside, "secret.txt"), "secret");
});
afterEach(() => {
  cleanup();
  fs.rmSync(outside, { recursive: true, force: true });
});

function refusal(userPath: string, forWrite = false): string {
  try {
    resolveInProject(root, userPath, { forWrite });
  } catch (e) {
    expect(e).toBeInstanceOf(ToolError);
    return (e as Error).message;
  }
  throw new Error(`expected ${userPath} to be refused`);
}

describe("resolveInProject", () => {
  it("resolves relative and absolute paths inside the project", () => {
    expect(resolveInProject(root, "src/a.ts")).toBe(path.join(root, "src/a.ts"));
    expect(resolveInProject(root, "./src/../src/a.ts")).toBe(path.join(root, "src/a.ts"));
    expect(resolveInProject(root, path.join(root, "src/a.ts"))).toBe(path.join(root, "src/a.ts"));
    expect(resolveInProject(root, "new/dir/file.ts", { forWrite: true })).toBe(path.join(root, "new/dir/file.ts"));
    expect(resolveInProject(root, ".")).toBe(root);
    // A directory whose name starts with two dots is still inside.
    expect(resolveInProject(root, "..foo/x")).toBe(path.join(root, "..foo/x"));
  });

  it("refuses .. escapes, naming the path and the root", () => {
    const msg = refusal("../outside.txt");
    expect(msg).toContain("../outside.txt");
    expect(msg).toContain(root);
    expect(refusal("src/../../x")).toMatch(/outside the project/);
  });

  it("refuses absolute paths elsewhere and ~", () => {
    expect(refusal("/etc/passwd")).toContain("/etc/passwd");
    expect(refusal(path.join(outside, "secret.txt"))).toMatch(/outside the project root/);
    expect(refusal("~/.bashrc")).toMatch(/outside the project root/);
    expect(refusal("")).toMatch(/Empty path/);
  });

  it("refuses a symlinked file whose target is outside", () => {
    fs.symlinkSync(path.join(outside, "secret.txt"), path.join(root, "link.txt"));
    const msg = refusal("link.txt");
    expect(msg).toContain("link.txt");
    expect(msg).toContain(root);
    expect(msg).toMatch(/symlink/);
  });

  it("refuses paths under a symlinked parent directory pointing outside, even if the file does not exist yet", () => {
    fs.symlinkSync(outside, path.join(root, "out"));
    expect(refusal("out/secret.txt")).toMatch(/symlink/);
    expect(refusal("out/new/deeper/file.txt", true)).toMatch(/symlink/);
  });

  it("refuses writing through a dangling symlink that points outside", () => {
    fs.symlinkSync(path.join(outside, "not-yet.txt"), path.join(root, "dangling"));
    expect(refusal("dangling", true)).toMatch(/outside the project root/);
  });

  it("accepts symlinks that stay inside the project", () => {
    fs.symlinkSync(path.join(root, "src"), path.join(root, "alias"));
    expect(resolveInProject(root, "alias/a.ts")).toBe(path.join(root, "src/a.ts"));
  });

  it("works when the project root is given through a symlink", () => {
    const via = path.join(outside, "via");
    fs.symlinkSync(root, via);
    expect(resolveInProject(via, "src/a.ts")).toBe(path.join(root, "src/a.ts"));
    expect(resolveInProject(via, path.join(via, "src/a.ts"))).toBe(path.join(root, "src/a.ts"));
    expect(() => resolveInProject(via, "../secret.txt")).toThrow(ToolError);
  });

  it("refuses writes into .letta/ but allows reads", () => {
    for (const p of [".letta/letta.db", "./.letta/new.txt", ".letta", "src/../.letta/x"]) {
      const msg = refusal(p, true);
      expect(msg).toContain("memory store");
      expect(msg).toContain("memory tools");
      expect(msg).toContain(root);
    }
    expect(resolveInProject(root, ".letta/letta.db")).toBe(path.join(root, ".letta/letta.db"));
    // A symlink elsewhere in the project that leads into .letta is refused too.
    fs.symlinkSync(path.join(root, ".letta"), path.join(root, "mem"));
    expect(refusal("mem/letta.db", true)).toContain("memory store");
    expect(resolveInProject(root, ".lettarc", { forWrite: true })).toBe(path.join(root, ".lettarc"));
  });

  it("refuses writes into .git at any depth and in any case, through symlinks, but allows reads", () => {
    fs.mkdirSync(path.join(root, ".git/hooks"), { recursive: true });
    fs.writeFileSync(path.join(root, ".git/config"), "[core]\n");
    fs.mkdirSync(path.join(root, "vendor/lib/.git"), { recursive: true });
    fs.symlinkSync(path.join(root, ".git/hooks"), path.join(root, "hooks"));
    for (const p of [".git/config", ".git/hooks/pre-commit", ".git", "./.GIT/config", ".Git/hooks/x", "vendor/lib/.git/config", "src/../.git/x", "hooks/post-checkout"]) {
      const msg = refusal(p, true);
      expect(msg).toContain(`Refusing to write "${p}"`);
      expect(msg).toMatch(/git's own data \(\.git\)/);
    }
    expect(resolveInProject(root, ".git/config")).toBe(path.join(root, ".git/config"));
    expect(resolveInProject(root, ".gitignore", { forWrite: true })).toBe(path.join(root, ".gitignore"));
    expect(resolveInProject(root, "src/.github/x.yml", { forWrite: true })).toBe(path.join(root, "src/.github/x.yml"));
  });

  it("refuses writes into the repository a .git file points to inside the project", () => {
    fs.mkdirSync(path.join(root, "repo-data/hooks"), { recursive: true });
    fs.writeFileSync(path.join(root, ".git"), "gitdir: repo-data\n");
    expect(refusal("repo-data/hooks/pre-commit", true)).toMatch(/git's own data/);
    expect(refusal(".git", true)).toMatch(/git's own data/);
    expect(resolveInProject(root, "repo-data-notes.txt", { forWrite: true })).toBe(path.join(root, "repo-data-notes.txt"));
  });

  it("refuses writes into the target of a symlinked .git", () => {
    fs.mkdirSync(path.join(root, "repo-real/hooks"), { recursive: true });
    fs.symlinkSync("repo-real", path.join(root, ".git"));
    expect(refusal("repo-real/hooks/pre-commit", true)).toMatch(/git's own data/);
    expect(refusal(".git/hooks/pre-commit", true)).toMatch(/git's own data/);
  });

  it("displayPath is relative inside the project", () => {
    expect(displayPath(root, path.join(root, "src/a.ts"))).toBe("src/a.ts");
    expect(displayPath(root, root)).toBe(".");
    expect(displayPath(root, "/etc/passwd")).toBe("/etc/passwd");
  });
});
