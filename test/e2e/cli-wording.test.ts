import { describe, expect, it } from "vitest";
import { runCli, tempProject } from "../helpers/cli.js";

type P = ReturnType<typeof tempProject>;
const cli = (p: P, args: string[]) => runCli(args, { cwd: p.root, home: p.home, stdin: "ignore" });

describe("one wording across commands", () => {
  it("a subcommand's usage error points at that subcommand's help, not the top-level one", async () => {
    const p = tempProject();
    const cases: [string[], string][] = [
      [["memory", "add"], "letta-code memory add --help"],
      [["memory", "--bogus", "show"], "letta-code memory --help"],
      [["sessions", "--zzz"], "letta-code sessions --help"],
      [["mcp", "add"], "letta-code mcp add --help"],
      [["hooks", "--nope"], "letta-code hooks --help"],
      [["rewind", "--nope"], "letta-code rewind --help"],
      [["trust", "--nope"], "letta-code trust --help"],
      [["skills", "--nope"], "letta-code skills --help"],
      [["config", "get"], "letta-code config get --help"],
    ];
    for (const [args, help] of cases) {
      const r = await cli(p, args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toContain(`(run ${help} for usage)`);
    }
    expect((await cli(p, ["--nope"])).stderr).toContain("(run letta-code --help for usage)");
  });

  it("passage ids print as #N in memory add, list and search", async () => {
    const p = tempProject();
    const add = await cli(p, ["memory", "add", "The deploy script lives in ops/deploy.sh"]);
    expect(add.stdout).toMatch(/^Stored in archival memory as 1 new passage: #1\.$/m);
    const again = await cli(p, ["memory", "add", "The deploy script lives in ops/deploy.sh"]);
    expect(again.stdout).toMatch(/\(passage #1\)/);
    expect((await cli(p, ["memory", "list"])).stdout).toMatch(/^#1 {2}/m);
    expect((await cli(p, ["memory", "search", "deploy"])).stdout).toMatch(/^#1 {2}/m);
  });
});
