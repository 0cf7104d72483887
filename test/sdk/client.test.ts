import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../src/index.js";
import { startScriptedServer, type ScriptedServer } from "../helpers/llm-server.mjs";
import { tempDir } from "../helpers/temp.js";

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(() => server.close());

const env = () => ({ embeddings: { localPath: join(tempDir(), "no-models") } });

describe("createClient", () => {
  it("creates an agent with memory and runs a turn: messages and usage come back", async () => {
    const dir = join(tempDir(), ".letta");
    const client = createClient({ dir, model: "scripted-model", baseURL: server.url, ...env() });
    const agent = client.createAgent({ name: "CodeArchitect", memory: { persona: "A careful architect.", human: "Ana" } });
    server.enqueue(
      {
        toolCalls: [{ name: "core_memory_append", arguments: { label: "project", content: "Uses SQLAlchemy 2.0" } }],
        usage: { prompt_tokens: 50, completion_tokens: 5 },
      },
      { text: "Got it.", usage: { prompt_tokens: 80, completion_tokens: 3 } },
    );
    const reply = await client.userMessage(agent.id, "Remember that we use SQLAlchemy 2.0.");
    expect(reply.messages.map((m) => m.messageType)).toEqual(["tool_call_message", "tool_return_message", "assistant_message"]);
    expect(reply.messages.at(-1)).toEqual({ messageType: "assistant_message", content: "Got it." });
    expect(reply.usage).toMatchObject({ promptTokens: 130, completionTokens: 8 });
    const blocks = client.getBlocks(agent.id);
    expect(blocks.find((b) => b.label === "project")).toMatchObject({ value: "Uses SQLAlchemy 2.0", limit: 5000, readOnly: false });
    expect(blocks.find((b) => b.label === "persona")?.value).toBe("A careful architect.");
    expect(server.requests.at(-1)!.body.messages[0].content).toContain("A careful architect.");
    const recall = await client.searchMessages(agent.id, "SQLAlchemy", { roles: ["user"] });
    expect(recall[0].content).toBe("Remember that we use SQLAlchemy 2.0.");
    client.close();
  });

  it("rejects userMessage with a readable error when the model is unreachable", async () => {
    const client = createClient({ dir: join(tempDir(), ".letta"), model: "m", baseURL: "http://127.0.0.1:9/v1", maxRetries: 1, ...env() });
    const agent = client.createAgent({ name: "a" });
    await expect(client.userMessage(agent.id, "hi")).rejects.toThrow(/127\.0\.0\.1:9/);
    client.close();
  }, 30_000);

  it("works on memory without any model configured", async () => {
    const client = createClient({ dir: join(tempDir(), ".letta"), ...env() });
    const agent = client.createAgent({ name: "memory-only" });
    const a = await client.insertPassage(agent.id, "Deploys run from GitHub Actions", { tags: ["ops"], createdAt: "2024-05-01T00:00:00Z" });
    await client.insertPassage(agent.id, "Local dev uses docker compose", { tags: ["dev"] });
    expect(a.id).toBeGreaterThan(0);
    const hits = await client.searchPassages(agent.id, "deploys actions", { topK: 5, tags: ["ops"] });
    expect(hits).toEqual([expect.objectContaining({ id: a.id, tags: ["ops"], createdAt: "2024-05-01T00:00:00.000Z" })]);
    expect(await client.searchPassages(agent.id, "deploys", { from: new Date("2025-01-01") })).toEqual([]);
    expect(client.getAgent("memory-only")?.id).toBe(agent.id);
    expect(() => client.setBlock(agent.id, "human", "x".repeat(6000))).toThrow(/over its limit of 5000/);
    client.close();
  });

  it("shares a block with the user's other projects", () => {
    const userDir = join(tempDir(), "user-letta");
    process.env.LETTA_CODE_USER_DIR = userDir;
    try {
      const one = createClient({ dir: join(tempDir(), ".letta"), ...env() });
      const a = one.createAgent({ name: "a", memory: { human: "Ana" } });
      one.shareBlock(a.id, "human");
      const two = createClient({ dir: join(tempDir(), ".letta"), ...env() });
      const b = two.createAgent({ name: "b" });
      expect(two.getBlocks(b.id).find((x) => x.label === "human")?.value).toBe("Ana");
      two.setBlock(b.id, "human", "Ana, on call this week");
      expect(one.getBlocks(a.id).find((x) => x.label === "human")?.value).toBe("Ana, on call this week");
      one.close();
      two.close();
    } finally {
      delete process.env.LETTA_CODE_USER_DIR;
    }
  });

  it("reads the memory history, with the agent's reasons, and undoes one change", async () => {
    const dir = join(tempDir(), ".letta");
    const client = createClient({ dir, model: "scripted-model", baseURL: server.url, ...env() });
    const agent = client.createAgent({ name: "historian" });
    server.enqueue(
      { toolCalls: [{ name: "core_memory_append", arguments: { label: "project", content: "Uses Postgres 16", reason: "the database" } }] },
      { text: "Noted." },
    );
    await client.userMessage(agent.id, "We use Postgres 16.");
    client.setBlock(agent.id, "human", "Ana");
    const log = client.getMemoryHistory(agent.id);
    expect(log.map((e) => [e.actor, e.op, e.label])).toEqual([
      ["user", "set", "human"],
      ["agent", "append", "project"],
    ]);
    expect(log[1].reason).toBe("the database");
    expect(client.getMemoryHistory(agent.id, { label: "project", limit: 5 })).toHaveLength(1);
    const undo = await client.undoMemoryEvent(agent.id, log[1].id);
    expect(undo).toMatchObject({ op: "undo", undoes: log[1].id });
    expect(client.getBlocks(agent.id).find((b) => b.label === "project")!.value).toBe("");
    client.setBlock(agent.id, "project", "changed by hand");
    await expect(client.undoMemoryEvent(agent.id, undo.id)).rejects.toThrow(/changed since/);
    await client.undoMemoryEvent(agent.id, undo.id, { force: true });
    expect(client.getBlocks(agent.id).find((b) => b.label === "project")!.value).toBe("Uses Postgres 16");
    await expect(client.undoMemoryEvent(agent.id, "nosuchid")).rejects.toThrow(/No memory event/);
    client.close();
  });
});
