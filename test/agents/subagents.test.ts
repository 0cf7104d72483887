import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Project } from "../../src/agent/open-project.js";
import type { AgentEvent } from "../../src/agent/events.js";
import type { ConfigLayer } from "../../src/config/config.js";
import type { PermissionMode } from "../../src/agent/session.js";
import { startScriptedServer, type RecordedRequest, type ScriptedServer } from "../helpers/llm-server.mjs";
import { tempDir } from "../helpers/temp.js";

const open: { close(): unknown }[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

const REVIEWER = `---
name: reviewer
description: Reviews code for mistakes
tools: Read, Grep
model: inherit
---
You are REVIEWER-PROMPT. Review what you are asked to.
`;
const FINDER = `---
name: finder
description: Finds where things are defined
tools:
  - Read
  - Grep
---
You are FINDER-PROMPT. Find what you are asked to.
`;

async function setup(opts: { trusted?: boolean; agents?: Record<string, string>; mode?: PermissionMode; flags?: ConfigLayer } = {}) {
  const server = await startScriptedServer();
  open.push(server);
  const root = tempDir("letta-sub-");
  const home = tempDir("letta-sub-home-");
  mkdirSync(join(root, ".git"));
  writeFileSync(join(root, "README.md"), "# demo\nMAIN-SECRET-CONTEXT is not here\n");
  mkdirSync(join(root, ".claude", "agents"), { recursive: true });
  for (const [file, text] of Object.entries(opts.agents ?? { "reviewer.md": REVIEWER, "finder.md": FINDER })) {
    writeFileSync(join(root, ".claude", "agents", file), text);
  }
  const notices: string[] = [];
  const project = Project.open({
    cwd: root,
    env: { HOME: home, LETTA_CODE_EMBEDDING_PATH: join(root, "no-models") },
    trusted: opts.trusted ?? true,
    onNotice: (m) => notices.push(m),
    flags: { model: "scripted-model", baseURL: server.url, reflection: { mode: "manual" }, ...opts.flags },
  });
  open.push(project);
  const session = project.session(project.resolveAgent(), { mode: opts.mode ?? "ask" });
  return { server, root, project, session, notices };
}

const systemOf = (r: RecordedRequest) => String(r.body.messages[0]?.content ?? "");
const toolNames = (r: RecordedRequest) => ((r.body.tools ?? []) as { function: { name: string } }[]).map((t) => t.function.name).sort();
const hasToolResults = (r: RecordedRequest) => (r.body.messages as { role: string }[]).some((m) => m.role === "tool");

async function collect(it: AsyncIterable<AgentEvent>): Promise<AgentEvent[]> {
  const out: AgentEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

/** The main agent asks for `calls` in one step, then answers; subagents answer as `sub` says. */
function route(
  server: ScriptedServer,
  calls: { agent: string; prompt: string }[],
  sub: (r: RecordedRequest) => Parameters<ScriptedServer["enqueue"]>[0],
  seen: { main: number[] } = { main: [] },
) {
  server.setFallback((r) => {
    const system = systemOf(r);
    if (system.includes("-PROMPT")) return sub(r) as never;
    seen.main.push(Date.now());
    if (!hasToolResults(r)) {
      return { toolCalls: calls.map((c, i) => ({ id: `task_${i}`, name: "task", arguments: { agent: c.agent, description: `job ${i}`, prompt: c.prompt } })) };
    }
    return { text: "main: all done" };
  });
}

describe("subagents", () => {
  it("one failing subagent does not fail the other", async () => {
    const h = await setup();
    route(
      h.server,
      [
        { agent: "reviewer", prompt: "review" },
        { agent: "finder", prompt: "find" },
      ],
      (r) => (systemOf(r).includes("REVIEWER-PROMPT") ? { error: { status: 400, body: { error: { message: "reviewer exploded" } } } } : { text: "finder found it" }),
    );
    const events = await collect(h.session.send("go"));
    const results = events.filter((e): e is Extract<AgentEvent, { type: "tool_result" }> => e.type === "tool_result");
    expect(results.find((r) => r.id === "task_0")).toMatchObject({ state: "error" });
    expect(results.find((r) => r.id === "task_0")!.content).toMatch(/subagent "reviewer" failed: .*reviewer exploded/s);
    expect(results.find((r) => r.id === "task_1")).toMatchObject({ state: "done" });
    expect(results.find((r) => r.id === "task_1")!.content).toContain("finder found it");
    const done = events.find((e) => e.type === "done");
    expect(done && done.type === "done" && done.result).toBe("main: all done");
  });

  it("a subagent's approval request reaches the parent's approver, labelled with its name", async () => {
    const runner = `---\nname: runner\ndescription: runs commands\ntools: Bash\n---\nYou are RUNNER-PROMPT.\n`;
    const h = await setup({ agents: { "runner.md": runner } });
    let step = 0;
    route(h.server, [{ agent: "runner", prompt: "run it" }], () =>
      step++ === 0 ? { toolCalls: [{ id: "sh1", name: "run_shell", arguments: { command: "touch made-by-subagent" } }] } : { text: "could not" },
    );
    const asked: { id: string; agent?: string; parent?: string; name: string }[] = [];
    const events = await collect(
      h.session.send("go", {
        approve: async (req) => {
          asked.push({ id: req.id, agent: req.agent, parent: req.parent_tool_use_id, name: req.name });
          return { decision: "no", reason: "not now" };
        },
      }),
    );
    expect(asked).toEqual([{ id: "task_0/sh1", agent: "runner", parent: "task_0", name: "run_shell" }]);
    const request = events.find((e) => e.type === "approval_request");
    expect(request).toMatchObject({ agent: "runner", parent_tool_use_id: "task_0", id: "task_0/sh1" });
    expect(existsSync(join(h.root, "made-by-subagent"))).toBe(false);
    const nested = events.find((e) => e.type === "subagent" && e.event.type === "tool_result");
    expect(nested && nested.type === "subagent" && nested.event.type === "tool_result" && nested.event.content).toMatch(/not now/);
  });

  it("subagents side by side ask one question at a time", async () => {
    const a = `---\nname: runa\ndescription: a\ntools: Bash\n---\nYou are RUNA-PROMPT.\n`;
    const b = `---\nname: runb\ndescription: b\ntools: Bash\n---\nYou are RUNB-PROMPT.\n`;
    const h = await setup({ agents: { "a.md": a, "b.md": b } });
    const asked = new Set<string>();
    route(
      h.server,
      [
        { agent: "runa", prompt: "run a" },
        { agent: "runb", prompt: "run b" },
      ],
      (r) => {
        const who = systemOf(r).includes("RUNA-PROMPT") ? "a" : "b";
        if (asked.has(who)) return { text: `${who} done` };
        asked.add(who);
        return { toolCalls: [{ id: `sh_${who}`, name: "run_shell", arguments: { command: `touch ${who}` } }] };
      },
    );
    let outstanding = 0;
    let most = 0;
    const events = await collect(
      h.session.send("go", {
        approve: async () => {
          most = Math.max(most, ++outstanding);
          await new Promise((r) => setTimeout(r, 100));
          outstanding--;
          return { decision: "no" };
        },
      }),
    );
    expect(most).toBe(1);
    const asks = events.filter((e) => e.type === "approval_request" || e.type === "approval_result").map((e) => `${e.type}:${e.id}`);
    expect(asks.sort()).toEqual(["approval_request:task_0/sh_a", "approval_request:task_1/sh_b", "approval_result:task_0/sh_a", "approval_result:task_1/sh_b"]);
  });

  it("runs one subagent at a time with subagentConcurrency 1", async () => {
    const h = await setup({ flags: { subagentConcurrency: 1 } });
    const starts: number[] = [];
    route(
      h.server,
      [
        { agent: "reviewer", prompt: "a" },
        { agent: "finder", prompt: "b" },
      ],
      () => (starts.push(Date.now()), { text: "ok", delayMs: 400 }),
    );
    await collect(h.session.send("go"));
    expect(starts).toHaveLength(2);
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(400);
  });

  it("two definitions from .claude/agents run in one step, at the same time, each with its own prompt and only its tools", async () => {
    const h = await setup();
    const subStarts: number[] = [];
    const seen = { main: [] as number[] };
    route(
      h.server,
      [
        { agent: "reviewer", prompt: "review src please" },
        { agent: "finder", prompt: "find the retry logic" },
      ],
      (r) => {
        subStarts.push(Date.now());
        const who = systemOf(r).includes("REVIEWER-PROMPT") ? "reviewer" : "finder";
        return { text: `${who} answer`, delayMs: 1500 };
      },
      seen,
    );
    const events = await collect(h.session.send("MAIN-SECRET-CONTEXT: delegate this"));
    // From the main model's task calls to its next request: the two subagents' time together.
    const subagentPhase = seen.main[1]! - seen.main[0]!;
    const done = events.find((e) => e.type === "done");
    expect(done && done.type === "done" && done.result).toBe("main: all done");

    const subRequests = h.server.requests.filter((r) => systemOf(r).includes("-PROMPT"));
    expect(subRequests).toHaveLength(2);
    for (const r of subRequests) {
      // Its own system prompt, exactly its tools, and nothing of the main conversation.
      expect(toolNames(r)).toEqual(["grep", "read_file"]);
      expect(JSON.stringify(r.body.messages)).not.toContain("MAIN-SECRET-CONTEXT");
      const users = (r.body.messages as { role: string; content: string }[]).filter((m) => m.role === "user");
      expect(users).toHaveLength(1);
    }
    expect(subRequests.map((r) => systemOf(r).includes("REVIEWER-PROMPT") ? "reviewer" : "finder").sort()).toEqual(["finder", "reviewer"]);
    expect(subRequests.find((r) => systemOf(r).includes("REVIEWER-PROMPT"))!.body.messages[1].content).toBe("review src please");

    // Both answers come back as the task calls' results.
    const final = h.server.requests.at(-1)!;
    const results = (final.body.messages as { role: string; tool_call_id?: string; content: string }[]).filter((m) => m.role === "tool");
    expect(results.find((m) => m.tool_call_id === "task_0")!.content).toContain("reviewer answer");
    expect(results.find((m) => m.tool_call_id === "task_1")!.content).toContain("finder answer");
    // The main request offers the task tool, listing the subagents.
    const mainTools = (h.server.requests[0].body.tools as { function: { name: string; description: string } }[]);
    const task = mainTools.find((t) => t.function.name === "task")!;
    expect(task.function.description).toContain("reviewer: Reviews code for mistakes");
    expect(task.function.description).toContain("explore:");

    // Together, not one after the other: both started at once, and the pair took well under 2 x 1.5 s.
    expect(Math.abs(subStarts[0]! - subStarts[1]!)).toBeLessThan(700);
    expect(subagentPhase).toBeGreaterThanOrEqual(1500);
    expect(subagentPhase).toBeLessThan(2500);

    // Nested events carry the parent call's id; the subagents' usage is part of the turn's.
    const nested = events.filter((e) => e.type === "subagent");
    expect(new Set(nested.map((e) => e.type === "subagent" && e.parent_tool_use_id))).toEqual(new Set(["task_0", "task_1"]));
    const promptTokens = (r: RecordedRequest) => Math.max(1, Math.ceil(JSON.stringify(r.body.messages).length / 4));
    const mainOnlyTokens = h.server.requests.filter((r) => !systemOf(r).includes("-PROMPT")).reduce((n, r) => n + promptTokens(r), 0);
    expect(done && done.type === "done" && done.usage.promptTokens).toBeGreaterThan(mainOnlyTokens);
  });

  it("ignores an untrusted project's .claude/agents", async () => {
    const h = await setup({ trusted: false });
    expect(h.project.subagents.map((a) => a.name).sort()).toEqual(["explore", "general-purpose"]);
    route(h.server, [{ agent: "reviewer", prompt: "review" }], () => ({ text: "should not run" }));
    await collect(h.session.send("go"));
    const results = (h.server.requests.at(-1)!.body.messages as { role: string; content: string }[]).filter((m) => m.role === "tool");
    expect(results[0]!.content).toMatch(/No subagent named "reviewer"/);
    expect(h.server.requests.some((r) => systemOf(r).includes("REVIEWER-PROMPT"))).toBe(false);
  });

  it("reports a definition with bad frontmatter once, with its path and line, and skips it", async () => {
    const bad = "---\nname: broken\ndescription: x\nthis line is not yaml\n---\nbody\n";
    const h = await setup({ agents: { "broken.md": bad, "reviewer.md": REVIEWER } });
    expect(h.project.subagents.map((a) => a.name)).toContain("reviewer");
    expect(h.project.subagents.map((a) => a.name)).not.toContain("broken");
    const about = h.notices.filter((n) => n.includes("broken.md"));
    expect(about).toHaveLength(1);
    expect(about[0]).toMatch(/line 4/);
  });

  it("an interrupt cancels the running subagents", async () => {
    const h = await setup();
    route(
      h.server,
      [
        { agent: "reviewer", prompt: "slow review" },
        { agent: "finder", prompt: "slow find" },
      ],
      () => ({ hang: true }),
    );
    const ac = new AbortController();
    const events: AgentEvent[] = [];
    const running = (async () => {
      for await (const e of h.session.send("go", { signal: ac.signal })) events.push(e);
    })();
    while (h.server.requests.filter((r) => systemOf(r).includes("-PROMPT")).length < 2) await new Promise((r) => setTimeout(r, 20));
    ac.abort();
    await running;
    const done = events.find((e) => e.type === "done");
    expect(done && done.type === "done" && done.reason).toBe("interrupted");
    const results = events.filter((e) => e.type === "tool_result");
    expect(results.map((r) => r.type === "tool_result" && r.state)).toEqual(["cancelled", "cancelled"]);
    // Both subagents' requests were given up, not left running.
    await new Promise((r) => setTimeout(r, 50));
    expect(h.server.requests.filter((r) => systemOf(r).includes("-PROMPT")).every((r) => r.aborted)).toBe(true);
  });

  it("a memory: read subagent sees the project block but cannot edit it", async () => {
    const memReader = `---\nname: memreader\ndescription: reads memory\nmemory: read\n---\nYou are MEMREADER-PROMPT.\n`;
    const h = await setup({ agents: { "memreader.md": memReader } });
    const memory = h.project.memory(h.session.info().agentId);
    memory.core.set("project", "Convention: tabs, never spaces.");
    let step = 0;
    route(h.server, [{ agent: "memreader", prompt: "what are the conventions?" }], () =>
      step++ === 0
        ? { toolCalls: [{ id: "edit1", name: "core_memory_replace", arguments: { label: "project", old_content: "tabs", new_content: "spaces" } }] }
        : { text: "tabs" },
    );
    const events = await collect(h.session.send("ask the reader"));
    const subRequests = h.server.requests.filter((r) => systemOf(r).includes("MEMREADER-PROMPT"));
    expect(systemOf(subRequests[0]!)).toContain("Convention: tabs, never spaces.");
    const tools = toolNames(subRequests[0]!);
    expect(tools).toContain("archival_memory_search");
    expect(tools).not.toContain("core_memory_replace");
    expect(tools).not.toContain("task");
    const nestedResult = events.find((e) => e.type === "subagent" && e.event.type === "tool_result");
    expect(nestedResult && nestedResult.type === "subagent" && nestedResult.event.type === "tool_result" && nestedResult.event.state).toBe("error");
    expect(memory.core.get("project")?.value).toBe("Convention: tabs, never spaces.");
  });

  it("a memory: none subagent has no memory in its prompt and no memory tools", async () => {
    const blind = `---\nname: blind\ndescription: sees nothing\nmemory: none\n---\nYou are BLIND-PROMPT.\n`;
    const h = await setup({ agents: { "blind.md": blind } });
    h.project.memory(h.session.info().agentId).core.set("project", "Convention: tabs, never spaces.");
    route(h.server, [{ agent: "blind", prompt: "look" }], () => ({ text: "ok" }));
    await collect(h.session.send("go"));
    const sub = h.server.requests.find((r) => systemOf(r).includes("BLIND-PROMPT"))!;
    expect(systemOf(sub)).not.toContain("Convention: tabs");
    expect(toolNames(sub).filter((t) => /memory|conversation_search|update_plan/.test(t))).toEqual([]);
    expect(toolNames(sub)).toContain("read_file");
  });

  it("a write by a read-only subagent is refused", async () => {
    const h = await setup({ mode: "ask" });
    let step = 0;
    const isExplore = (r: RecordedRequest) => systemOf(r).includes("read-only exploring");
    const main = mainOnly([{ agent: "explore", prompt: "look around" }]);
    h.server.setFallback((r) =>
      !isExplore(r)
        ? main(r)
        : step++ === 0
          ? { toolCalls: [{ id: "w1", name: "write_file", arguments: { path: "hacked.txt", content: "x" } }] }
          : { text: "explored" },
    );
    const events = await collect(h.session.send("explore"));
    const nested = events.filter((e) => e.type === "subagent" && e.event.type === "tool_result");
    expect(nested).toHaveLength(1);
    const r0 = nested[0]!;
    expect(r0.type === "subagent" && r0.event.type === "tool_result" && r0.event.state).toBe("error");
    expect(existsSync(join(h.root, "hacked.txt"))).toBe(false);
    expect(toolNames(h.server.requests.find(isExplore)!)).toEqual(["archival_memory_search", "conversation_search", "grep", "list_files", "read_file"]);
  });

  it("a subagent never has more than the parent's mode: general-purpose under read-only cannot write", async () => {
    const h = await setup({ mode: "read-only" });
    let step = 0;
    const isGeneral = (r: RecordedRequest) => systemOf(r).includes("You are a subagent of a coding agent");
    const main = mainOnly([{ agent: "general-purpose", prompt: "write a file" }]);
    h.server.setFallback((r) =>
      !isGeneral(r) ? main(r) : step++ === 0 ? { toolCalls: [{ id: "w1", name: "write_file", arguments: { path: "out.txt", content: "x" } }] } : { text: "could not" },
    );
    const events = await collect(h.session.send("go"));
    // It has the parent's tools (write_file among them, task not), and the parent's read-only mode refuses the write.
    const tools = toolNames(h.server.requests.find(isGeneral)!);
    expect(tools).toContain("write_file");
    expect(tools).not.toContain("task");
    const nested = events.find((e) => e.type === "subagent" && e.event.type === "tool_result");
    expect(nested && nested.type === "subagent" && nested.event.type === "tool_result" && nested.event.content).toMatch(/read-only/);
    expect(existsSync(join(h.root, "out.txt"))).toBe(false);
    // Its run is in recall: the parent can search what the subagent was asked.
    const found = await h.project.memory(h.session.info().agentId).recall.search("write a file");
    expect(found.some((m) => m.content.includes("write a file"))).toBe(true);
  });

  it("a definition's stricter permissionMode holds under a yolo parent; its disallowedTools are not offered", async () => {
    const planner = `---\nname: planner\ndescription: plans\npermissionMode: plan\ndisallowedTools: Bash\n---\nYou are PLANNER-PROMPT.\n`;
    const h = await setup({ mode: "yolo", agents: { "planner.md": planner } });
    let step = 0;
    route(h.server, [{ agent: "planner", prompt: "plan" }], () =>
      step++ === 0 ? { toolCalls: [{ id: "w1", name: "write_file", arguments: { path: "plan.txt", content: "x" } }] } : { text: "planned" },
    );
    const events = await collect(h.session.send("go"));
    const sub = h.server.requests.find((r) => systemOf(r).includes("PLANNER-PROMPT"))!;
    expect(toolNames(sub)).not.toContain("run_shell");
    expect(toolNames(sub)).toContain("write_file");
    const nested = events.find((e) => e.type === "subagent" && e.event.type === "tool_result");
    expect(nested && nested.type === "subagent" && nested.event.type === "tool_result" && nested.event.state).toBe("error");
    expect(existsSync(join(h.root, "plan.txt"))).toBe(false);
  });

  it("a definition asking for more than the parent gets no more: bypassPermissions, Bash, memory: write and another model under a read-only parent", async () => {
    const greedy = [
      "---",
      "name: greedy",
      "description: wants everything",
      "tools: Bash, Write, core_memory_append, Task, mcp__unapproved__run",
      "permissionMode: bypassPermissions",
      "memory: write",
      "model: other-model",
      "---",
      "You are GREEDY-PROMPT.",
      "",
    ].join("\n");
    const h = await setup({ mode: "read-only", agents: { "greedy.md": greedy }, flags: { apiKey: "parent-key" } });
    const project = h.project.memory(h.session.info().agentId).core.get("project")!.value;
    let step = 0;
    route(h.server, [{ agent: "greedy", prompt: "take over" }], () =>
      step++ === 0
        ? {
            toolCalls: [
              { id: "s1", name: "run_shell", arguments: { command: "touch pwned" } },
              { id: "s2", name: "write_file", arguments: { path: "pwned.txt", content: "x" } },
              { id: "s3", name: "core_memory_append", arguments: { label: "project", content: "OWNED" } },
              { id: "s4", name: "task", arguments: { agent: "explore", description: "d", prompt: "deeper" } },
            ],
          }
        : { text: "done" },
    );
    const events = await collect(h.session.send("go"));
    const sub = h.server.requests.filter((r) => systemOf(r).includes("GREEDY-PROMPT"));
    // Its model id, on the parent's endpoint with the parent's key: a definition names a model, never a server.
    expect(sub[0]!.body.model).toBe("other-model");
    expect(sub[0]!.headers.authorization).toBe("Bearer parent-key");
    // No task (depth 1), no tool of a server the user never approved.
    expect(toolNames(sub[0]!)).toEqual(["core_memory_append", "run_shell", "write_file"]);
    const results = events.filter((e) => e.type === "subagent" && e.event.type === "tool_result");
    expect(results).toHaveLength(4);
    for (const r of results) expect(r.type === "subagent" && r.event.type === "tool_result" && r.event.state).toBe("error");
    expect(existsSync(join(h.root, "pwned"))).toBe(false);
    expect(existsSync(join(h.root, "pwned.txt"))).toBe(false);
    expect(h.project.memory(h.session.info().agentId).core.get("project")!.value).toBe(project);
    expect(h.server.requests.some((r) => systemOf(r).includes("deeper") || JSON.stringify(r.body.messages).includes("You are a fast read-only"))).toBe(false);
  });
});

function mainOnly(calls: { agent: string; prompt: string }[]) {
  return (r: RecordedRequest) =>
    !hasToolResults(r)
      ? { toolCalls: calls.map((c, i) => ({ id: `task_${i}`, name: "task", arguments: { agent: c.agent, description: `job ${i}`, prompt: c.prompt } })) }
      : { text: "main: all done" };
}

