import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempProject } from "../helpers/cli.js";

type P = { root: string; home: string };
const mem = (p: P, ...args: string[]) => runCli(["memory", ...args], { cwd: p.root, home: p.home, stdin: "ignore" });

/** An export with what differs between stores (ids, write times) left out. */
function comparable(json: string) {
  const d = JSON.parse(json);
  return {
    blocks: d.blocks.map(({ updatedAt: _u, ...b }: Record<string, unknown>) => b),
    passages: d.passages.map(({ id: _i, ...p }: Record<string, unknown>) => p),
  };
}

async function seeded(): Promise<P> {
  const p = tempProject();
  expect((await mem(p, "edit", "project", "--value", "TypeScript CLI. Test: npx vitest run.")).code).toBe(0);
  expect((await mem(p, "add", "Use", "tabs,", "never", "spaces.", "--tag", "convention,style")).code).toBe(0);
  expect((await mem(p, "add", "The", "flaky", "test", "is", "net.test.ts.")).code).toBe(0);
  expect((await mem(p, "add", "Commit", "messages", "say", "why.", "--tag", "convention")).code).toBe(0);
  return p;
}

describe("memory export / import", () => {
  it("round-trips: export, import into a fresh project, export again gives the same memory; a second import adds nothing", async () => {
    const src = await seeded();
    const exported = await mem(src, "export");
    expect(exported.code).toBe(0);
    const file = join(src.root, "memory.json");
    writeFileSync(file, exported.stdout);

    const dst = tempProject();
    let r = await mem(dst, "import", file);
    expect(r.code).toBe(0);
    // persona and human are the same defaults in both projects: only project differs.
    expect(r.stdout).toBe("3 passages added, 0 skipped as duplicates, 1 block updated\n");
    const again = await mem(dst, "export");
    expect(comparable(again.stdout)).toEqual(comparable(exported.stdout));
    expect(JSON.parse(again.stdout).passages[0].createdAt).toBe(JSON.parse(exported.stdout).passages[0].createdAt);

    r = await mem(dst, "import", file);
    expect(r.stdout).toBe("0 passages added, 3 skipped as duplicates, 0 blocks updated\n");
    expect(JSON.parse((await mem(dst, "export")).stdout).passages).toHaveLength(3);
  });

  it("refuses a bad file with a clear message and exit 2, writing nothing", async () => {
    const p = tempProject();
    const bad = join(p.root, "bad.json");
    writeFileSync(bad, "{ not json");
    let r = await mem(p, "import", bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.json is not valid JSON/);

    // The first passage is fine, the second is not: neither may land, nor the block before them.
    writeFileSync(
      bad,
      JSON.stringify({
        blocks: [{ label: "project", value: "changed", limit: 5000, description: "", readOnly: false }],
        passages: [
          { text: "good passage", tags: [], createdAt: "2026-01-01T00:00:00.000Z" },
          { text: "bad date", tags: [], createdAt: "last tuesday" },
        ],
      }),
    );
    r = await mem(p, "import", bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`passage 2's "createdAt" is not a date. Nothing was imported.`);
    const after = JSON.parse((await mem(p, "export")).stdout);
    expect(after.passages).toEqual([]);
    expect(after.blocks.find((b: { label: string }) => b.label === "project").value).toBe("");

    r = await mem(p, "import", join(p.root, "missing.json"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read .*missing\.json/);
  });

  it("a file of the wrong shape is said in our words (which file, which field, what is wrong), never zod's", async () => {
    const p = tempProject();
    const cases: [unknown, string][] = [
      [[1, 2], 'the file must hold one JSON object with "blocks" and "passages" lists'],
      [{ passages: [] }, '"blocks" is missing'],
      [{ blocks: [{ label: 1, value: "", limit: 10 }], passages: [] }, `block 1's "label" must be text`],
      [{ blocks: [], passages: [{ text: "x", createdAt: "2026-01-01", tags: "a" }] }, `passage 1's "tags" must be a list`],
      [{ blocks: [{ label: "a", value: "", limit: 0 }], passages: [] }, `block 1's "limit" must be a positive whole number`],
    ];
    const file = join(p.root, "wrong.json");
    for (const [data, said] of cases) {
      writeFileSync(file, JSON.stringify(data));
      const r = await mem(p, "import", file);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`letta-code: ${file} is not a letta-code memory export: ${said}. Nothing was imported.\n`);
      expect(r.stderr).not.toMatch(/Invalid input|expected \w+, received/);
    }
  });

  it("--agents-md writes the project block and convention passages, and never overwrites a file it did not write without --force", async () => {
    const p = await seeded();
    const agentsMd = join(p.root, "AGENTS.md");
    let r = await mem(p, "export", "--agents-md");
    expect(r.code).toBe(0);
    let text = readFileSync(agentsMd, "utf8");
    expect(text.split("\n")[0]).toBe("<!-- written by letta-code memory export; edit freely -->");
    expect(text).toContain("## Project\n\nTypeScript CLI. Test: npx vitest run.\n");
    expect(text).toContain("## Conventions\n\n- Use tabs, never spaces.\n- Commit messages say why.\n");
    expect(text).not.toContain("flaky");

    // Ours (even edited): rewritten without asking.
    writeFileSync(agentsMd, text + "\nmy own note\n");
    expect((await mem(p, "export", "--agents-md")).code).toBe(0);
    expect(readFileSync(agentsMd, "utf8")).toBe(text);

    // The user's own file: refused, untouched.
    writeFileSync(agentsMd, "# Our handwritten rules\n");
    r = await mem(p, "export", "--agents-md");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/AGENTS\.md exists and was not written by letta-code; it was not overwritten\. Use --force/);
    expect(readFileSync(agentsMd, "utf8")).toBe("# Our handwritten rules\n");
    r = await mem(p, "export", "--agents-md", "--force");
    expect(r.code).toBe(0);
    expect(readFileSync(agentsMd, "utf8")).toBe(text);

    // Another path, and without --agents-md export still prints the importable JSON.
    r = await mem(p, "export", "--agents-md", "docs-agents.md");
    expect(r.code).toBe(0);
    text = readFileSync(join(p.root, "docs-agents.md"), "utf8");
    expect(text).toContain("Use tabs, never spaces.");
    expect(JSON.parse((await mem(p, "export")).stdout).passages).toHaveLength(3);
  });
});
