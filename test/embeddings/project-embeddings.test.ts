import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { createTinyModel } from "../helpers/tiny-model.js";
import { runCli, tempProject } from "../helpers/cli.js";
import { createClient } from "../../src/index.js";
import type { AgentEvent } from "../../src/agent/events.js";
import { startScriptedServer } from "../helpers/llm-server.mjs";

describe("embeddings in a project", () => {
  it("with a local model (embeddings.localPath in .letta/config.json, relative to the project) search works by meaning", async () => {
    const p = tempProject();
    const model = await createTinyModel(join(p.root, "models"));
    mkdirSync(join(p.root, ".letta"), { recursive: true });
    writeFileSync(
      join(p.root, ".letta", "config.json"),
      JSON.stringify({ embeddings: { localPath: relative(p.root, model.root), model: model.modelId } }),
    );
    const notices: string[] = [];
    const client = createClient({ cwd: join(p.root), onNotice: (m) => notices.push(m) });
    const agent = client.createAgent({ name: "a" });
    await client.insertPassage(agent.id, "We migrated the schema to postgres last spring");
    await client.insertPassage(agent.id, "Our pet kitten sleeps on the keyboard");
    const hits = await client.searchPassages(agent.id, "sqlite database", { topK: 2 });
    expect(hits[0].text).toContain("postgres");
    expect(notices).toEqual([]);
    client.close();
  });

  it("with no model to be had, the CLI says so once and searches lexically", async () => {
    const p = tempProject();
    const run = (...args: string[]) =>
      runCli(["memory", ...args], {
        cwd: p.root,
        home: p.home,
        stdin: "ignore",
        env: { LETTA_CODE_EMBEDDING_PATH: join(p.root, "no-such-models") },
      });
    const lexical = (stderr: string) => stderr.split("\n").filter((l) => /running lexically/.test(l));
    // Said once on this machine (the first command), then only with --verbose.
    expect(lexical((await run("add", "the deploy runbook lives in docs/ops.md")).stderr)).toHaveLength(1);
    const r = await run("search", "runbook");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/#1 .*the deploy runbook/);
    expect(lexical(r.stderr)).toHaveLength(0);
    expect(lexical((await run("search", "runbook", "--verbose")).stderr)).toHaveLength(1);
  });

  it("loading the model during a turn shows as progress events in that turn's stream", async () => {
    const p = tempProject();
    const model = await createTinyModel(join(p.root, "models"));
    const server = await startScriptedServer();
    const client = createClient({
      cwd: p.root,
      model: "m",
      baseURL: server.url,
      embeddings: { localPath: model.root, model: model.modelId },
    });
    const agent = client.createAgent({ name: "a" });
    server.enqueue(
      { toolCalls: [{ name: "archival_memory_insert", arguments: { content: "tests run with vitest", tags: ["testing"] } }] },
      { text: "stored" },
    );
    const events: AgentEvent[] = [];
    await client.userMessage(agent.id, "remember how tests run", { onEvent: (e) => events.push(e) });
    const progress = events.filter((e) => e.type === "progress");
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ what: "embedding model", percent: 100 });
    expect((await client.searchPassages(agent.id, "unit testing"))[0].text).toBe("tests run with vitest");
    client.close();
    await server.close();
  });
});
