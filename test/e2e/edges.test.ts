import { spawn } from "node:child_process";
import { chmodSync, closeSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import Database from "better-sqlite3";
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

describe("honest reports", () => {
  it("an archival insert of repeated text says how many passages were stored, not one id per piece", async () => {
    const p = tempProject();
    const content = "The build caches artifacts between runs. ".repeat(5000);
    server.enqueue({ toolCalls: [{ name: "archival_memory_insert", arguments: { content } }] }, { text: "Saved." });
    const r = await runCli(["-p", "remember this", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    const tool = (server.requests.at(-1)!.body.messages as { role: string; content: string }[]).find((m) => m.role === "tool")!;
    expect(tool.content).toMatch(/^Stored in archival memory as 2 new passages: #\d+, #\d+; \d+ repeated pieces of the text were not stored twice\.$/);
    const list = await runCli(["memory", "list"], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(list.stdout.trim().split("\n")).toHaveLength(2);
  });
});

type Wire = { role: string; content: string | null; tool_calls?: { function: { name: string; arguments: string } }[] };

const isSummaryRequest = (body: { messages: Wire[] }) => String(body.messages[0]?.content).startsWith("You maintain the running summary");
/** The session reflects on its own after a compaction evicted messages: that request is not the turn's. */
const isReflectionRequest = (body: { messages: Wire[] }) => String(body.messages[0]?.content).startsWith("You are the memory of a coding agent");

describe("no lost turn", () => {
  it("a 1 MB write_file: the next request still holds the user's message, the call (shortened, saying so) and its result", async () => {
    const p = tempProject();
    const content = "export const line = 'a fairly ordinary line of generated code';\n".repeat(16_000); // ~1 MB
    server.enqueue({ toolCalls: [{ name: "write_file", arguments: { path: "big.ts", content } }] }, { text: "Written." });
    const r = await runCli(["-p", "generate big.ts please", ...model(), "--yolo", "--output-format", "stream-json"], {
      cwd: p.root,
      home: p.home,
      stdin: "ignore",
    });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/"type":"compaction"/);
    expect(JSON.parse(r.stdout.trim().split("\n").at(-1)!).result).toBe("Written.");
    const messages = server.requests.at(-1)!.body.messages as Wire[];
    expect(messages.some((m) => m.role === "user" && m.content === "generate big.ts please")).toBe(true);
    const call = messages.find((m) => m.tool_calls?.length)!.tool_calls![0].function;
    expect(call.name).toBe("write_file");
    expect(call.arguments.length).toBeLessThan(100_000);
    const args = JSON.parse(call.arguments);
    expect(args.path).toBe("big.ts");
    expect(args.content).toMatch(/characters of this argument cut from the context window/);
    expect(messages.some((m) => m.role === "tool")).toBe(true);
    expect(readFileSync(join(p.root, "big.ts"), "utf8")).toBe(content);
    // Recall keeps the whole call.
    const db = new Database(join(p.root, ".letta", "letta.db"), { readonly: true });
    const stored = db.prepare("SELECT tool_calls FROM messages WHERE tool_calls IS NOT NULL").get() as { tool_calls: string };
    db.close();
    expect(JSON.parse(JSON.parse(stored.tool_calls)[0].function.arguments).content).toBe(content);
  }, 60_000);

  it("the running turn's user message is never evicted, even when its own tool results force a compaction", async () => {
    const p = tempProject();
    for (const n of [1, 2, 3]) writeFileSync(join(p.root, `log${n}.txt`), `${`entry ${n}: something happened here\n`.repeat(600)}`);
    // Summaries are asked for with their own system prompt; the turn's steps read the three logs, then answer.
    let step = 0;
    server.setFallback((req) => {
      if (isSummaryRequest(req.body)) return { text: "Earlier: logs were read." };
      if (isReflectionRequest(req.body)) return { text: "Nothing durable." };
      step++;
      return step <= 3 ? { toolCalls: [{ name: "read_file", arguments: { path: `log${step}.txt` } }] } : { text: "Done reading." };
    });
    const start = server.requests.length;
    try {
      const r = await runCli(["-p", "compare the three logs", ...model(), "--context-window", "12000", "--output-format", "stream-json"], {
        cwd: p.root,
        home: p.home,
        stdin: "ignore",
      });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/"type":"compaction"/);
      const turnRequests = server.requests.slice(start).filter((q) => !isSummaryRequest(q.body) && !isReflectionRequest(q.body));
      expect(turnRequests).toHaveLength(4);
      for (const q of turnRequests) {
        expect((q.body.messages as Wire[]).some((m) => m.role === "user" && m.content === "compare the three logs")).toBe(true);
      }
    } finally {
      server.setFallback(undefined);
    }
  }, 60_000);

  it("a tool call with an empty name is a tool error the model reads, not a silent empty answer", async () => {
    const p = tempProject();
    server.enqueue({ toolCalls: [{ name: "", arguments: { path: "README.md" } }] }, { text: "Sorry, calling read_file properly now." });
    const r = await runCli(["-p", "read the readme", ...model(), "--output-format", "json"], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).result).toBe("Sorry, calling read_file properly now.");
    const messages = server.requests.at(-1)!.body.messages as Wire[];
    const tool = messages.find((m) => m.role === "tool")!;
    expect(tool.content).toMatch(/no tool name, so nothing ran\. Call one of: .*read_file/);
    expect(messages.find((m) => m.tool_calls?.length)!.tool_calls![0].function.name).not.toBe("");
  });
});

describe("binary bytes are described, not passed on", () => {
  it("binary or NUL-filled shell output reaches the model as a short description (size, type), not the bytes", async () => {
    const p = tempProject();
    server.enqueue(
      { toolCalls: [{ name: "run_shell", arguments: { command: "head -c 10240 /dev/zero" } }] },
      { toolCalls: [{ name: "run_shell", arguments: { command: "printf '\\211PNG\\r\\n\\032\\n\\0\\0\\0\\rIHDR'; head -c 3000 /dev/urandom" } }] },
      { toolCalls: [{ name: "run_shell", arguments: { command: "echo plain text" } }] },
      { text: "Seen." },
    );
    const r = await runCli(["-p", "look", ...model(), "--yolo", "--sandbox", "off"], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    const tools = (server.requests.at(-1)!.body.messages as Wire[]).filter((m) => m.role === "tool").map((m) => String(m.content));
    expect(tools).toHaveLength(3);
    expect(tools[0]).toMatch(/^exit code 0\n\(binary output, 10\.0 KB, looks like all NUL bytes; not shown/);
    expect(tools[1]).toMatch(/\(binary output, \d\.\d KB, looks like PNG image; not shown/);
    for (const t of tools.slice(0, 2)) {
      expect(t).not.toContain("\u0000");
      expect(t.length).toBeLessThan(300);
    }
    expect(tools[2]).toBe("exit code 0\nplain text\n");
  });

  it("binary piped stdin: a notice on stderr, the model told what it is instead of the bytes; alone it is not a prompt", async () => {
    const p = tempProject();
    server.enqueue({ text: "It is an image." });
    // ASCII magic: the helper writes strings as UTF-8.
    const gif = "GIF89a\u0001\u0000\u0001\u0000" + "\u0000".repeat(200);
    const r = await runCli(["-p", "what is this?", ...model()], { cwd: p.root, home: p.home, stdin: gif });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/piped input is binary \(.*looks like GIF image\)/);
    const user = (server.requests.at(-1)!.body.messages as Wire[]).filter((m) => m.role === "user").at(-1)!;
    expect(user.content).toMatch(/what is this\?[\s\S]*binary input, .*GIF image; not included/);
    expect(user.content).not.toContain("\u0000");
    const alone = await runCli([...model()], { cwd: p.root, home: p.home, stdin: gif });
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/binary input cannot be one/);
  });
});
