import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { Store } from "../../src/store/store.js";
import { AgentRecallMemory } from "../../src/memory/recall.js";
import { tempDir } from "../helpers/temp.js";

describe("recall memory", () => {
  let store: Store;
  let recall: AgentRecallMemory;
  beforeEach(() => {
    store = Store.open(join(tempDir(), ".letta"));
    const agent = store.agents.create("a");
    recall = new AgentRecallMemory({ messages: store.messages, agentId: agent.id });
    const add = (role: "user" | "assistant", content: string, createdAt: string, conv = agent.conversationId) =>
      store.messages.append(agent.id, { conversationId: conv, role, content, tokens: 1, createdAt });
    add("user", "the migration script fails on sqlite", "2025-01-01T09:00:00.000Z");
    add("assistant", "The migration needs a transaction; sqlite cannot alter columns", "2025-01-01T09:01:00.000Z");
    add("user", "thanks, now the deploy works", "2025-02-01T09:00:00.000Z", "conv-other");
    add("user", "let us talk about the migration plan again", "2025-03-01T09:00:00.000Z");
  });

  it("finds messages of every conversation by text, newest first", async () => {
    const hits = await recall.search("migration");
    expect(hits.map((h) => h.createdAt.slice(0, 7))).toEqual(["2025-03", "2025-01", "2025-01"]);
    expect((await recall.search("deploy"))[0].conversationId).toBe("conv-other");
  });

  it("filters by role and date, paginates, and can rank by relevance", async () => {
    expect((await recall.search("migration", { roles: ["assistant"] })).map((h) => h.role)).toEqual(["assistant"]);
    expect((await recall.search("migration", { from: "2025-02-01" })).length).toBe(1);
    expect((await recall.search("migration", { to: "2025-01-01" })).length).toBe(2);
    expect((await recall.search("migration", { limit: 1, offset: 1 }))[0].createdAt.slice(0, 7)).toBe("2025-01");
    const ranked = await recall.search("sqlite migration transaction", { order: "rank" });
    expect(ranked[0].content).toContain("transaction");
  });

  it("treats punctuation and FTS operators in queries as plain words", async () => {
    await expect(recall.search('"unbalanced AND (quote')).resolves.toBeDefined();
    expect((await recall.search("sqlite: fails?")).length).toBeGreaterThan(0);
  });
});
