import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedServer, type ScriptedServer } from "../helpers/llm-server.mjs";
import { runCli, tempProject } from "../helpers/cli.js";

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(() => server.close());

const model = () => ["--model", "scripted-model", "--base-url", server.url];
const lastToolResult = () =>
  server.requests.at(-1)!.body.messages.filter((m: { role: string }) => m.role === "tool").at(-1)?.content as string;

describe("conversation_search across runs", () => {
  it("finds what was said in an earlier session by the words of a camelCase name, best match first", async () => {
    const p = tempProject();
    const run = (prompt: string) => runCli(["-p", prompt, ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    server.enqueue({ text: "Noted." });
    expect((await run("The flaky upload bug is in retryWithBackoff, in src/net/retry.ts.")).code).toBe(0);
    for (let i = 0; i < 5; i++) {
      server.enqueue({ text: `Ok ${i}.` });
      expect((await run(`Let's retry the deploy later, attempt ${i}.`)).code).toBe(0);
    }
    server.enqueue(
      { toolCalls: [{ name: "conversation_search", arguments: { query: "the retry with backoff helper" } }] },
      { text: "It is in src/net/retry.ts." },
    );
    const r = await run("Where was the retry with backoff helper again?");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("It is in src/net/retry.ts.\n");
    // Newest-first would have put the five later "retry the deploy" messages above it.
    const lines = lastToolResult().split("\n");
    const named = lines.findIndex((l) => l.includes("retryWithBackoff, in src/net/retry.ts"));
    expect(named).toBeGreaterThanOrEqual(0);
    expect(named).toBeLessThan(lines.findIndex((l) => l.includes("retry the deploy")));
    // Today's date is in the prompt, so the model can turn "yesterday" into dates itself.
    expect(server.requests.at(-1)!.body.messages[0].content).toMatch(/Today is \w+day, \d{4}-\d{2}-\d{2}/);
  }, 60_000);
});
