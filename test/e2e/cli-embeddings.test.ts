import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli, tempProject } from "../helpers/cli.js";
import { createTinyModel } from "../helpers/tiny-model.js";

// The CLI runs from a CommonJS bundle compiled with V8's code cache (bin/compile-cache.js); transformers.js
// is an ES module it import()s at the first archival write. This is that path as a user meets it.
describe("the built CLI with a local embedding model", () => {
  let p: { root: string; home: string };
  let env: Record<string, string>;
  beforeAll(async () => {
    p = tempProject();
    const { root, modelId } = await createTinyModel(join(p.home, "models"));
    env = { LETTA_CODE_EMBEDDING_PATH: root, LETTA_CODE_EMBEDDING_MODEL: modelId };
  }, 60_000);

  it("embeds what memory add stores and finds it by meaning, not by its words", async () => {
    const add = await runCli(["memory", "add", "the project keeps its data in sqlite"], { cwd: p.root, home: p.home, env, stdin: "ignore" });
    expect(add.stderr).not.toMatch(/lexical|offline|could not/i);
    expect(add.code).toBe(0);
    await runCli(["memory", "add", "lunch is pizza on fridays"], { cwd: p.root, home: p.home, env, stdin: "ignore" });
    // "postgres" shares no word with the passage: only its vector (the tiny model's synonym group) finds it.
    const search = await runCli(["memory", "search", "postgres", "-k", "1"], { cwd: p.root, home: p.home, env, stdin: "ignore" });
    expect(search.stderr).not.toMatch(/lexical|could not/i);
    expect(search.code).toBe(0);
    expect(search.stdout).toContain("sqlite");
    expect(search.stdout).not.toContain("pizza");
  }, 60_000);
});
