import { spawn } from "node:child_process";
import { chmodSync, closeSync, openSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedServer, type ScriptedServer } from "../helpers/llm-server.mjs";
import { BIN, cleanEnv, runCli, tempProject } from "../helpers/cli.js";

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(() => server.close());

const model = () => ["--model", "scripted-model", "--base-url", server.url];
const STACK = /\n\s+at /;
const NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"];

/** Spawn the CLI with stdout going to `stdout` (an fd) and stderr captured. */
function runToFd(args: string[], p: { root: string; home: string }, stdout: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: p.root, env: cleanEnv(p.home), stdio: ["ignore", stdout, "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

/** Let an unprivileged user read and write the whole project (for tests that must hold as nobody). */
function openUp(dir: string): void {
  chmodSync(dir, 0o777);
  for (const name of readdirSync(dir)) {
    const f = join(dir, name);
    if (statSync(f).isDirectory()) openUp(f);
    else chmodSync(f, 0o666);
  }
}

const nobodyArgs = () => (process.getuid?.() === 0 ? NOBODY : []);

describe("stdout and stderr that fail under us", () => {
  it("a reader that closes the pipe early (| head -n 2): no stack trace, exit 141, the answer still stored", async () => {
    const p = tempProject();
    // Slow chunks, so most events come after the reader has gone.
    server.enqueue({ text: "The stored answer is forty-two, said slowly.", chunkSize: 4, chunkDelayMs: 20 });
    const r = await new Promise<{ code: number | null; stderr: string; lines: number }>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, "-p", "hi", ...model(), "--output-format", "stream-json"], {
        cwd: p.root,
        env: cleanEnv(p.home),
        stdio: ["ignore", "pipe", "pipe"],
      });
      let seen = "";
      let stderr = "";
      child.stdout!.on("data", (d) => {
        seen += d;
        if (seen.split("\n").length > 2) child.stdout!.destroy();
      });
      child.stderr!.on("data", (d) => (stderr += d));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stderr, lines: seen.split("\n").length - 1 }));
    });
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stderr).not.toMatch(/EPIPE/);
    expect(r.code).toBe(141);
    server.enqueue({ text: "ok" });
    const again = await runCli(["-p", "what did you say?", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(again.code).toBe(0);
    const messages = server.requests.at(-1)!.body.messages as { role: string; content: string }[];
    expect(messages.some((m) => m.role === "assistant" && String(m.content).includes("forty-two"))).toBe(true);
  });

  it("stdout on a full disk (> /dev/full): one line on stderr and exit 1, not a silent 0", async () => {
    const p = tempProject();
    server.enqueue({ text: "nobody will read this" });
    const fd = openSync("/dev/full", "w");
    const r = await runToFd(["-p", "hi", ...model()], p, fd).finally(() => closeSync(fd));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/could not write the output to stdout: no space left/);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("what the endpoint and its URL get wrong", () => {
  it("a truncated JSON chunk: 'malformed stream', not 'connection reset', and no SDK console output", async () => {
    const p = tempProject();
    const bad = { chunks: [{ choices: [{ index: 0, delta: { role: "assistant", content: "Hel" } }] }, '{"choices":[{"index":0,"delta":{"content":"lo'] };
    server.enqueue(bad);
    const r = await runCli(["-p", "hi", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/malformed stream/);
    expect(r.stderr).not.toMatch(/connection reset/);
    expect(r.stderr).not.toMatch(/Could not parse message into JSON|From chunk/);
    expect(r.stdout).not.toMatch(/Could not parse/);
  });

  it("a --base-url that is not a URL, or not http(s), is bad configuration: exit 2 naming the flag", async () => {
    const p = tempProject();
    for (const url of ["not a url", "ftp://example.com/v1"]) {
      const r = await runCli(["-p", "hi", "--model", "m", "--base-url", url], { cwd: p.root, home: p.home, stdin: "ignore" });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("--base-url");
      expect(r.stderr).toContain(url);
      expect(r.stderr).not.toMatch(STACK);
    }
    const env = await runCli(["-p", "hi", "--model", "m"], { cwd: p.root, home: p.home, stdin: "ignore", env: { OPENAI_BASE_URL: "localhost:8080" } });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain("OPENAI_BASE_URL");
  });

  it("a port fetch refuses (9): says which URL and why, exit 2, without waiting on retries", async () => {
    const p = tempProject();
    const r = await runCli(["-p", "hi", "--model", "m", "--base-url", "http://127.0.0.1:9/v1"], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("http://127.0.0.1:9/v1");
    expect(r.stderr).toMatch(/port 9 .*refuse/);
    expect(r.stderr).not.toMatch(/Connection error\./);
  });

  it("a malformed number in the environment is exit 2 with a message, not silently ignored", async () => {
    const p = tempProject();
    const r = await runCli(["-p", "hi", ...model()], { cwd: p.root, home: p.home, stdin: "ignore", env: { LETTA_CODE_TIMEOUT_MS: "soon" } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/LETTA_CODE_TIMEOUT_MS must be a whole number.*"soon"/);
  });
});

describe("memory commands: bad numbers, named files, read-only .letta", () => {
  it("bad numbers are exit 2 with a message; a missing passage is exit 1", async () => {
    const p = tempProject();
    const add = await runCli(["memory", "add", "a passage"], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(add.code).toBe(0);
    for (const args of [["list", "--limit", "-3"], ["list", "--limit", "0"], ["search", "x", "-k", "abc"], ["delete", "abc"], ["delete", "1", "#x"]]) {
      const r = await runCli(["memory", ...args], { cwd: p.root, home: p.home, stdin: "ignore" });
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(/positive whole number|not a passage id/);
    }
    const listed = await runCli(["memory", "list"], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(listed.stdout).toContain("a passage"); // "delete 1 #x" deleted nothing
    const missing = await runCli(["memory", "delete", "#999"], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no passage #999/);
  });

  it("a read-only letta.db is named in the message; read-only commands still work in a read-only .letta/", async () => {
    const p = tempProject();
    expect((await runCli(["memory", "add", "kept safe"], { cwd: p.root, home: p.home, stdin: "ignore" })).code).toBe(0);
    const letta = join(p.root, ".letta");
    for (const f of readdirSync(letta)) if (f.startsWith("letta.db-")) rmSync(join(letta, f));
    openUp(p.root);
    const db = join(letta, "letta.db");
    chmodSync(db, 0o444);
    chmodSync(letta, 0o555);
    try {
      // As root the permission bits would not stop anything: run as nobody there.
      const wrap = nobodyArgs();
      const write = await runCli(["memory", "add", "more"], { cwd: p.root, home: p.home, stdin: "ignore", wrap });
      expect(write.code).toBe(1);
      expect(write.stderr).toContain(db);
      expect(write.stderr).not.toMatch(STACK);
      const run = await runCli(["-p", "hi", ...model()], { cwd: p.root, home: p.home, stdin: "ignore", wrap });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(db);
      for (const args of [["show"], ["list"], ["search", "safe"], ["log"]]) {
        const r = await runCli(["memory", ...args], { cwd: p.root, home: p.home, stdin: "ignore", wrap });
        expect(r.code, args.join(" ")).toBe(0);
      }
      const list = await runCli(["memory", "list"], { cwd: p.root, home: p.home, stdin: "ignore", wrap });
      expect(list.stdout).toContain("kept safe");
    } finally {
      chmodSync(letta, 0o777);
    }
  });
});
