import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedServer, type ScriptedServer } from "../helpers/llm-server.mjs";
import { runCli, tempProject } from "../helpers/cli.js";

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(() => server.close());

/** A port nothing listens on (port 9 is one fetch refuses outright, which is a configuration error now). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const model = () => ["--model", "scripted-model", "--base-url", server.url];
const ANSI = /\u001b\[/;

describe("letta-code -p", () => {
  it("prints the answer to stdout, nothing else, and exits 0", async () => {
    const p = tempProject();
    server.enqueue({ text: "The answer is 42." });
    const r = await runCli(["-p", "what is the answer?", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.stdout).toBe("The answer is 42.\n");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(ANSI);
  });

  it("takes the prompt as an argument when output is piped, and refuses it given twice", async () => {
    const p = tempProject();
    server.enqueue({ text: "From the argument." });
    let r = await runCli(["what is this?", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("From the argument.\n");
    expect(server.requests.at(-1)!.body.messages.at(-1).content).toBe("what is this?");
    r = await runCli(["-p", "one", "two", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/give the prompt once/);
  });

  it("--help and --version touch nothing: no .letta is created", async () => {
    const p = tempProject();
    for (const flag of ["--help", "--version"]) {
      const r = await runCli([flag], { cwd: p.root, home: p.home, stdin: "ignore" });
      expect(r.code).toBe(0);
    }
    expect(existsSync(join(p.root, ".letta"))).toBe(false);
  });

  it("gives piped stdin to the agent along with the prompt", async () => {
    const p = tempProject();
    server.enqueue({ text: "It fails because of the missing env var." });
    const r = await runCli(["-p", "why does this fail?", ...model()], {
      cwd: p.root,
      home: p.home,
      stdin: "Error: DATABASE_URL is not set\n    at connect (db.js:3)\n",
    });
    expect(r.code).toBe(0);
    const user = server.requests.at(-1)!.body.messages.at(-1);
    // Exactly this: the prompt, then the piped text in its wrapper, with no blank line before </stdin>.
    expect(user.content).toBe("why does this fail?\n\n<stdin>\nError: DATABASE_URL is not set\n    at connect (db.js:3)\n</stdin>");
  });

  it("uses piped stdin as the prompt when -p has no text", async () => {
    const p = tempProject();
    server.enqueue({ text: "ok" });
    const r = await runCli(["-p", ...model()], { cwd: p.root, home: p.home, stdin: "summarise this please" });
    expect(r.code).toBe(0);
    expect(server.requests.at(-1)!.body.messages.at(-1).content).toBe("summarise this please");
  });

  it("refuses piped input over 8 MB with a clear message (exit 2), without calling the model", async () => {
    const p = tempProject();
    const before = server.requests.length;
    const r = await runCli(["-p", "summarise", ...model()], { cwd: p.root, home: p.home, stdin: "x".repeat(9 * 1024 * 1024) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/larger than 8 MB/);
    expect(server.requests.length).toBe(before);
  });

  it("does not hang on a stdin pipe that never sends anything", async () => {
    const p = tempProject();
    server.enqueue({ text: "fine" });
    const started = Date.now();
    const r = await runCli(["-p", "hello", ...model()], { cwd: p.root, home: p.home, stdin: "open" });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("fine\n");
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it("--output-format json prints one result object", async () => {
    const p = tempProject();
    server.enqueue(
      { toolCalls: [{ name: "read_file", arguments: { path: "README.md" } }], usage: { prompt_tokens: 100, completion_tokens: 10 } },
      { text: "It is a sample project.", usage: { prompt_tokens: 150, completion_tokens: 7 } },
    );
    const r = await runCli(["-p", "what is this?", "--output-format", "json", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      type: "result",
      subtype: "success",
      is_error: false,
      result: "It is a sample project.",
      num_steps: 2,
      usage: { prompt_tokens: 250, completion_tokens: 17 },
      tool_calls: [{ name: "read_file", input: { path: "README.md" }, is_error: false }],
    });
    expect(out.agent_id).toMatch(/^agent-/);
    expect(typeof out.duration_ms).toBe("number");
  });

  it("--output-format stream-json prints events one per line, ending with the result", async () => {
    const p = tempProject();
    server.enqueue({ text: "streamed answer", chunkSize: 4 });
    const r = await runCli(["-p", "go", "--output-format", "stream-json", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ type: "init", schema_version: 2, model: "scripted-model" });
    expect(lines.filter((l) => l.type === "assistant_delta").map((l) => l.text).join("")).toBe("streamed answer");
    expect(lines.at(-2)).toMatchObject({ type: "done", reason: "answer" });
    expect(lines.at(-1)).toMatchObject({ type: "result", result: "streamed answer", is_error: false });
  });

  it("refuses writes by default, and each override allows them", async () => {
    const p = tempProject();
    const write = (file: string) => ({ toolCalls: [{ name: "write_file", arguments: { path: file, content: "x" } }] });
    server.enqueue(write("a.txt"), { text: "could not" });
    let r = await runCli(["-p", "write a", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    expect(existsSync(join(p.root, "a.txt"))).toBe(false);
    expect(JSON.stringify(server.requests.at(-1)!.body.messages)).toContain("needs the user's approval");

    for (const [flags, file] of [
      [["--yolo"], "b.txt"],
      [["--permission-mode", "accept-edits"], "c.txt"],
      [["--allowed-tools", "write_file"], "d.txt"],
    ] as const) {
      server.enqueue(write(file), { text: "written" });
      r = await runCli(["-p", "write", ...flags, ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
      expect(r.code).toBe(0);
      expect(existsSync(join(p.root, file))).toBe(true);
    }

    server.enqueue({ toolCalls: [{ name: "run_shell", arguments: { command: "touch e.txt" } }] }, { text: "no" });
    r = await runCli(["-p", "touch", "--yolo", "--disallowed-tools", "run_shell(touch)", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(existsSync(join(p.root, "e.txt"))).toBe(false);
    expect(JSON.stringify(server.requests.at(-1)!.body.messages)).toContain("denied by rule run_shell(touch)");
  });

  it("--verbose: progress on stderr, including the one notice that archival search runs lexically", async () => {
    const p = tempProject();
    server.enqueue(
      { toolCalls: [{ name: "archival_memory_search", arguments: { query: "deploy" } }] },
      { toolCalls: [{ name: "archival_memory_search", arguments: { query: "release" } }] },
      { text: "nothing stored yet" },
    );
    const r = await runCli(["-p", "what do you know about deploys?", "--verbose", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("nothing stored yet\n");
    expect(r.stderr).toMatch(/→ archival_memory_search deploy/);
    expect(r.stderr.match(/running lexically/g)).toHaveLength(1);
  });

  it("memory persists across two runs", async () => {
    const p = tempProject();
    server.enqueue(
      { toolCalls: [{ name: "core_memory_append", arguments: { label: "human", content: "Prefers pnpm over npm" } }] },
      { text: "Noted." },
    );
    await runCli(["-p", "I prefer pnpm", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    server.enqueue({ text: "pnpm" });
    const r = await runCli(["-p", "which package manager?", "--new", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    const body = server.requests.at(-1)!.body;
    expect(body.messages[0].content).toContain("Prefers pnpm over npm");
    // --new: the previous exchange is not in the window, but memory is
    expect(body.messages.filter((m: { role: string }) => m.role === "user")).toHaveLength(1);
  });

  it("exit 1 with the reason on stderr when the model stays unreachable", async () => {
    const p = tempProject();
    const closed = await closedPort();
    const r = await runCli(["-p", "hi", "--model", "m", "--base-url", `http://127.0.0.1:${closed}/v1`, "--output-format", "json"], {
      cwd: p.root,
      home: p.home,
      stdin: "ignore",
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`127.0.0.1:${closed}`);
    expect(r.stderr).toMatch(/connection refused/);
    expect(JSON.parse(r.stdout)).toMatchObject({ type: "result", is_error: true });
  }, 30_000);

  it("a model endpoint that never answers times out, is retried, then fails with exit 1 and a readable reason", async () => {
    const p = tempProject();
    // A server of its own: a hang left unconsumed in the shared queue (a slow machine may give up
    // before its retry is sent) would stall the next test's request.
    const silent = await startScriptedServer({ fallback: { hang: true } });
    try {
      const r = await runCli(["-p", "hi", "--model", "m", "--base-url", silent.url], { cwd: p.root, home: p.home, stdin: "ignore", env: { LETTA_CODE_TIMEOUT_MS: "300" } });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/timed out/i);
      expect(r.stderr).toContain(silent.url);
    } finally {
      await silent.close();
    }
  });

  it("exit 2 with usage on an unknown flag or a bad value", async () => {
    const p = tempProject();
    let r = await runCli(["-p", "x", "--frobnicate"], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--frobnicate'/);
    r = await runCli(["-p", "x", "--context-window", "lots"], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--context-window must be a positive whole number/);
    r = await runCli(["-p", "x", "--output-format", "xml"], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(2);
  });

  it("a corrupt .letta/letta.db: exit 1, a message naming the file and what to do, the file left as it was", async () => {
    const p = tempProject();
    mkdirSync(join(p.root, ".letta"));
    const junk = "definitely not sqlite ".repeat(500);
    writeFileSync(join(p.root, ".letta", "letta.db"), junk);
    const r = await runCli(["-p", "hi", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(join(p.root, ".letta", "letta.db"));
    expect(r.stderr).toMatch(/Move it aside/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(join(p.root, ".letta", "letta.db"), "utf8")).toBe(junk);
  });

  it("exit 2 naming the three ways to configure a model when none is set", async () => {
    const p = tempProject();
    const r = await runCli(["-p", "hi"], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--model/);
    expect(r.stderr).toMatch(/LETTA_CODE_MODEL/);
    expect(r.stderr).toMatch(/config\.json/);
  });

  it("reads the model from .letta/config.json", async () => {
    const p = tempProject();
    await runCli(["memory", "show"], { cwd: p.root, home: p.home, stdin: "ignore" });
    // The model is harmless to take from a project; its endpoint waits for trust (test/e2e/trust.test.ts).
    writeFileSync(join(p.root, ".letta", "config.json"), JSON.stringify({ model: "from-config" }));
    server.enqueue({ text: "configured" });
    const r = await runCli(["-p", "hi", "--base-url", server.url], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.stdout).toBe("configured\n");
    expect(server.requests.at(-1)!.body.model).toBe("from-config");
  });

  it("exit 130 on Ctrl-C, with what was said so far stored", async () => {
    const p = tempProject();
    server.enqueue({ text: "partial answer that never ends", chunkSize: 5, stallAfterChunks: 3 });
    const r = await runCli(["-p", "long task", ...model()], {
      cwd: p.root,
      home: p.home,
      stdin: "ignore",
      onSpawn: (child) => {
        child.stdout!.once("data", () => undefined);
        const timer = setInterval(() => {
          if (server.requests.at(-1)?.body.messages.at(-1).content === "long task") {
            clearInterval(timer);
            setTimeout(() => child.kill("SIGINT"), 400);
          }
        }, 50);
      },
    });
    expect(r.code).toBe(130);
    server.enqueue({ text: "resumed" });
    await runCli(["-p", "continue", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    const msgs = server.requests.at(-1)!.body.messages;
    const assistant = msgs.find((m: { role: string }) => m.role === "assistant");
    expect(assistant.content).toMatch(/^partial an.*\[interrupted\]$/s);
  });
});

describe("letta-code memory", () => {
  it("shows, edits, exports core memory and manages archival passages without a model", async () => {
    const p = tempProject();
    const run = (...args: string[]) => runCli(["memory", ...args], { cwd: p.root, home: p.home, stdin: "ignore" });
    let r = await run("show");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/── persona \(\d+\/5000 chars\)/);
    r = await run("edit", "human", "--value", "Ana, backend developer");
    expect(r.stdout).toMatch(/saved "human"/);
    r = await run("show", "human");
    expect(r.stdout).toContain("Ana, backend developer");
    r = await run("add", "Deploys", "go", "through", "ArgoCD", "--tag", "ops");
    expect(r.stdout).toMatch(/Stored in archival memory as 1 new passage: #1\./);
    r = await run("search", "argocd");
    expect(r.stdout).toMatch(/#1 .*\[ops\] Deploys go through ArgoCD/);
    r = await run("list");
    expect(r.stdout).toContain("ArgoCD");
    r = await run("export");
    const exported = JSON.parse(r.stdout);
    expect(exported.blocks.find((b: { label: string }) => b.label === "human").value).toBe("Ana, backend developer");
    expect(exported.passages).toHaveLength(1);
    r = await run("delete", "1");
    expect(r.stdout).toContain("deleted #1");
    r = await run("delete", "1");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no passage #1/);
    expect(readFileSync(join(p.root, ".letta", ".gitignore"), "utf8")).toContain("!config.json");
    r = await run("--agent", "reviewer", "show");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/No agent named "reviewer".*Agents: default/);
  });
});
