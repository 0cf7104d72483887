import Database from "better-sqlite3";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../src/index.js";
import { startScriptedServer, type ScriptedServer } from "../helpers/llm-server.mjs";
import { createTinyModel } from "../helpers/tiny-model.js";
import { tempDir } from "../helpers/temp.js";

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(() => server.close());

// Per test: temp directories are removed after each one.
async function tinyEmbeddings() {
  const model = await createTinyModel(join(tempDir(), "models"));
  return { localPath: model.root, model: model.modelId, dtype: "fp32" as const };
}

const embeddedCount = (dir: string) => {
  const db = new Database(join(dir, "letta.db"), { fileMustExist: true });
  try {
    return (db.prepare("SELECT COUNT(*) AS n FROM messages WHERE embedding IS NOT NULL").get() as { n: number }).n;
  } finally {
    db.close();
  }
};

describe("recall search with an embedding model", () => {
  it("embeds an imported history on the first ranked search, with progress, and finds a message by meaning", async () => {
    const dir = join(tempDir(), ".letta");
    const progress: { file: string; loaded: number; total: number }[] = [];
    const client = createClient({ dir, embeddings: await tinyEmbeddings(), onEmbeddingProgress: (p) => progress.push(p) });
    const agent = client.createAgent({ name: "a" });
    const history = Array.from({ length: 120 }, (_, i) => ({ role: "user" as const, content: `Lunch order number ${i} was pizza.` }));
    client.addMessages(agent.id, [...history, { role: "assistant", content: "We moved the project to postgres last spring." }]);
    expect(embeddedCount(dir)).toBe(0);
    const hits = await client.searchMessages(agent.id, "which sqlite schema", { order: "rank", limit: 3 });
    expect(hits[0].content).toContain("postgres");
    const recall = progress.filter((p) => p.file === "recall messages");
    expect(recall.at(-1)).toMatchObject({ loaded: 121, total: 121 });
    expect(embeddedCount(dir)).toBe(121);
    client.close();
  });

  it("embeds a turn's messages after the turn once the model is loaded", async () => {
    const dir = join(tempDir(), ".letta");
    const client = createClient({ dir, embeddings: await tinyEmbeddings(), model: "scripted-model", baseURL: server.url });
    const agent = client.createAgent({ name: "a" });
    await client.searchMessages(agent.id, "anything", { order: "rank" }); // loads the model
    server.enqueue({ text: "Noted: the staging box is qa-box-3." });
    await client.userMessage(agent.id, "By the way, the staging box is qa-box-3.");
    // The turn has ended; its two messages are embedded in the background right after.
    for (let i = 0; i < 100 && embeddedCount(dir) < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(embeddedCount(dir)).toBe(2);
    client.close();
  });
});
