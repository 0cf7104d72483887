import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startScriptedServer, type RecordedRequest, type ScriptedResponse, type ScriptedServer } from "../helpers/llm-server.mjs";
import { runCli, tempProject } from "../helpers/cli.js";

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(() => server.close());
beforeEach(() => server.setFallback(undefined));

const model = () => ["--model", "scripted-model", "--base-url", server.url];
const isReflection = (r: RecordedRequest) => String(r.body.messages[0]?.content ?? "").startsWith("You are the memory of a coding agent");
const FACT = "Tests run with `make check`, never npm test.";

/** Answers reflection requests with one core_memory_append to project (then "done"); anything else with plain text. */
function reflectingModel(opts: { delayMs?: number } = {}) {
  return (req: RecordedRequest): ScriptedResponse => {
    if (!isReflection(req)) return { text: "Okay." };
    if (req.body.messages.some((m: { role: string }) => m.role === "tool")) return { text: "done" };
    return {
      delayMs: opts.delayMs,
      toolCalls: [{ name: "core_memory_append", arguments: { label: "project", content: FACT, reason: "the project's test command" } }],
    };
  };
}

async function converse(p: { root: string; home: string }, text: string) {
  const r = await runCli(["-p", text, ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
  expect(r.code).toBe(0);
}

describe("letta-code reflect", () => {
  it("puts what the main model never saved into project memory, and a new process's prompt has it", async () => {
    const p = tempProject();
    server.enqueue({ text: "Got it." });
    await converse(p, "FYI our tests run with make check, never npm test.");
    expect(server.requests.at(-1)!.body.messages.some((m: { role: string }) => m.role === "tool")).toBe(false);

    server.setFallback(reflectingModel());
    const r = await runCli(["reflect", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^learned · project: .*make check.* — the project's test command \\(undo: letta-code memory undo [0-9a-z]{10}\\)\n$`));

    // Everything reflected already: nothing to do, no model call, exit 0.
    const n = server.requests.length;
    const again = await runCli(["reflect", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe("nothing new to reflect on\n");
    expect(server.requests.length).toBe(n);

    await converse(p, "how do I run the tests?");
    const next = server.requests.slice(n);
    expect(next).toHaveLength(1); // -p alone never reflects
    expect(isReflection(next[0]!)).toBe(false);
    expect(next[0]!.body.messages[0].content).toContain(FACT);

    // The history names reflection as the actor, with its reason; undoing takes the fact out again.
    const log = await runCli(["memory", "log", "--json"], { cwd: p.root, home: p.home, stdin: "ignore" });
    const learned = JSON.parse(log.stdout).find((e: { actor: string }) => e.actor === "reflection");
    expect(learned).toMatchObject({ kind: "block", label: "project", op: "append", reason: "the project's test command" });
    expect(learned.after).toContain(FACT);
    expect(r.stdout).toContain(learned.id);
    const undo = await runCli(["memory", "undo", learned.id], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(undo.code).toBe(0);
    const show = await runCli(["memory", "show", "project"], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(show.stdout).not.toContain("make check");
    const after = JSON.parse((await runCli(["memory", "log", "--json"], { cwd: p.root, home: p.home, stdin: "ignore" })).stdout);
    expect(after[0]).toMatchObject({ op: "undo", undoes: learned.id, actor: "user" });
  });

  it("--json prints changes, messages_reflected and usage; model options also work before the subcommand", async () => {
    const p = tempProject();
    server.enqueue({ text: "Got it." });
    await converse(p, "We use make check for tests.");
    server.setFallback(reflectingModel());
    const r = await runCli([...model(), "reflect", "--json"], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      status: "done",
      messages_reflected: 2,
      changes: [{ label: "project", action: "append", before: "", after: FACT, reason: "the project's test command" }],
    });
    expect(out.usage.total_tokens).toBeGreaterThan(0);
    expect(out.usage.total_tokens).toBe(out.usage.prompt_tokens + out.usage.completion_tokens);
  });

  it("two concurrent reflect processes make one set of changes", async () => {
    const p = tempProject();
    server.enqueue({ text: "Got it." });
    await converse(p, "We use make check for tests.");
    // The first reflection request is held long enough for the second process to find the lease.
    server.setFallback(reflectingModel({ delayMs: 800 }));
    const [a, b] = await Promise.all([
      runCli(["reflect", "--json", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" }),
      runCli(["reflect", "--json", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" }),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const outs = [JSON.parse(a.stdout), JSON.parse(b.stdout)];
    expect(outs.flatMap((o) => o.changes)).toHaveLength(1);
    const show = await runCli(["memory", "show", "project"], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(show.stdout.split(FACT).length - 1).toBe(1);
  });

  it("a failed model call (HTTP 500, no retries) changes nothing, moves no watermark and exits 1", async () => {
    const p = tempProject();
    server.enqueue({ text: "Got it." });
    await converse(p, "We use make check for tests.");
    server.enqueue({ error: { status: 500 } });
    const r = await runCli(["reflect", ...model()], { cwd: p.root, home: p.home, stdin: "ignore", env: { LETTA_CODE_MAX_RETRIES: "0" } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Reflection failed: .*500.*No watermark was moved/);
    expect(r.stdout).toBe("");
    const show = await runCli(["memory", "show", "project", "--json"], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(show.stdout).not.toContain("make check");
    // The same two messages are still there to reflect on.
    server.setFallback(reflectingModel());
    const retry = await runCli(["reflect", "--json", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(JSON.parse(retry.stdout)).toMatchObject({ messages_reflected: 2, changes: [{ label: "project" }] });
  });

  it("pauses at the daily token cap with a clear notice", async () => {
    const p = tempProject();
    mkdirSync(join(p.root, ".letta"), { recursive: true });
    writeFileSync(join(p.root, ".letta", "config.json"), JSON.stringify({ reflection: { dailyTokenCap: 50 } }));
    server.enqueue({ text: "Got it." });
    await converse(p, "We use make check for tests.");
    server.enqueue({ text: "nothing to learn", usage: { prompt_tokens: 90, completion_tokens: 4 } });
    let r = await runCli(["reflect", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    server.enqueue({ text: "Sure." });
    await converse(p, "Also: we deploy with fly.");
    const n = server.requests.length;
    r = await runCli(["reflect", "--json", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: "capped", changes: [], messages_reflected: 0 });
    expect(r.stderr).toMatch(/Reflection paused: .*94 tokens, at its daily cap of 50/);
    expect(server.requests.length).toBe(n);
  });

  it("bad reflection config is a config error naming the key; mode off refuses with exit 2", async () => {
    const p = tempProject();
    mkdirSync(join(p.root, ".letta"), { recursive: true });
    const cfg = join(p.root, ".letta", "config.json");
    writeFileSync(cfg, JSON.stringify({ reflection: { everyTurns: 0 } }));
    let r = await runCli(["reflect", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/reflection\.everyTurns must be a whole number of at least 1/);
    writeFileSync(cfg, JSON.stringify({ reflection: { mode: "sometimes" } }));
    r = await runCli(["-p", "hi", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/reflection\.mode must be one of auto, manual, off/);
    writeFileSync(cfg, JSON.stringify({ reflection: { mode: "off" } }));
    r = await runCli(["reflect", ...model()], { cwd: p.root, home: p.home, stdin: "ignore", env: { LETTA_CODE_REFLECTION: "" } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/reflection is off/);
    // The environment names the mode too, and a bad one is refused the same way.
    r = await runCli(["reflect", ...model()], { cwd: p.root, home: p.home, stdin: "ignore", env: { LETTA_CODE_REFLECTION: "never" } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/LETTA_CODE_REFLECTION must be one of auto, manual, off, not "never"/);
  });

  it("an unknown --agent is a usage error listing the agents", async () => {
    const p = tempProject();
    server.enqueue({ text: "hi" });
    await converse(p, "hello");
    const r = await runCli(["reflect", "--agent", "nobody", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no agent named "nobody".*Agents: default/);
  });
});

describe("letta-code -p --reflect", () => {
  it("reflects after the answer, before exit, with its usage apart in the json result", async () => {
    const p = tempProject();
    server.setFallback(reflectingModel());
    const r = await runCli(["-p", "FYI we test with make check.", "--reflect", "--output-format", "json", ...model()], {
      cwd: p.root,
      home: p.home,
      stdin: "ignore",
    });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ result: "Okay.", is_error: false });
    expect(out.reflection_usage.total_tokens).toBeGreaterThan(0);
    expect(out.usage.total_tokens).toBeLessThan(out.usage.total_tokens + out.reflection_usage.total_tokens);
    const show = await runCli(["memory", "show", "project"], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(show.stdout).toContain(FACT);
  });

  it("without --reflect, -p makes no reflection request and has no reflection_usage", async () => {
    const p = tempProject();
    server.setFallback(reflectingModel());
    const n = server.requests.length;
    const r = await runCli(["-p", "FYI we test with make check.", "--output-format", "json", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).reflection_usage).toBeUndefined();
    expect(server.requests.slice(n).filter(isReflection)).toHaveLength(0);
  });
});
