import { describe, expect, it } from "vitest";
import { collect, harness } from "../helpers/agent-harness.js";

describe("two live sessions of one agent", () => {
  it("each turn's memory edits reach its own stream only", async () => {
    const h = await harness();
    const agent = h.project.resolveAgent();
    const other = h.project.session(agent, { newConversation: true, mode: "ask" });
    h.server.enqueue(
      // This session's turn starts first; its memory edit lands while the other session's turn is live.
      { toolCalls: [{ id: "m1", name: "core_memory_append", arguments: { label: "project", content: "Uses pnpm" } }], delayMs: 300 },
      { text: "a slow answer from the other session", chunkSize: 2, chunkDelayMs: 40 },
      { text: "Noted." },
    );
    const minePending = collect(h.session, "remember pnpm");
    await new Promise((r) => setTimeout(r, 100));
    const theirs = await collect(other, "talk");
    const mine = await minePending;
    expect(mine.filter((e) => e.type === "memory_update")).toEqual([expect.objectContaining({ label: "project", after: expect.stringContaining("Uses pnpm") })]);
    expect(theirs.some((e) => e.type === "memory_update")).toBe(false);
    expect(theirs.find((e) => e.type === "done")).toMatchObject({ reason: "answer" });
  });
});
