import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedServer, type ScriptedServer } from "../helpers/llm-server.mjs";
import { runCli, tempProject } from "../helpers/cli.js";
import { startHttpMcpServer, type HttpMcpServer } from "../helpers/mcp-http-server.js";

const require = createRequire(import.meta.url);
const EVERYTHING = require.resolve("@modelcontextprotocol/server-everything/dist/index.js");
const TEST_SERVER = new URL("../helpers/mcp-stdio-server.mjs", import.meta.url).pathname;

let llm: ScriptedServer;
let http: HttpMcpServer;
beforeAll(async () => {
  llm = await startScriptedServer();
  http = await startHttpMcpServer();
});
afterAll(async () => {
  await llm.close();
  await http.close();
});

const model = () => ["--model", "scripted-model", "--base-url", llm.url];
const config = (servers: Record<string, unknown>) => ["--mcp-config", JSON.stringify({ mcpServers: servers })];
const everything = { command: process.execPath, args: [EVERYTHING, "stdio"] };
const testServer = (mode = "serve", env: Record<string, string> = {}) => ({ command: process.execPath, args: [TEST_SERVER, mode], env });

/** The tool message the model was sent for the last call, in the request after it. */
const lastToolMessage = () => llm.requests.at(-1)!.body.messages.filter((m: { role: string }) => m.role === "tool").at(-1);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pid: number, withinMs = 3000): Promise<boolean> {
  const end = Date.now() + withinMs;
  while (Date.now() < end) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !alive(pid);
}

describe("MCP servers in -p", () => {
  it("stdio (server-everything): a read-only tool runs without approval and its result reaches the model", async () => {
    const p = tempProject();
    llm.enqueue({ toolCalls: [{ name: "mcp__every__echo", arguments: { message: "hello mcp" } }] }, { text: "done" });
    const r = await runCli(["-p", "echo please", ...model(), ...config({ every: everything })], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("done\n");
    const first = llm.requests.at(-2)!.body;
    const echo = first.tools.find((t: { function: { name: string } }) => t.function.name === "mcp__every__echo");
    // The server's own JSON Schema, passed through.
    expect(echo.function.parameters.properties.message.type).toBe("string");
    expect(lastToolMessage().content).toBe("Echo: hello mcp");
  });

  it("Streamable HTTP on 127.0.0.1: headers from the config arrive, env vars expand, structured content and images are handled", async () => {
    const p = tempProject();
    const before = http.calls.length;
    llm.enqueue(
      { toolCalls: [{ name: "mcp__tracker__lookup", arguments: { number: 7 } }] },
      { toolCalls: [{ name: "mcp__tracker__picture", arguments: {} }] },
      { text: "ok" },
    );
    const servers = { tracker: { type: "http", url: "${TRACKER_URL}", headers: { Authorization: "Bearer ${TRACKER_TOKEN:-fallback-token}" } } };
    const r = await runCli(["-p", "look it up", "--output-format", "json", ...model(), ...config(servers)], {
      cwd: p.root,
      home: p.home,
      stdin: "ignore",
      env: { TRACKER_URL: http.url },
    });
    expect(r.code).toBe(0);
    expect(http.calls.slice(before)).toEqual([{ tool: "lookup", args: { number: 7 } }, { tool: "picture", args: {} }]);
    expect(http.headers.at(-1)!.authorization).toBe("Bearer fallback-token");
    const tools = llm.requests.at(-1)!.body.messages.filter((m: { role: string }) => m.role === "tool");
    expect(JSON.parse(tools.at(-2).content)).toEqual({ number: 7, title: "Issue 7 title" });
    expect(tools.at(-1).content).toBe("here it is\n[image: image/png, 2.9 KB]");
    const result = JSON.parse(r.stdout);
    expect(result.tool_calls.map((c: { name: string }) => c.name)).toEqual(["mcp__tracker__lookup", "mcp__tracker__picture"]);
  });

  it("falls back to the older SSE transport when a server only speaks that", async () => {
    const p = tempProject();
    const before = http.calls.length;
    llm.enqueue({ toolCalls: [{ name: "mcp__old__lookup", arguments: { number: 3 } }] }, { text: "ok" });
    const r = await runCli(["-p", "look", ...model(), ...config({ old: { url: http.sseUrl } })], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(http.calls.slice(before)).toEqual([{ tool: "lookup", args: { number: 3 } }]);
    expect(JSON.parse(lastToolMessage().content)).toEqual({ number: 3, title: "Issue 3 title" });
  });

  it("an exec tool (no readOnlyHint) is refused in -p unless a rule allows it, globs included", async () => {
    const p = tempProject();
    const notes = join(p.root, "notes.txt");
    const servers = { t: testServer("serve", { MCP_NOTES: notes }) };
    llm.enqueue({ toolCalls: [{ name: "mcp__t__write_note", arguments: { note: "first" } }] }, { text: "refused" });
    let r = await runCli(["-p", "note it", ...model(), ...config(servers)], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    expect(lastToolMessage().content).toMatch(/mcp__t__write_note/);
    expect(existsSync(notes)).toBe(false);

    llm.enqueue({ toolCalls: [{ name: "mcp__t__write_note", arguments: { note: "second" } }] }, { text: "noted" });
    r = await runCli(["-p", "note it", "--allowed-tools", "mcp__t__*", ...model(), ...config(servers)], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    expect(readFileSync(notes, "utf8")).toBe("second\n");

    // A deny rule wins even in yolo mode.
    llm.enqueue({ toolCalls: [{ name: "mcp__t__write_note", arguments: { note: "third" } }] }, { text: "denied" });
    r = await runCli(["-p", "note it", "--yolo", "--disallowed-tools", "mcp__t__write_note", ...model(), ...config(servers)], {
      cwd: p.root,
      home: p.home,
      stdin: "ignore",
    });
    expect(lastToolMessage().content).toMatch(/Permission denied/);
    expect(readFileSync(notes, "utf8")).toBe("second\n");
  });

  it("a server that never answers initialize does not hold the run past its timeout, and is reported once", async () => {
    const p = tempProject();
    const pidfile = join(p.root, "hang.pid");
    llm.enqueue({ text: "answered anyway" });
    writeFileSync(join(p.root, ".letta-cfg.json"), JSON.stringify({ mcpServers: { slow: testServer("hang", { MCP_PIDFILE: pidfile }) } }));
    mkdirSync(join(p.root, ".letta"), { recursive: true });
    writeFileSync(join(p.root, ".letta", "config.json"), JSON.stringify({ mcpStartupTimeoutMs: 3000 }));
    const started = Date.now();
    const r = await runCli(["-p", "hi", "--verbose", "--output-format", "stream-json", "--mcp-config", join(p.root, ".letta-cfg.json"), ...model()], {
      cwd: p.root,
      home: p.home,
      stdin: "ignore",
    });
    const took = Date.now() - started;
    expect(r.code).toBe(0);
    // Far below the 10 s default: the configured timeout bounds the wait (the margin is for a loaded machine).
    // (3 s, not less: on two busy cores the server's node may need over a second to write its pid.)
    expect(took).toBeLessThan(3000 + 5000);
    expect(took).toBeGreaterThanOrEqual(3000);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines[0].mcp_servers).toEqual([expect.objectContaining({ name: "slow", status: "failed", error: expect.stringMatching(/no answer within 3 s/) })]);
    const notices = lines.filter((l) => l.type === "notice" && /slow/.test(l.message));
    expect(notices).toHaveLength(1);
    expect(r.stderr.match(/MCP server "slow" failed to start/g)).toHaveLength(1);
    expect(lines.at(-1).result).toBe("answered anyway");
    expect(await gone(Number(readFileSync(pidfile, "utf8")))).toBe(true);
  });

  it("a server that crashes mid-call gives the model a tool error, and comes back on the next call", async () => {
    const p = tempProject();
    llm.enqueue(
      { toolCalls: [{ name: "mcp__t__crash", arguments: {} }] },
      { toolCalls: [{ name: "mcp__t__add", arguments: { a: 2, b: 3 } }] },
      { text: "survived" },
    );
    const r = await runCli(["-p", "crash it", "--yolo", "--output-format", "json", ...model(), ...config({ t: testServer() })], {
      cwd: p.root,
      home: p.home,
      stdin: "ignore",
    });
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.result).toBe("survived");
    expect(result.tool_calls.map((c: { is_error: boolean }) => c.is_error)).toEqual([true, false]);
    const tools = llm.requests.at(-1)!.body.messages.filter((m: { role: string }) => m.role === "tool");
    expect(tools.at(-2).content).toMatch(/closed the connection during the crash call/);
    expect(tools.at(-1).content).toBe("sum=5");
  });

  it("tools/list_changed refreshes the tool list before the next request; a slow tool call times out", async () => {
    const p = tempProject();
    mkdirSync(join(p.root, ".letta"), { recursive: true });
    writeFileSync(join(p.root, ".letta", "config.json"), JSON.stringify({ mcpToolTimeoutMs: 800 }));
    llm.enqueue(
      { toolCalls: [{ name: "mcp__t__grow", arguments: {} }] },
      { toolCalls: [{ name: "mcp__t__grown", arguments: {} }] },
      { toolCalls: [{ name: "mcp__t__sleep", arguments: { ms: 5000 } }] },
      { text: "done" },
    );
    const started = Date.now();
    const r = await runCli(["-p", "grow", "--yolo", ...model(), ...config({ t: testServer() })], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    const names = (i: number) => llm.requests.at(i)!.body.tools.map((t: { function: { name: string } }) => t.function.name);
    expect(names(-4)).not.toContain("mcp__t__grown");
    expect(names(-3)).toContain("mcp__t__grown");
    const tools = llm.requests.at(-1)!.body.messages.filter((m: { role: string }) => m.role === "tool");
    expect(tools.at(-2).content).toBe("I am new");
    expect(tools.at(-1).content).toMatch(/timed out after 0.8 s/);
    expect(Date.now() - started).toBeLessThan(5000 + 4000);
  });

  it("children are gone after exit (checked by pid), also when letta-code is killed with SIGKILL", async () => {
    const p = tempProject();
    const pidA = join(p.root, "a.pid");
    const pidB = join(p.root, "b.pid");
    llm.enqueue({ text: "bye" });
    // (A hanging server's pid is checked in the initialize-timeout test.)
    const servers = { a: testServer("serve", { MCP_PIDFILE: pidA }), b: testServer("serve", { MCP_PIDFILE: pidB }) };
    const r = await runCli(["-p", "hi", ...model(), ...config(servers)], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    for (const f of [pidA, pidB]) expect(await gone(Number(readFileSync(f, "utf8")))).toBe(true);

    // kill -9: nothing of ours runs, the children see EOF on stdin and leave.
    const pidC = join(p.root, "c.pid");
    llm.enqueue({ hang: true });
    let killed = false;
    const seen = llm.requests.length;
    const run = runCli(["-p", "hi", ...model(), ...config({ c: testServer("serve", { MCP_PIDFILE: pidC }) })], {
      cwd: p.root,
      home: p.home,
      stdin: "ignore",
      onSpawn: (child) => {
        const poll = setInterval(() => {
          if (llm.requests.length > seen && existsSync(pidC) && !killed) {
            killed = true;
            clearInterval(poll);
            child.kill("SIGKILL");
          }
        }, 50);
      },
    });
    const killedRun = await run;
    expect(killedRun.signal).toBe("SIGKILL");
    expect(await gone(Number(readFileSync(pidC, "utf8")))).toBe(true);
  });
});

describe("project-scoped servers (trust)", () => {
  function projectWithServer(root: string, marker: string) {
    writeFileSync(join(root, ".mcp.json"), JSON.stringify({ mcpServers: { repo: testServer("serve", { MCP_PIDFILE: marker }) } }));
  }

  it("are not started headless until approved; the run says which it skipped", async () => {
    const p = tempProject();
    const marker = join(p.root, "started.pid");
    projectWithServer(p.root, marker);
    llm.enqueue({ text: "no server" });
    let r = await runCli(["-p", "hi", "--verbose", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    expect(existsSync(marker)).toBe(false);
    expect(r.stderr).toMatch(/MCP server "repo" \(project\) skipped: project server not approved yet/);
    expect(llm.requests.at(-1)!.body.tools.some((t: { function: { name: string } }) => t.function.name.startsWith("mcp__"))).toBe(false);

    // A committed config.local.json that claims approval means nothing: approvals live in the user's dir.
    writeFileSync(join(p.root, ".letta", "config.local.json"), JSON.stringify({ mcpApprovals: { repo: "approved" } }));
    llm.enqueue({ text: "still no server" });
    r = await runCli(["-p", "hi", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(existsSync(marker)).toBe(false);

    r = await runCli(["mcp", "approve", "repo"], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    expect(existsSync(join(p.home, ".config", "letta-code", "mcp-approvals.json"))).toBe(true);
    llm.enqueue({ toolCalls: [{ name: "mcp__repo__add", arguments: { a: 1, b: 1 } }] }, { text: "approved now" });
    r = await runCli(["-p", "hi", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    expect(existsSync(marker)).toBe(true);
    expect(lastToolMessage().content).toBe("sum=2");

    // Changing the command voids the approval.
    writeFileSync(join(p.root, ".mcp.json"), JSON.stringify({ mcpServers: { repo: { command: "sh", args: ["-c", "touch pwned"] } } }));
    llm.enqueue({ text: "changed" });
    r = await runCli(["-p", "hi", "--verbose", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.stderr).toMatch(/changed since you decided/);
    expect(existsSync(join(p.root, "pwned"))).toBe(false);
  });

  it("hold as an unprivileged user too", async () => {
    if (process.getuid?.() !== 0) return; // already unprivileged: the test above covered it
    const p = tempProject();
    chmodSync(p.root, 0o777);
    for (const d of [p.home]) chmodSync(d, 0o777);
    const marker = join(p.root, "started.pid");
    projectWithServer(p.root, marker);
    llm.enqueue({ text: "no server" });
    // Async spawn: the scripted model server runs in this process and must keep answering.
    const { spawn } = await import("node:child_process");
    const bin = new URL("../../bin/letta-code.js", import.meta.url).pathname;
    const env = { PATH: process.env.PATH ?? "", HOME: p.home, XDG_CONFIG_HOME: join(p.home, ".config"), LETTA_CODE_EMBEDDING_PATH: "/none" };
    const child = spawn("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, bin, "-p", "hi", "--verbose", ...model()], {
      cwd: p.root,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const status = await new Promise<number | null>((r) => child.on("close", r));
    const r = { stderr, status };
    expect(r.stderr).toMatch(/"repo" \(project\) skipped: project server not approved yet/);
    expect(r.status).toBe(0);
    expect(existsSync(marker)).toBe(false);
  });
});

describe("the user's variables a project server's config names", () => {
  it("mcp get and mcp approve show them (values masked), and a change in them asks again", async () => {
    const p = tempProject();
    const marker = join(p.root, "started.pid");
    const write = (env: Record<string, string>) =>
      writeFileSync(join(p.root, ".mcp.json"), JSON.stringify({ mcpServers: { repo: testServer("serve", { MCP_PIDFILE: marker, ...env }) } }));
    write({ GH: "${GITHUB_TOKEN}", MODE: "${REPO_MODE:-dev}" });
    const env = { GITHUB_TOKEN: "ghp_do_not_show", AWS_SECRET_ACCESS_KEY: "aws_do_not_show" };
    const cli = (args: string[]) => runCli(args, { cwd: p.root, home: p.home, env, stdin: "ignore" });

    let r = await cli(["mcp", "get", "repo"]);
    expect(r.stdout).toMatch(/sets: env MCP_PIDFILE, env GH, env MODE/);
    expect(r.stdout).toMatch(/GITHUB_TOKEN=•••• → env GH/);
    expect(r.stdout).toMatch(/REPO_MODE \(not set\) → env MODE/);
    expect(r.stdout).not.toContain("ghp_do_not_show");

    r = await cli(["mcp", "approve", "repo"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/variables it receives from your environment:\n\s+GITHUB_TOKEN=•••• → env GH/);
    llm.enqueue({ text: "started" });
    r = await cli(["-p", "hi", "--verbose", ...model()]);
    expect(r.stderr).not.toMatch(/"repo" \(project\) skipped/);
    expect(existsSync(marker)).toBe(true);

    // Same command, one more of the user's secrets asked for: approved no longer.
    write({ GH: "${GITHUB_TOKEN}", MODE: "${REPO_MODE:-dev}", AWS: "${AWS_SECRET_ACCESS_KEY}" });
    llm.enqueue({ text: "skipped" });
    r = await cli(["-p", "hi", "--verbose", ...model()]);
    expect(r.stderr).toMatch(/"repo" \(project\) skipped: project server changed since you decided/);
    r = await cli(["mcp", "get", "repo"]);
    expect(r.stdout).toMatch(/approval: approved, but the config changed since/);
    expect(r.stdout).toMatch(/AWS_SECRET_ACCESS_KEY=•••• → env AWS/);
    expect(r.stdout).not.toContain("aws_do_not_show");
  });
});

describe("letta-code mcp", () => {
  it("add --scope project refuses a .mcp.json the repository linked to the user's config: the server does not land there", async () => {
    const p = tempProject();
    const userFile = join(p.home, ".config", "letta-code", "config.json");
    mkdirSync(join(p.home, ".config", "letta-code"), { recursive: true });
    writeFileSync(userFile, "{}");
    symlinkSync(userFile, join(p.root, ".mcp.json"));
    const r = await runCli(["mcp", "add", "--scope", "project", "t", "--", "true"], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("is a link");
    expect(readFileSync(userFile, "utf8")).toBe("{}");
  });

  it("add, list, get and remove servers; bad input exits 2 with a clear message", async () => {
    const p = tempProject();
    const cli = (args: string[]) => runCli(["mcp", ...args], { cwd: p.root, home: p.home, stdin: "ignore" });
    let r = await cli(["add", "t", "-e", "FOO=bar", "--", process.execPath, TEST_SERVER, "serve"]);
    expect(r.code).toBe(0);
    r = await cli(["add", "web", "--url", http.url, "--header", "X-Team: core"]);
    expect(r.code).toBe(0);
    const userConfig = JSON.parse(readFileSync(join(p.home, ".config", "letta-code", "config.json"), "utf8"));
    expect(userConfig.mcpServers.t).toEqual({ command: process.execPath, args: [TEST_SERVER, "serve"], env: { FOO: "bar" } });
    expect(userConfig.mcpServers.web).toEqual({ type: "http", url: http.url, headers: { "X-Team": "core" } });

    r = await cli(["list"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^t {2}user · stdio · connected · 5 tools$/m);
    expect(r.stdout).toMatch(/^web {2}user · http · connected · 2 tools$/m);
    r = await cli(["get", "t"]);
    expect(r.stdout).toMatch(/tools: add, write_note, crash, grow, sleep/);
    expect(r.stdout).toMatch(/prompts: review/);

    // A server added to the project by this user is approved for them (they wrote it).
    r = await cli(["add", "mine", "--scope", "project", "--", process.execPath, TEST_SERVER]);
    expect(JSON.parse(readFileSync(join(p.root, ".mcp.json"), "utf8")).mcpServers.mine.command).toBe(process.execPath);
    r = await cli(["list"]);
    expect(r.stdout).toMatch(/^mine {2}project · stdio · connected/m);

    r = await cli(["remove", "t"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(p.home, ".config", "letta-code", "config.json"), "utf8")).mcpServers.t).toBeUndefined();
    for (const [args, message] of [
      [["remove", "t"], /no MCP server "t"/],
      [["add", "x"], /give the server's command after --/],
      [["add", "x", "--scope", "team", "--", "a"], /--scope must be "user" or "project"/],
      [["add", "x", "--url", "not a url"], /not a URL/],
      [["approve", "nope"], /no project MCP server "nope"/],
    ] as const) {
      r = await cli([...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});
