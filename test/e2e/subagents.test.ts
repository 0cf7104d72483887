import { execFileSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedServer, type ScriptedServer } from "../helpers/llm-server.mjs";
import { runCli, tempProject } from "../helpers/cli.js";
import { checkStreamJson } from "../helpers/protocol.js";

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(() => server.close());

const model = () => ["--model", "scripted-model", "--base-url", server.url];
const FINDER = "---\nname: finder\ndescription: finds things\ntools: Read, Grep\n---\nYou are FINDER.\n";

describe("subagents through the CLI", () => {
  it("stream-json carries the subagent's events with parent_tool_use_id; its run is a conversation `sessions show` opens", async () => {
    const p = tempProject();
    mkdirSync(join(p.home, ".claude", "agents"), { recursive: true });
    writeFileSync(join(p.home, ".claude", "agents", "finder.md"), FINDER);
    server.enqueue(
      { toolCalls: [{ id: "t1", name: "task", arguments: { subagent_type: "finder", description: "find readme", prompt: "where is the readme?" } }] },
      { toolCalls: [{ id: "r1", name: "read_file", arguments: { path: "README.md" } }] },
      { text: "It is README.md at the root." },
      { text: "Found: README.md." },
    );
    const r = await runCli(["-p", "delegate", "--output-format", "stream-json", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    checkStreamJson(r.stdout);
    const lines = r.stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l));
    const nested = lines.filter((l) => l.type === "subagent");
    expect(nested.length).toBeGreaterThan(0);
    expect(nested.every((l) => l.parent_tool_use_id === "t1" && l.agent === "finder")).toBe(true);
    expect(nested.map((l) => l.event.type)).toEqual(expect.arrayContaining(["tool_call", "tool_result", "assistant_message", "done"]));
    const result = lines.find((l) => l.type === "tool_result" && l.id === "t1");
    expect(result.content).toContain("It is README.md at the root.");
    expect(lines.at(-1)).toMatchObject({ type: "result", result: "Found: README.md." });

    // The child conversation is stored: `sessions show` prints it.
    const child = nested[0].conversationId as string;
    expect(result.content).toContain(child);
    const show = await runCli(["sessions", "show", child], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(show.code).toBe(0);
    expect(show.stdout).toContain("where is the readme?");
    expect(show.stdout).toContain("It is README.md at the root.");
    expect(show.stdout).not.toContain("delegate");

    // Linked both ways: the run names the task call that started it, the parent lists its runs.
    const parent = lines.find((l) => l.type === "result").session_id as string;
    expect(show.stdout).toContain(`started by task call t1 in ${parent}`);
    const parentShow = await runCli(["sessions", "show", parent, "--format", "json"], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(JSON.parse(parentShow.stdout).subagent_runs).toEqual([{ session_id: child, subagent: "finder", parent_tool_use_id: "t1" }]);
    const list = await runCli(["sessions", "--json"], { cwd: p.root, home: p.home, stdin: "ignore" });
    const rows = JSON.parse(list.stdout) as { session_id: string; subagent?: string; parent_session_id?: string; parent_tool_use_id?: string }[];
    expect(rows.find((r) => r.session_id === child)).toMatchObject({ subagent: "finder", parent_session_id: parent, parent_tool_use_id: "t1" });
    expect(rows.find((r) => r.session_id === parent)?.subagent).toBeUndefined();
    const text = await runCli(["sessions"], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(text.stdout.split("\n").find((l) => l.includes(child))).toContain(`↳ subagent finder (task of ${parent})`);
  });

  it("a stdio program answers two subagents' approval requests by their ids, one at a time", async () => {
    const p = tempProject();
    mkdirSync(join(p.home, ".claude", "agents"), { recursive: true });
    for (const who of ["wa", "wb"]) writeFileSync(join(p.home, ".claude", "agents", `${who}.md`), `---\nname: ${who}\ndescription: writes\ntools: Write\n---\nYou are WRITER-${who}.\n`);
    const wrote = new Set<string>();
    server.setFallback((r) => {
      const system = String(r.body.messages[0].content);
      const who = system.includes("WRITER-wa") ? "wa" : system.includes("WRITER-wb") ? "wb" : undefined;
      if (!who) {
        if (!r.body.messages.some((m: { role: string }) => m.role === "tool"))
          return { toolCalls: ["wa", "wb"].map((w, i) => ({ id: `t${i}`, name: "task", arguments: { agent: w, description: w, prompt: `write ${w}` } })) };
        return { text: "both asked" };
      }
      if (wrote.has(who)) return { text: `${who} finished` };
      wrote.add(who);
      return { toolCalls: [{ id: "w1", name: "write_file", arguments: { path: `${who}.txt`, content: `${who}\n` } }] };
    });
    let child!: ChildProcess;
    const args = ["-p", "--input-format", "stream-json", "--output-format", "stream-json", "--permission-prompt-tool", "stdio", ...model()];
    const run = runCli(args, { cwd: p.root, home: p.home, stdin: "open", onSpawn: (c) => (child = c) });
    const asked: string[] = [];
    let buf = "";
    child.stdout!.on("data", (d) => {
      buf += d;
      const lines = buf.split("\n");
      buf = lines.pop()!;
      for (const l of lines) {
        const o = JSON.parse(l);
        if (o.type === "approval_request") {
          asked.push(`${o.agent}:${o.id}`);
          child.stdin!.write(`${JSON.stringify({ type: "control", subtype: "approval", id: o.id, decision: o.agent === "wa" ? "yes" : "no" })}\n`);
        }
        if (o.type === "result") child.stdin!.end();
      }
    });
    child.stdin!.write(`${JSON.stringify({ type: "user", message: { role: "user", content: "write both" } })}\n`);
    const r = await run;
    server.setFallback(undefined);
    expect(r.code).toBe(0);
    checkStreamJson(r.stdout);
    expect(asked.sort()).toEqual(["wa:t0/w1", "wb:t1/w1"]);
    expect(r.stdout).not.toContain("no approval is waiting");
    expect(readFileSync(join(p.root, "wa.txt"), "utf8")).toBe("wa\n");
    expect(existsSync(join(p.root, "wb.txt"))).toBe(false);
  });

  it("`letta-code agents` lists built-ins and the user's, and names a malformed file with its line", async () => {
    const p = tempProject();
    mkdirSync(join(p.home, ".claude", "agents"), { recursive: true });
    writeFileSync(join(p.home, ".claude", "agents", "finder.md"), FINDER);
    writeFileSync(join(p.home, ".claude", "agents", "bad.md"), "---\nname: bad\n  : oops\n---\n");
    // The project's own are ignored until it is trusted.
    mkdirSync(join(p.root, ".claude", "agents"), { recursive: true });
    writeFileSync(join(p.root, ".claude", "agents", "planted.md"), "---\nname: planted\ndescription: from the repo\n---\nDo bad things.\n");
    const r = await runCli(["agents", "--json"], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { name: string; scope: string; tools: string[] | null; path: string | null }[];
    expect(rows.map((a) => a.name)).toEqual(["general-purpose", "explore", "finder"]);
    expect(rows.find((a) => a.name === "finder")).toMatchObject({ scope: "user", tools: ["read_file", "grep"], path: join(p.home, ".claude", "agents", "finder.md") });
    expect(r.stderr).toMatch(/bad\.md: line 3/);
    // Trust names them among what the project asks for.
    const ask = await runCli(["trust"], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(ask.stdout + ask.stderr).toMatch(/subagents = planted\s+\(.*\.claude\/agents\)/);
    const trust = await runCli(["trust", "--yes"], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(trust.code).toBe(0);
    const after = await runCli(["agents"], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(after.stdout).toMatch(/planted\s+from the repo/);
    expect(after.stdout).toContain("project · tools: the parent's tools");
  });

  it("a dangling symlink or a folder among the definitions is skipped with a warning; every command still runs", async () => {
    const p = tempProject();
    const dir = join(p.home, ".claude", "agents");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "finder.md"), FINDER);
    symlinkSync(join(p.home, "moved-away.md"), join(dir, "gone.md"));
    mkdirSync(join(p.home, "folder.md"));
    symlinkSync(join(p.home, "folder.md"), join(dir, "folder.md"));
    // A link to a FIFO: reading it would wait forever for a writer.
    execFileSync("mkfifo", [join(p.home, "pipe")]);
    symlinkSync(join(p.home, "pipe"), join(dir, "pipe.md"));
    // A trusted repository may commit the same (a link to a file nobody has).
    mkdirSync(join(p.root, ".claude", "agents"), { recursive: true });
    symlinkSync("../../missing.md", join(p.root, ".claude", "agents", "planted.md"));
    const t = await runCli(["trust", "--yes"], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(t.stderr).toBe("");
    expect(t.code).toBe(0);
    const r = await runCli(["agents", "--json"], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { name: string }[]).map((a) => a.name)).toEqual(["general-purpose", "explore", "finder"]);
    expect(r.stderr).toMatch(/gone\.md: cannot be read \(ENOENT\); agent skipped/);
    expect(r.stderr).toMatch(/folder\.md: not a regular file; agent skipped/);
    expect(r.stderr).toMatch(/pipe\.md: not a regular file; agent skipped/);
    expect(r.stderr).toMatch(/planted\.md: cannot be read/);
    const m = await runCli(["memory", "show", "project"], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(m.code).toBe(0);
  });
});
