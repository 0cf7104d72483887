import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ProjectScanner } from "../../src/checkpoints/scan.js";
import { tempDir } from "../helpers/temp.js";

describe("the shell snapshot's project scan", () => {
  it("skips .git, .letta, node_modules, ignored paths and symlinks, and notices ignore rules changing", async () => {
    const root = tempDir("letta-scan-");
    for (const d of [".git", ".letta", "node_modules/x", "src", "build", "sub"]) mkdirSync(join(root, d), { recursive: true });
    for (const f of [".git/config", ".letta/letta.db", "node_modules/x/i.js", "src/a.ts", "build/out.js", "sub/b.log", "sub/c.ts"]) writeFileSync(join(root, f), f);
    symlinkSync(join(root, "src/a.ts"), join(root, "link.ts"));
    writeFileSync(join(root, ".gitignore"), "build/\n");
    const scanner = new ProjectScanner(root);
    expect([...scanner.scan().keys()].sort()).toEqual([".gitignore", "src/a.ts", "sub/b.log", "sub/c.ts"]);

    // A new ignore file in a subdirectory: remembered decisions are not trusted.
    writeFileSync(join(root, "sub/.gitignore"), "*.log\n");
    expect([...scanner.scan().keys()].sort()).toEqual([".gitignore", "src/a.ts", "sub/.gitignore", "sub/c.ts"]);

    // A changed one (size differs): decided afresh.
    writeFileSync(join(root, ".gitignore"), "# nothing ignored at the top any more\n");
    expect([...scanner.scan().keys()].sort()).toEqual([".gitignore", "build/out.js", "src/a.ts", "sub/.gitignore", "sub/c.ts"]);
  });
});
