import { existsSync, readFileSync, statSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import Letta from "@letta-ai/letta-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedServer, type RecordedRequest, type ScriptedServer } from "../helpers/llm-server.mjs";
import { runCli } from "../helpers/cli.js";
import { chatSequenceProblem } from "../helpers/chat-sequence.js";
import { serveProject, startServe, type Served } from "../helpers/serve.js";

/*
 * `letta-code serve` driven by the official TypeScript client, unchanged, against the scripted model.
 */
let llm: ScriptedServer;
beforeAll(async () => {
  llm = await startScriptedServer();
});
afterAll(() => llm.close());

const lastUser = (req: RecordedRequest): string => [...req.body.messages].reverse().find((m: { role: string }) => m.role === "user")?.content ?? "";

async function withServe<T>(fn: (s: Served, p: ReturnType<typeof serveProject>) => Promise<T>, opts: Parameters<typeof startServe>[2] = {}, project = serveProject()): Promise<T> {
  const s = await startServe(project, llm.url, opts);
  try {
    return await fn(s, project);
  } finally {
    expect(await s.stop()).toBe(0);
  }
}

/** A raw request, for what the client would never send (bad JSON, no token, another Host). */
function raw(url: string, method: string, path: string, opts: { body?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; body: any; headers: Record<string, unknown> }> {
  const u = new URL(path, url);
  return new Promise((resolve, reject) => {
    const req = request(u, { method, headers: { "content-type": "application/json", ...opts.headers } }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : undefined, headers: res.headers }));
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

const seedAgent = (client: Letta) =>
  client.agents.create({
    name: "CodeArchitect",
    memory_blocks: [
      { label: "persona", value: "I am a senior backend engineer who prefers clean, asynchronous Python code." },
      { label: "human", value: "The user is building a web application." },
    ],
  });

describe("letta-code serve with the official Letta client", () => {
  it("the seed's example: CodeArchitect remembers SQLAlchemy 2.0 in its human block, and still does after a restart", async () => {
    const p = serveProject();
    const agentId = await withServe(async ({ client }) => {
      expect(await client.health()).toMatchObject({ status: "ok" });
      const agent = await seedAgent(client);
      expect(agent.name).toBe("CodeArchitect");
      expect(agent.memory.blocks.map((b) => b.label)).toEqual(["persona", "human"]);
      llm.enqueue({ toolCalls: [{ name: "core_memory_append", arguments: { label: "human", content: "Uses SQLAlchemy 2.0.", reason: "stack choice" } }] }, { text: "Got it: SQLAlchemy 2.0." });
      const reply = await client.agents.messages.create(agent.id, { messages: [{ role: "user", content: "Remember that we are using SQLAlchemy 2.0" }] });
      const types = reply.messages.map((m) => m.message_type);
      expect(types).toEqual(["tool_call_message", "tool_return_message", "assistant_message"]);
      const call = reply.messages[0] as Letta.Agents.ToolCallMessage;
      expect((call.tool_call as Letta.Agents.ToolCall).name).toBe("core_memory_append");
      expect(reply.messages[2]).toMatchObject({ content: "Got it: SQLAlchemy 2.0." });
      for (const m of reply.messages) expect(m.id && m.date).toBeTruthy();
      expect(reply.stop_reason.stop_reason).toBe("end_turn");
      expect(reply.usage.total_tokens).toBeGreaterThan(0);
      const human = await client.agents.blocks.retrieve("human", { agent_id: agent.id });
      expect(human.value).toContain("SQLAlchemy 2.0");
      return agent.id;
    }, {}, p);
    // A new process on the same .letta/: the agent, its blocks and its conversation are all there.
    await withServe(async ({ client }) => {
      const again = await client.agents.retrieve(agentId);
      expect(again.name).toBe("CodeArchitect");
      expect(again.blocks.find((b) => b.label === "human")!.value).toContain("SQLAlchemy 2.0");
      const history = [];
      for await (const m of client.agents.messages.list(agentId, { order: "asc" })) history.push(m);
      expect(history.map((m) => m.message_type)).toEqual(["user_message", "tool_call_message", "tool_return_message", "assistant_message"]);
    }, {}, p);
  }, 60_000);

  it("core-memory edits through the API are recorded as actor api with the request's reason, and memory log and undo see them", async () => {
    const p = serveProject();
    const agentId = await withServe(async ({ client }) => {
      const agent = await seedAgent(client);
      const updated = await client.agents.blocks.update("human", { agent_id: agent.id, value: "Ana, prefers SQLAlchemy 2.0", reason: "told us on the phone" } as Letta.Agents.BlockUpdateParams);
      expect(updated.value).toBe("Ana, prefers SQLAlchemy 2.0");
      const listed = [];
      for await (const b of client.agents.blocks.list(agent.id)) listed.push(b.label);
      expect(listed).toEqual(["persona", "human"]);
      return agent.id;
    }, {}, p);
    const log = await runCli(["memory", "--agent", "CodeArchitect", "log", "--json"], { cwd: p.root, home: p.home });
    const events = JSON.parse(log.stdout);
    expect(events[0]).toMatchObject({ agent_id: agentId, actor: "api", label: "human", after: "Ana, prefers SQLAlchemy 2.0", reason: "told us on the phone" });
    const text = await runCli(["memory", "--agent", "CodeArchitect", "log"], { cwd: p.root, home: p.home });
    expect(text.stdout).toContain("api");
    const undo = await runCli(["memory", "--agent", "CodeArchitect", "undo", events[0].id], { cwd: p.root, home: p.home });
    expect(undo.code, undo.stderr).toBe(0);
    const shown = await runCli(["memory", "--agent", "CodeArchitect", "show", "human"], { cwd: p.root, home: p.home });
    expect(shown.stdout).toContain("The user is building a web application.");
  }, 60_000);

  it("archival memory: passages created, listed, found by search with tags, deleted", async () => {
    await withServe(async ({ client }) => {
      const agent = await seedAgent(client);
      const created = await client.agents.passages.create(agent.id, { text: "The billing service retries webhooks three times.", tags: ["ops"] });
      expect(created).toHaveLength(1);
      expect(created[0]).toMatchObject({ text: "The billing service retries webhooks three times.", tags: ["ops"] });
      await client.agents.passages.create(agent.id, { text: "Deploys go out on Tuesdays.", tags: ["ops", "release"] });
      const found = await client.agents.passages.search(agent.id, { query: "webhooks retries" });
      expect(found.count).toBeGreaterThan(0);
      expect(found.results[0]).toMatchObject({ content: "The billing service retries webhooks three times.", tags: ["ops"] });
      expect(found.results[0]!.timestamp).toBeTruthy();
      const both = await client.agents.passages.search(agent.id, { query: "deploys", tags: ["ops", "release"], tag_match_mode: "all" });
      expect(both.results.map((r) => r.content)).toEqual(["Deploys go out on Tuesdays."]);
      const listed = await client.agents.passages.list(agent.id, { limit: 1 });
      expect(listed).toHaveLength(1);
      const next = await client.agents.passages.list(agent.id, { after: listed[0]!.id! });
      expect(next.map((x) => x.text)).toEqual(["Deploys go out on Tuesdays."]);
      await client.agents.passages.delete(created[0]!.id!, { agent_id: agent.id });
      expect((await client.agents.passages.list(agent.id)).map((x) => x.text)).toEqual(["Deploys go out on Tuesdays."]);
    });
  }, 60_000);

  it("a streamed reply arrives as SSE chunks: token chunks of one assistant message, then stop_reason and usage", async () => {
    await withServe(async ({ client, url, token }) => {
      const agent = await seedAgent(client);
      llm.enqueue({ text: "Streaming answer in several pieces.", chunkSize: 5, chunkDelayMs: 5 });
      const stream = await client.agents.messages.stream(agent.id, { messages: [{ role: "user", content: "stream please" }], stream_tokens: true });
      const chunks: Letta.Agents.LettaStreamingResponse[] = [];
      for await (const c of stream) chunks.push(c);
      const text = chunks.filter((c) => c.message_type === "assistant_message") as Letta.Agents.AssistantMessage[];
      expect(text.length).toBeGreaterThan(3);
      expect(new Set(text.map((c) => c.id)).size).toBe(1);
      expect(text.map((c) => c.content).join("")).toBe("Streaming answer in several pieces.");
      expect(chunks.at(-2)).toMatchObject({ message_type: "stop_reason", stop_reason: "end_turn" });
      expect(chunks.at(-1)).toMatchObject({ message_type: "usage_statistics" });
      // On the wire: text/event-stream, `data:` lines, `[DONE]` last; `streaming: true` on the plain route too.
      llm.enqueue({ text: "whole steps" });
      const res = await fetch(`${url}/v1/agents/${agent.id}/messages`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ messages: [{ role: "user", content: "again" }], streaming: true }),
      });
      expect(res.headers.get("content-type")).toBe("text/event-stream");
      const body = await res.text();
      expect(body.trim().split("\n\n").at(-1)).toBe("data: [DONE]");
      expect(body).toContain('"content":"whole steps"');
    });
  }, 60_000);

  it("lists page with `after`: agents (filtered by name and tags) and messages", async () => {
    await withServe(async ({ client }) => {
      const made = [];
      for (let i = 0; i < 5; i++) made.push(await client.agents.create({ name: `agent-${i}`, tags: i % 2 ? ["odd"] : ["even"] }));
      const first = await client.agents.list({ limit: 2, order: "asc" });
      expect(first.items.map((a) => a.name)).toEqual(["agent-0", "agent-1"]);
      const second = await client.agents.list({ limit: 2, order: "asc", after: first.items[1]!.id });
      expect(second.items.map((a) => a.name)).toEqual(["agent-2", "agent-3"]);
      const all = [];
      for await (const a of client.agents.list({ limit: 2 })) all.push(a.name);
      expect(all).toEqual(["agent-4", "agent-3", "agent-2", "agent-1", "agent-0"]);
      expect((await client.agents.list({ name: "agent-3" })).items.map((a) => a.id)).toEqual([made[3]!.id]);
      expect((await client.agents.list({ tags: ["odd"], order: "asc" })).items.map((a) => a.name)).toEqual(["agent-1", "agent-3"]);

      llm.enqueue({ text: "one" }, { text: "two" });
      await client.agents.messages.create(made[0]!.id, { messages: [{ role: "user", content: "first" }] });
      await client.agents.messages.create(made[0]!.id, { messages: [{ role: "user", content: "second" }] });
      const page = await client.agents.messages.list(made[0]!.id, { limit: 2, order: "asc" });
      expect(page.items.map((m) => m.message_type)).toEqual(["user_message", "assistant_message"]);
      const rest = await client.agents.messages.list(made[0]!.id, { limit: 10, order: "asc", after: page.items[1]!.id });
      expect(rest.items.map((m) => (m as { content: string }).content)).toEqual(["second", "two"]);
      const newest = await client.agents.messages.list(made[0]!.id, { limit: 1 });
      expect(newest.items.map((m) => (m as { content: string }).content)).toEqual(["two"]);

      await client.agents.update(made[1]!.id, { name: "renamed", description: "d", tags: ["x"] });
      expect(await client.agents.retrieve(made[1]!.id)).toMatchObject({ name: "renamed", description: "d", tags: ["x"] });
      await client.agents.delete(made[4]!.id);
      await expect(client.agents.retrieve(made[4]!.id)).rejects.toMatchObject({ status: 404 });
    });
  }, 60_000);

  it("approval round trip: requires_approval with an approval_request_message; an approval runs the call, a denial's reason reaches the model", async () => {
    await withServe(async ({ client }, p) => {
      const agent = await seedAgent(client);
      llm.enqueue({ toolCalls: [{ id: "call_w1", name: "write_file", arguments: { path: "notes.txt", content: "hello\n" } }] }, { text: "Wrote notes.txt." });
      const first = await client.agents.messages.create(agent.id, { messages: [{ role: "user", content: "write notes.txt" }] });
      expect(first.stop_reason.stop_reason).toBe("requires_approval");
      const ask = first.messages.at(-1) as Letta.Agents.ApprovalRequestMessage;
      expect(ask.message_type).toBe("approval_request_message");
      expect(ask.tool_calls).toMatchObject([{ tool_call_id: "call_w1", name: "write_file" }]);
      expect(existsSync(join(p.root, "notes.txt"))).toBe(false);
      // Another user message meanwhile is refused: the agent waits for the answer.
      await expect(client.agents.messages.create(agent.id, { messages: [{ role: "user", content: "hello?" }] })).rejects.toMatchObject({ status: 409 });
      const second = await client.agents.messages.create(agent.id, { messages: [{ type: "approval", approvals: [{ type: "approval", tool_call_id: "call_w1", approve: true }] }] });
      expect(second.messages.map((m) => m.message_type)).toEqual(["tool_return_message", "assistant_message"]);
      expect(second.stop_reason.stop_reason).toBe("end_turn");
      expect(readFileSync(join(p.root, "notes.txt"), "utf8")).toBe("hello\n");

      llm.enqueue({ toolCalls: [{ id: "call_w2", name: "run_shell", arguments: { command: "rm -rf build" } }] }, { text: "Fine, I will not." });
      const third = await client.agents.messages.create(agent.id, { messages: [{ role: "user", content: "clean up" }] });
      expect(third.stop_reason.stop_reason).toBe("requires_approval");
      const before = llm.requests.length;
      const denied = await client.agents.messages.create(agent.id, { messages: [{ type: "approval", approvals: [{ type: "approval", tool_call_id: "call_w2", approve: false, reason: "keep the build folder" }] }] });
      expect(denied.messages.at(-1)).toMatchObject({ message_type: "assistant_message", content: "Fine, I will not." });
      const toolResult = llm.requests[before]!.body.messages.at(-1);
      expect(toolResult).toMatchObject({ role: "tool", tool_call_id: "call_w2" });
      expect(toolResult.content).toContain("keep the build folder");
      for (const r of llm.requests.slice(before)) expect(chatSequenceProblem(r.body.messages)).toBeNull();
    }, { args: ["--permission-mode", "ask"] });
  }, 60_000);

  it("an approval nobody answers is refused after the timeout and the agent takes messages again", async () => {
    await withServe(async ({ client }) => {
      const agent = await seedAgent(client);
      llm.enqueue({ toolCalls: [{ id: "call_t", name: "write_file", arguments: { path: "x.txt", content: "x" } }] }, { text: "Not written." }, { text: "next answer" });
      const first = await client.agents.messages.create(agent.id, { messages: [{ role: "user", content: "write x" }] });
      expect(first.stop_reason.stop_reason).toBe("requires_approval");
      await new Promise((r) => setTimeout(r, 1500));
      const next = await client.agents.messages.create(agent.id, { messages: [{ role: "user", content: "go on" }] });
      expect(next.messages.at(-1)).toMatchObject({ content: "next answer" });
    }, { args: ["--permission-mode", "ask"], serveArgs: ["--approval-timeout", "1"] });
  }, 60_000);

  it("auth: 401 without the token or with a wrong one; the generated token is stored 0600 and reused", async () => {
    const p = serveProject();
    const token = await withServe(async ({ url, token, stdout }) => {
      expect(stdout()).toContain("(0600)");
      const file = join(p.home, ".config", "letta-code", "serve-token");
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(file, "utf8").trim()).toBe(token);
      const none = await raw(url, "GET", "/v1/agents/");
      expect(none.status).toBe(401);
      expect(none.body.detail).toMatch(/token/);
      const wrong = new Letta({ baseURL: url, apiKey: "nope", maxRetries: 0 });
      await expect(wrong.agents.list()).rejects.toMatchObject({ status: 401 });
      expect((await raw(url, "GET", "/v1/agents/", { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      return token;
    }, { token: null }, p);
    await withServe(async ({ stdout }) => {
      expect(stdout()).toContain("the token stored in");
      const again = new Letta({ baseURL: /on (http\S+)/.exec(stdout())![1]!, apiKey: token, maxRetries: 0 });
      expect(await again.health()).toMatchObject({ status: "ok" });
    }, { token: null }, p);
  }, 60_000);

  it("bad input answers 400/422/404/413 and changes nothing; unsupported routes are a JSON 404; a foreign Host is refused", async () => {
    await withServe(async ({ url, token, client }) => {
      const agent = await seedAgent(client);
      const auth = { authorization: `Bearer ${token}` };
      const requestsAtStart = llm.requests.length;
      const state = async () => JSON.stringify([(await client.agents.list()).items, await client.agents.passages.list(agent.id)]);
      const before = await state();
      const bad = await raw(url, "POST", "/v1/agents/", { headers: auth, body: "{not json" });
      expect(bad.status).toBe(400);
      const invalid = await raw(url, "POST", "/v1/agents/", { headers: auth, body: JSON.stringify({ name: "x", memory_blocks: [{ label: "human" }] }) });
      expect(invalid.status).toBe(422);
      expect(invalid.body.detail[0].loc).toEqual(["body", "memory_blocks", 0, "value"]);
      const over = await raw(url, "POST", "/v1/agents/", { headers: auth, body: JSON.stringify({ name: "y", memory_blocks: [{ label: "human", value: "x".repeat(20), limit: 10 }] }) });
      expect(over.status).toBe(422);
      const noText = await raw(url, "POST", `/v1/agents/${agent.id}/archival-memory`, { headers: auth, body: JSON.stringify({ tags: ["a"] }) });
      expect(noText.status).toBe(422);
      expect(noText.body.detail[0].loc).toEqual(["body", "text"]);
      const badRole = await raw(url, "POST", `/v1/agents/${agent.id}/messages`, { headers: auth, body: JSON.stringify({ messages: [{ role: "wizard", content: "hi" }] }) });
      expect(badRole.status).toBe(422);
      expect(badRole.body.detail[0].loc).toEqual(["body", "messages", 0, "role"]);
      const badLimit = await raw(url, "GET", `/v1/agents/?limit=zero`, { headers: auth });
      expect(badLimit.status).toBe(422);
      expect(badLimit.body.detail[0].loc).toEqual(["query", "limit"]);
      await expect(client.agents.retrieve("agent-00000000-0000-0000-0000-000000000000")).rejects.toMatchObject({ status: 404 });
      await expect(client.agents.blocks.retrieve("nope", { agent_id: agent.id })).rejects.toMatchObject({ status: 404 });
      await expect(client.agents.blocks.update("nope", { agent_id: agent.id, value: "v" })).rejects.toMatchObject({ status: 404 });
      await expect(client.agents.passages.delete("passage-999", { agent_id: agent.id })).rejects.toMatchObject({ status: 404 });
      await expect(client.agents.messages.create("agent-missing", { messages: [{ role: "user", content: "hi" }] })).rejects.toMatchObject({ status: 404 });
      const big = await raw(url, "POST", `/v1/agents/${agent.id}/archival-memory`, { headers: auth, body: JSON.stringify({ text: "x".repeat(5000) }) });
      expect(big.status).toBe(413);
      expect(await state()).toBe(before);
      expect(llm.requests.length).toBe(requestsAtStart);

      const unsupported = await raw(url, "GET", "/v1/tools/", { headers: auth });
      expect(unsupported.status).toBe(404);
      expect(unsupported.body.detail).toMatch(/not supported by this server/);
      const foreign = await raw(url, "GET", "/v1/health/", { headers: { ...auth, host: "evil.example:80" } });
      expect(foreign.status).toBe(403);
      expect((await raw(url, "OPTIONS", "/v1/agents/", { headers: { origin: "http://app.example" } })).headers["access-control-allow-origin"]).toBeUndefined();
    }, { serveArgs: ["--max-body", "4096"] });
  }, 60_000);

  it("CORS only for the --cors origin", async () => {
    await withServe(async ({ url, token }) => {
      const pre = await raw(url, "OPTIONS", "/v1/agents/", { headers: { origin: "http://app.example", "access-control-request-method": "POST" } });
      expect(pre.status).toBe(204);
      expect(pre.headers["access-control-allow-origin"]).toBe("http://app.example");
      const other = await raw(url, "GET", "/v1/health/", { headers: { origin: "http://other.example", authorization: `Bearer ${token}` } });
      expect(other.headers["access-control-allow-origin"]).toBeUndefined();
    }, { serveArgs: ["--cors", "http://app.example"] });
  }, 60_000);

  it("a client that disconnects mid-stream cancels the turn; the conversation stays valid and the next turn runs", async () => {
    await withServe(async ({ client, stderr }) => {
      const agent = await seedAgent(client);
      llm.enqueue({ text: "a long answer that is cut off halfway through by the client going away", chunkSize: 3, chunkDelayMs: 40 });
      const stream = await client.agents.messages.stream(agent.id, { messages: [{ role: "user", content: "talk slowly" }], stream_tokens: true });
      let got = 0;
      for await (const _ of stream) if (++got === 3) break;
      llm.enqueue({ text: "fresh answer" });
      const next = await client.agents.messages.create(agent.id, { messages: [{ role: "user", content: "are you there?" }] });
      expect(next.messages.at(-1)).toMatchObject({ content: "fresh answer" });
      const req = llm.requests.at(-1)!;
      expect(chatSequenceProblem(req.body.messages)).toBeNull();
      expect(req.body.messages.map((m: { content: string }) => m.content).join("\n")).toContain("[interrupted]");
      expect(stderr()).toMatch(/closed by the client/);
    });
  }, 60_000);

  it("SIGTERM mid-turn: the turn is cancelled and saved, the server exits 0", async () => {
    const p = serveProject();
    let agentId = "";
    const s = await startServe(p, llm.url);
    agentId = (await seedAgent(s.client)).id;
    llm.enqueue({ text: "slow words keep coming for quite a while here", chunkSize: 2, chunkDelayMs: 60 });
    const pending = s.client.agents.messages.create(agentId, { messages: [{ role: "user", content: "slow one" }] });
    await new Promise((r) => setTimeout(r, 300));
    expect(await s.stop()).toBe(0);
    const reply = await pending.catch((e) => e);
    if (!(reply instanceof Error)) expect(reply.stop_reason.stop_reason).toBe("cancelled");
    await withServe(async ({ client }) => {
      const history = (await client.agents.messages.list(agentId, { order: "asc" })).items.map((m) => (m as { content?: string }).content ?? "");
      expect(history[0]).toBe("slow one");
      expect(history[1]).toContain("[interrupted]");
    }, {}, p);
  }, 60_000);

  it("50 concurrent requests over 10 agents, two per agent at once: all answered, each agent's turns serialised, every model request a valid chat", async () => {
    const before = llm.requests.length;
    llm.setFallback((req) => {
      const job = /job (\d+-\d+)/.exec(lastUser(req))?.[1];
      if (!job) return { text: "no job" };
      if (req.body.messages.at(-1).role === "user") return { delayMs: 15, toolCalls: [{ name: "archival_memory_insert", arguments: { content: `fact of job ${job}` } }] };
      return { delayMs: 10, text: `answer to job ${job}` };
    });
    try {
      await withServe(async ({ client }) => {
        const agents = [];
        for (let a = 0; a < 10; a++) agents.push(await client.agents.create({ name: `worker-${a}`, memory_blocks: [{ label: "persona", value: `I am worker-${a}.` }] }));
        const answers: string[] = [];
        await Promise.all(
          agents.map(async (agent, a) => {
            const jobs = Array.from({ length: 5 }, (_, j) => `${a}-${j}`);
            const lane = async () => {
              for (let job = jobs.shift(); job; job = jobs.shift()) {
                const r = await client.agents.messages.create(agent.id, { messages: [{ role: "user", content: `job ${job}: store your fact, then answer` }] });
                const last = r.messages.at(-1) as { content: string };
                expect(last.content).toBe(`answer to job ${job}`);
                answers.push(job);
              }
            };
            await Promise.all([lane(), lane()]);
          }),
        );
        expect(answers).toHaveLength(50);
      });
      const reqs = llm.requests.slice(before);
      expect(reqs).toHaveLength(100);
      const byAgent = new Map<string, string[]>();
      for (const r of reqs) {
        expect(chatSequenceProblem(r.body.messages)).toBeNull();
        const who = /I am (worker-\d+)\./.exec(r.body.messages[0].content)![1]!;
        byAgent.set(who, [...(byAgent.get(who) ?? []), /job (\d+-\d+)/.exec(lastUser(r))![1]!]);
      }
      // Serialised: an agent's two model requests of one job are adjacent, never split by another job of that agent.
      for (const jobs of byAgent.values()) {
        expect(jobs).toHaveLength(10);
        for (let i = 0; i < jobs.length; i += 2) expect(jobs[i + 1]).toBe(jobs[i]);
      }
    } finally {
      llm.setFallback(undefined);
    }
  }, 120_000);
});
