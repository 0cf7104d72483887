import { afterEach, describe, expect, it } from "vitest";
import { cleanup } from "ink-testing-library";
import type { AgentEvent } from "../../src/agent/events.js";
import { FakeSession, done, streamed } from "./fake-session.js";
import { renderApp } from "./helpers.js";

afterEach(() => cleanup());

const ANSWER = [
  "## Plan",
  "",
  "I will **fix** the `parse()` bug:",
  "",
  "1. read the file",
  "2. edit it",
  "",
  "```ts",
  "export const answer = 42; // the answer",
  "```",
  "Done.",
].join("\n");

describe("transcript", () => {
  it("shows the header and streams an answer as markdown with a highlighted code block", async () => {
    const s = new FakeSession();
    s.script(streamed(ANSWER, 5));
    const app = renderApp(s);
    expect(app.frame()).toContain("fake-agent");
    expect(app.frame()).toContain("fake-model");
    expect(app.frame()).toContain("/tmp/project");
    await app.submit("fix parse");
    // Part of the answer is visible before the stream ends.
    const partial = await app.waitFor((f) => f.includes("Plan"));
    expect(partial).toContain("› fix parse");
    const f = await app.waitFor((f) => f.includes("Done.") && !f.includes("thinking"));
    expect(f).toContain("● Plan");
    expect(f).toContain("I will fix the parse() bug:");
    expect(f).not.toContain("**fix**");
    expect(f).toContain("1. read the file");
    expect(f).toContain("  export const answer = 42; // the answer");
    expect(f).not.toContain("```");
    expect(s.sent[0]!.text).toBe("fix parse");
  });

  it("moves the finished answer into the static transcript exactly once", async () => {
    const s = new FakeSession();
    s.script(streamed("unique-answer-text", 4));
    const app = renderApp(s);
    await app.submit("hi");
    const f = await app.waitFor((f) => f.includes("unique-answer-text") && !f.includes("thinking"));
    expect(f.split("unique-answer-text").length - 1).toBe(1);
  });

  it("shows the resumed conversation on start", async () => {
    const s = new FakeSession({
      transcript: [
        { role: "user", content: "earlier question", createdAt: "2025-01-01" },
        { role: "assistant", content: "earlier **answer**", createdAt: "2025-01-01" },
        { role: "tool", content: "ok: 3 files", toolName: "list_files", toolArgs: { path: "src" }, createdAt: "2025-01-01" },
      ],
    });
    const app = renderApp(s);
    const f = app.frame();
    expect(f).toContain("resumed conversation");
    expect(f).toContain("› earlier question");
    expect(f).toContain("● earlier answer");
    // A tool line names the call (what a user asked about), as the live call line does.
    expect(f).toContain("list_files src");
  });

  it("shows errors from the agent and from send() with what to do, without crashing", async () => {
    const s = new FakeSession();
    s.script([{ type: "error", message: "connect ECONNREFUSED 127.0.0.1:9", fatal: true }, done("error")]);
    s.script(() => {
      throw new Error("boom: 401 Unauthorized");
    });
    const app = renderApp(s);
    await app.submit("one");
    let f = await app.waitFor((f) => f.includes("ECONNREFUSED"));
    expect(f).toContain("Is the model server reachable at http://127.0.0.1:9/v1?");
    await app.waitFor((f) => !f.includes("thinking"));
    await app.submit("two");
    f = await app.waitFor((f) => f.includes("boom"));
    expect(f).toContain("Check your API key");
    // still usable
    await app.submit("three");
    await app.waitFor((f) => f.includes("echo: three"));
  });

  it("shows compaction, retry, notice, memory pressure and step-limit lines", async () => {
    const s = new FakeSession();
    const events: AgentEvent[] = [
      { type: "retry", attempt: 1, delayMs: 1500, reason: "HTTP 503" },
      { type: "compaction", evicted: 20, summaryChars: 900, tokensBefore: 9000, tokensAfter: 3000 },
      { type: "memory_pressure", tokens: 7000, window: 8000 },
      { type: "notice", message: "sandbox unavailable: running unsandboxed" },
      { type: "done", reason: "step_limit", result: "", numSteps: 25, usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 } },
    ];
    s.script(events);
    const app = renderApp(s);
    await app.submit("go");
    const f = await app.waitFor((f) => f.includes("step limit"));
    expect(f).toContain("retrying in 1.5 s (attempt 1)");
    expect(f).toContain("summarised 20 older messages (9,000 → 3,000 tokens)");
    expect(f).toContain("Context is 88% full");
    expect(f).toContain("/compact");
    expect(f).toContain("sandbox unavailable");
    expect(f).toContain("Send “continue”");
  });

  it("wraps within a 60-column terminal", async () => {
    const s = new FakeSession();
    s.script(streamed("word ".repeat(80) + "\n\n```\n" + "z".repeat(130) + "\n```", 40));
    const app = renderApp(s);
    app.setSize(60, 40);
    await app.submit("narrow");
    const f = await app.waitFor((f) => f.includes("zzzz") && !f.includes("thinking"));
    // (the header above was printed at the initial 100 columns, before the resize)
    const after = f.slice(f.indexOf("› narrow"));
    for (const line of after.split("\n")) expect([...line].length).toBeLessThanOrEqual(60);
    expect(after).toContain("zzzz");
  });
});

describe("progress events", () => {
  it("show on the progress line, then a done note", async () => {
    const s = new FakeSession();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    s.script(async function* () {
      yield { type: "progress", what: "downloading the embedding model", percent: 42.4, detail: "12/30 MB" } as AgentEvent;
      await gate;
      yield { type: "progress", what: "downloading the embedding model", percent: 100, detail: "30 MB" } as AgentEvent;
      yield done();
    });
    const app = renderApp(s);
    await app.submit("search memory");
    await app.waitFor((f) => f.includes("downloading the embedding model 42% · 12/30 MB"));
    release();
    await app.waitFor((f) => f.includes("downloading the embedding model: done (30 MB)"));
  });

  it("a compaction shows as a wait without a number, and its result closes it", async () => {
    const s = new FakeSession();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    s.script(async function* () {
      yield { type: "progress", what: "compacting context", percent: 0, detail: "summarising 12 older messages" } as AgentEvent;
      await gate;
      yield { type: "compaction", evicted: 12, summaryChars: 300, tokensBefore: 9000, tokensAfter: 4000 } as AgentEvent;
      yield done();
    });
    const app = renderApp(s);
    await app.submit("keep going");
    const waiting = await app.waitFor((f) => f.includes("compacting context… · summarising 12 older messages"));
    expect(waiting).not.toContain("0%");
    release();
    await app.waitFor((f) => f.includes("Compacted the conversation: summarised 12 older messages"));
  });
});
