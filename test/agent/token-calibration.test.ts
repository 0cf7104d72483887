import { describe, expect, it } from "vitest";
import { collect, doneOf, harness } from "../helpers/agent-harness.js";
import { exactCountStats } from "../../src/llm/tokens.js";

const WINDOW = 32_000;
const LIMIT = WINDOW - Math.min(4096, Math.floor(WINDOW * 0.15));

function paragraph(i: number): string {
  const words = ["the", "parser", "reads", "every", "module", "before", "build", "starts", "and", "then", "writes", "output", "files", "into", "folder"];
  return Array.from({ length: 500 }, (_, j) => words[(i * 7 + j * 3) % words.length]).join(" ");
}

describe("token counts calibrated by the endpoint's usage", () => {
  it("a conversation at ~80% of its window is sent without counting it with the tokenizer", async () => {
    const h = await harness({ contextWindow: WINDOW });
    // Usage as the request's JSON length / 4, tools included as a real server counts them: close to real tokenizers.
    const promptTokens = (body: { messages: unknown; tools?: unknown }) => Math.ceil(JSON.stringify([body.messages, body.tools]).length / 4);
    h.server.setFallback((req) => ({ text: "ok", usage: { prompt_tokens: promptTokens(req.body), completion_tokens: 1 } }));
    let reported = 0;
    for (let i = 0; i < 60 && reported < 0.8 * LIMIT; i++) {
      const events = await collect(h.session, paragraph(i));
      expect(doneOf(events).reason).toBe("answer");
      reported = promptTokens(h.server.requests.at(-1)!.body);
    }
    expect(reported).toBeGreaterThanOrEqual(0.8 * LIMIT);
    expect(reported).toBeLessThan(0.9 * LIMIT);

    // A new process (reopened from disk) on the same conversation: the stored calibration is enough.
    const { session } = h.reopen();
    const before = exactCountStats.requests;
    const events = await collect(session, "and one more question");
    expect(doneOf(events).reason).toBe("answer");
    expect(events.some((e) => e.type === "compaction")).toBe(false);
    expect(exactCountStats.requests).toBe(before);
    const sent = h.server.requests.at(-1)!.body.messages;
    expect(sent.filter((m: { role: string }) => m.role === "user").length).toBeGreaterThan(10);
    expect(sent.some((m: { role: string; content: string }) => m.role === "user" && m.content === "and one more question")).toBe(true);
  }, 60_000);

  it("trusts the endpoint's count over the byte estimate: a server counting more tokens gets compaction sooner", async () => {
    const h = await harness({ contextWindow: WINDOW });
    h.server.setFallback((req) => {
      const sys = req.body.messages[0].content as string;
      if (sys.includes("running summary")) return { text: "Summary of the notes." };
      return { text: "ok", usage: { prompt_tokens: Math.ceil(1.2 * LIMIT), completion_tokens: 1 } };
    });
    // ~45% of the limit by the byte estimate, ~35% by a real tokenizer: below any threshold on their own.
    // Which of the turns compacts depends on the size of the tool schemas sent (the task tool's list of subagents).
    const events = [];
    for (let i = 0; i < 8; i++) events.push(...(await collect(h.session, paragraph(i))));
    events.push(...(await collect(h.session, "next")));
    expect(events.some((e) => e.type === "compaction")).toBe(true);
  }, 60_000);
});
