import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Store } from "../../src/store/store.js";
import { agentBlocks, layeredBlocks } from "../../src/memory/block-source.js";
import { AgentCoreMemory } from "../../src/memory/core-memory.js";
import { tempDir } from "../helpers/temp.js";
import { runCli, tempProject } from "../helpers/cli.js";
import { startScriptedServer, type ScriptedServer } from "../helpers/llm-server.mjs";

describe("blocks shared across projects", () => {
  it("a shared label reads and writes the user store; others stay in the project", () => {
    const project = Store.open(join(tempDir(), ".letta"));
    const user = Store.open(join(tempDir(), ".letta"));
    const p = project.agents.create("a").id;
    const u = user.agents.create("user").id;
    project.blocks.upsert(p, { label: "persona", value: "helper", limit: 100, description: "", readOnly: false });
    project.blocks.upsert(p, { label: "human", value: "old project view", limit: 100, description: "", readOnly: false });
    user.blocks.upsert(u, { label: "human", value: "Ana", limit: 100, description: "", readOnly: false });
    const core = new AgentCoreMemory(layeredBlocks(agentBlocks(project.blocks, p), () => agentBlocks(user.blocks, u)));
    expect(core.list().map((b) => [b.label, b.value, !!b.shared])).toEqual([
      ["persona", "helper", false],
      ["human", "Ana", true],
    ]);
    core.append("human", "prefers tabs");
    expect(user.blocks.get(u, "human")?.value).toBe("Ana\nprefers tabs");
    expect(project.blocks.get(p, "human")?.value).toBe("old project view");
    core.append("persona", "terse");
    expect(user.blocks.get(u, "persona")).toBeUndefined();
    project.close();
    user.close();
  });
});

describe("letta-code memory share / unshare", () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await startScriptedServer();
  });
  afterAll(() => server.close());

  it("a shared human block follows the user into another project, both ways, until unshared", async () => {
    const a = tempProject();
    const b = tempProject();
    const home = tempDir("letta-home-");
    mkdirSync(join(home, ".config"), { recursive: true });
    const cli = (root: string, ...args: string[]) => runCli(args, { cwd: root, home, stdin: "ignore" });

    await cli(a.root, "memory", "edit", "human", "--value", "Ana, backend developer");
    let r = await cli(a.root, "memory", "share", "human");
    expect(r.code).toBe(0);
    r = await cli(b.root, "memory", "show", "human");
    expect(r.stdout).toMatch(/── human \(\d+\/5000 chars, shared across projects\)\nAna, backend developer/);

    // The agent in project B learns something about the user; project A sees it.
    server.enqueue(
      { toolCalls: [{ name: "core_memory_append", arguments: { label: "human", content: "Uses vim" } }] },
      { text: "Noted." },
    );
    await cli(b.root, "-p", "I use vim", "--model", "m", "--base-url", server.url);
    server.enqueue({ text: "hi Ana" });
    await cli(a.root, "-p", "hello", "--model", "m", "--base-url", server.url);
    const system = server.requests.at(-1)!.body.messages[0].content as string;
    expect(system).toMatch(/<block label="human" chars="\d+\/5000" scope="user">[\s\S]*Ana, backend developer\nUses vim/);

    r = await cli(a.root, "memory", "unshare", "human");
    expect(r.code).toBe(0);
    expect((await cli(a.root, "memory", "show", "human")).stdout).toContain("Ana, backend developer\nUses vim");
    expect((await cli(b.root, "memory", "show", "human")).stdout).not.toContain("Ana");
    r = await cli(a.root, "memory", "unshare", "human");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/"human" is not shared/);
  });
});
