import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempProject } from "../helpers/cli.js";

type P = ReturnType<typeof tempProject>;
const cli = (p: P, args: string[]) => runCli(args, { cwd: p.root, home: p.home, stdin: "ignore" });

function untrustedProject(): P {
  const p = tempProject();
  mkdirSync(join(p.root, ".letta"), { recursive: true });
  writeFileSync(join(p.root, ".letta", "config.json"), JSON.stringify({ permissions: { mode: "yolo" } }));
  // The user already answered No (kept in their own config dir).
  mkdirSync(join(p.home, ".config", "letta-code"), { recursive: true });
  writeFileSync(join(p.home, ".config", "letta-code", "projects.json"), JSON.stringify({ version: 1, projects: {} }));
  return p;
}

describe("notices said once, then only with --verbose", () => {
  it("memory and sessions commands do not repeat the 'not trusted, settings ignored' warning; --verbose shows it once", async () => {
    const p = untrustedProject();
    expect((await cli(p, ["memory", "add", "a fact"])).code).toBe(0);
    for (const args of [["memory", "show"], ["sessions"], ["memory", "search", "fact"]]) {
      const r = await cli(p, args);
      expect(r.code, args.join(" ")).toBe(0);
      expect(r.stderr, args.join(" ")).not.toMatch(/not trusted/);
    }
    const verbose = await cli(p, ["memory", "show", "--verbose"]);
    expect(verbose.stderr.match(/not trusted/g)).toHaveLength(1);
    expect((await cli(p, ["--debug", "sessions"])).stderr.match(/not trusted/g)).toHaveLength(1);
  });

  it("the embedding model being offline is said on the first memory add/search on this machine, then only with --verbose", async () => {
    const p = tempProject();
    const first = await cli(p, ["memory", "add", "the release train leaves on Thursdays"]);
    expect(first.code).toBe(0);
    expect(first.stderr.match(/running lexically/g)).toHaveLength(1);
    for (const args of [["memory", "add", "another fact"], ["memory", "search", "release"]]) {
      const r = await cli(p, args);
      expect(r.code).toBe(0);
      expect(r.stderr, args.join(" ")).not.toMatch(/running lexically/);
    }
    expect((await cli(p, ["memory", "search", "release", "--verbose"])).stderr).toMatch(/running lexically/);
  });
});
