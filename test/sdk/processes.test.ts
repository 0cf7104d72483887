import { execFile } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { tempDir } from "../helpers/temp.js";

const run = promisify(execFile);
const repo = new URL("../..", import.meta.url).pathname;

/** Run an ES module with `import ... from "letta-code"` from a project that depends on the package. */
async function script(code: string, cwd: string): Promise<string> {
  const file = join(cwd, `script-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, code);
  const { stdout } = await run(process.execPath, [file], { cwd, env: { ...process.env, LETTA_CODE_EMBEDDING_PATH: join(cwd, "none") } });
  return stdout;
}

function dependentProject(): string {
  const dir = tempDir("letta-dependent-");
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(repo, join(dir, "node_modules", "letta-code"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "app", type: "module", dependencies: { "letta-code": "*" } }));
  return dir;
}

describe("the package, from other processes", () => {
  it("is importable as `letta-code` from a dependent project, and memory survives a restart", async () => {
    const app = dependentProject();
    const letta = join(app, ".letta");
    await script(
      `import { createClient } from "letta-code";
       const c = createClient({ dir: ${JSON.stringify(letta)} });
       const a = c.createAgent({ name: "keeper", memory: { human: "Ana likes tabs" } });
       await c.insertPassage(a.id, "the release train leaves on Thursdays", { tags: ["process"] });
       c.close();`,
      app,
    );
    const out = await script(
      `import { createClient } from "letta-code";
       const c = createClient({ dir: ${JSON.stringify(letta)} });
       const a = c.getAgent("keeper");
       const human = c.getBlocks(a.id).find((b) => b.label === "human").value;
       const hits = await c.searchPassages(a.id, "release thursdays");
       console.log(JSON.stringify({ human, hit: hits[0]?.text }));
       c.close();`,
      app,
    );
    expect(JSON.parse(out)).toEqual({ human: "Ana likes tabs", hit: "the release train leaves on Thursdays" });
  });

  it("is importable by name from a script inside this repository (package self-reference)", async () => {
    const dir = join(repo, "test", ".tmp-self-ref");
    mkdirSync(dir, { recursive: true });
    const out = await script(`import { createClient, EVENT_SCHEMA_VERSION } from "letta-code"; console.log(typeof createClient, EVENT_SCHEMA_VERSION);`, dir);
    expect(out.trim()).toBe("function 2");
  });

  it("two processes writing to one project at once lose nothing and leave the database intact", async () => {
    const app = dependentProject();
    const letta = join(app, ".letta");
    await script(`import { createClient } from "letta-code"; const c = createClient({ dir: ${JSON.stringify(letta)} }); c.createAgent({ name: "shared" }); c.close();`, app);
    const writer = (tag: string) =>
      script(
        `import { createClient } from "letta-code";
         const c = createClient({ dir: ${JSON.stringify(letta)} });
         const a = c.getAgent("shared");
         for (let i = 0; i < 150; i++) {
           await c.insertPassage(a.id, "${tag} passage number " + i, { tags: ["${tag}"] });
           c.setBlock(a.id, "${tag}", "written " + i);
         }
         c.close();`,
        app,
      );
    await Promise.all([writer("alpha"), writer("beta")]);
    const db = new Database(join(letta, "letta.db"), { readonly: true });
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    expect((db.prepare("SELECT COUNT(*) AS n FROM passages").get() as { n: number }).n).toBe(300);
    expect(db.prepare("SELECT label, value FROM blocks WHERE label IN ('alpha','beta') ORDER BY label").all()).toEqual([
      { label: "alpha", value: "written 149" },
      { label: "beta", value: "written 149" },
    ]);
    db.close();
  }, 60_000);
});
