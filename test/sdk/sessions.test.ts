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

const sent = () => JSON.stringify(server.requests.at(-1)!.body.messages);

describe("SDK sessions", () => {
  it("userMessage continues a given session, forks one, and listSessions shows them", async () => {
    const dir = join(tempDir(), ".letta");
    // Reflection off: this test scripts every model reply of its turns (a session reflects every 3 turns by itself).
    const client = createClient({ dir, model: "scripted-model", baseURL: server.url, embeddings: { localPath: join(tempDir(), "none") }, reflection: { mode: "manual" } });
    const agent = client.createAgent({ name: "sdk" });
    server.enqueue({ text: "about cats" });
    const first = await client.userMessage(agent.id, "tell me about cats");
    expect(first.sessionId).toMatch(/^conv-/);

    server.enqueue({ text: "forked reply" });
    const forked = await client.userMessage(agent.id, "and in the fork?", { sessionId: first.sessionId, fork: true });
    expect(forked.sessionId).not.toBe(first.sessionId);
    expect(sent()).toContain("about cats");

    server.enqueue({ text: "back" });
    const back = await client.userMessage(agent.id, "back to the original", { sessionId: first.sessionId });
    expect(back.sessionId).toBe(first.sessionId);
    expect(sent()).toContain("about cats");
    expect(sent()).not.toContain("forked reply");

    const list = client.listSessions(agent.id);
    expect(list.map((s) => [s.id, s.messageCount])).toEqual([
      [first.sessionId, 4],
      [forked.sessionId, 4],
    ]);
    await expect(client.userMessage(agent.id, "x", { sessionId: "conv-missing" })).rejects.toThrow(/No session "conv-missing"/);
    client.close();
  });
});
