import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedServer, type ScriptedServer } from "../helpers/llm-server.mjs";
import { runCli, tempProject } from "../helpers/cli.js";

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(() => server.close());

const args = () => ["-p", "--input-format", "stream-json", "--output-format", "stream-json", "--model", "scripted-model", "--base-url", server.url];
const user = (content: unknown) => `${JSON.stringify({ type: "user", message: { role: "user", content } })}\n`;
const parse = (stdout: string) =>
  stdout
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));

/** Resolves once the child's stdout has a line matching `test`. */
function waitForLine(child: ChildProcess, test: (o: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    let buf = "";
    child.stdout!.on("data", (d) => {
      buf += d;
      for (const l of buf.split("\n").slice(0, -1)) {
        const o = JSON.parse(l);
        if (test(o)) return resolve(o);
      }
    });
  });
}

describe("--input-format stream-json", () => {
  it("runs a turn per user line in one conversation; a malformed line is reported and the session goes on", async () => {
    const p = tempProject();
    server.enqueue({ text: "one" }, { text: "two" }, { text: "three" });
    const stdin = user("first") + "{not json\n" + `${JSON.stringify({ type: "user", message: "no role" })}\n` + user([{ type: "text", text: "second" }]) + user("third");
    const r = await runCli(args(), { cwd: p.root, home: p.home, stdin });
    expect(r.code).toBe(0);
    const lines = parse(r.stdout);
    expect(lines[0]).toMatchObject({ type: "init", input_format: "stream-json" });
    const results = lines.filter((l) => l.type === "result");
    expect(results.map((l) => l.result)).toEqual(["one", "two", "three"]);
    expect(new Set(lines.map((l) => l.session_id)).size).toBe(1);
    // Each result carries its own turn, and a turn's events share it.
    expect(new Set(results.map((l) => l.turn_id)).size).toBe(3);
    const errors = lines.filter((l) => l.type === "error");
    expect(errors).toHaveLength(2);
    expect(errors[0].message).toMatch(/not JSON/);
    expect(errors[1].message).toMatch(/not understood/);
    // The third turn's request carries the first two exchanges: one conversation. (After it the session
    // may reflect on its own, every 3 turns by default: that request is not a turn's.)
    const third = server.requests.find((q) => q.body.messages.at(-1)?.content === "third")!;
    const msgs = third.body.messages.map((m: { content: string }) => m.content);
    expect(msgs).toEqual(expect.arrayContaining(["first", "one", "second", "two", "third"]));
  });

  it("an interrupt line stops the running turn; the next user line still runs", async () => {
    const p = tempProject();
    server.enqueue({ text: "a very long answer that streams slowly ".repeat(20), chunkSize: 3, chunkDelayMs: 100 }, { text: "after" });
    let child!: ChildProcess;
    const run = runCli(args(), { cwd: p.root, home: p.home, stdin: "open", onSpawn: (c) => (child = c) });
    child.stdin!.write(user("talk for a long time"));
    await waitForLine(child, (o) => o.type === "assistant_delta");
    child.stdin!.write(`${JSON.stringify({ type: "control", subtype: "interrupt" })}\n`);
    await waitForLine(child, (o) => o.type === "result");
    child.stdin!.end(user("and now?"));
    const r = await run;
    const results = parse(r.stdout).filter((l) => l.type === "result");
    expect(results.map((l) => l.subtype)).toEqual(["interrupted", "success"]);
    expect(results[1].result).toBe("after");
    expect(r.code).toBe(0);
  });

  it("--permission-prompt-tool stdio: approval requests are answered by control lines", async () => {
    const p = tempProject();
    server.enqueue(
      { toolCalls: [{ id: "w1", name: "write_file", arguments: { path: "yes.txt", content: "allowed\n" } }] },
      { text: "wrote it" },
      { toolCalls: [{ id: "w2", name: "write_file", arguments: { path: "no.txt", content: "refused\n" } }] },
      { text: "did not" },
    );
    let child!: ChildProcess;
    const run = runCli([...args(), "--permission-prompt-tool", "stdio"], { cwd: p.root, home: p.home, stdin: "open", onSpawn: (c) => (child = c) });
    child.stdin!.write(user("write yes.txt"));
    const ask = await waitForLine(child, (o) => o.type === "approval_request");
    expect(ask).toMatchObject({ id: "w1", name: "write_file", preview: { kind: "diff" } });
    child.stdin!.write(`${JSON.stringify({ type: "control", subtype: "approval", id: "w1", decision: "yes" })}\n`);
    await waitForLine(child, (o) => o.type === "result");
    child.stdin!.write(user("write no.txt"));
    await waitForLine(child, (o) => o.type === "approval_request" && o.id === "w2");
    child.stdin!.end(`${JSON.stringify({ type: "control", subtype: "approval", id: "w2", decision: "no", reason: "not that file" })}\n`);
    const r = await run;
    expect(r.code).toBe(0);
    expect(readFileSync(join(p.root, "yes.txt"), "utf8")).toBe("allowed\n");
    expect(existsSync(join(p.root, "no.txt"))).toBe(false);
    const updates = parse(r.stdout).filter((l) => l.type === "tool_update" && l.id === "w2");
    expect(updates.at(-1)).toMatchObject({ state: "denied" });
    const told = server.requests.at(-1)!.body.messages.at(-1);
    expect(told.content).toMatch(/declined.*not that file/s);
  });

  it("refuses --input-format stream-json without stream-json output (exit 2)", async () => {
    const p = tempProject();
    const r = await runCli(["-p", "--input-format", "stream-json", "--model", "m", "--base-url", server.url], { cwd: p.root, home: p.home, stdin: "" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/needs --output-format stream-json/);
  });
});
