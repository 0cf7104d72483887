import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedServer, type ScriptedServer } from "../helpers/llm-server.mjs";

/** The raw SSE `data:` payloads of a streaming request, parsed (except the final [DONE]). */
async function sse(url: string, body: object): Promise<{ contentType: string | null; events: any[]; done: boolean }> {
  const res = await fetch(`${url}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }], stream: true, ...body }),
  });
  const raw = await res.text();
  const datas = raw.split("\n\n").filter(Boolean).map((block) => {
    expect(block.startsWith("data: ")).toBe(true);
    return block.slice(6);
  });
  const done = datas.at(-1) === "[DONE]";
  return { contentType: res.headers.get("content-type"), events: datas.filter((d) => d !== "[DONE]").map((d) => JSON.parse(d)), done };
}

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(() => server.close());

describe("scripted server wire format", () => {
  it("streams text as chat.completion.chunk events, role first, finish_reason, usage, [DONE]", async () => {
    server.enqueue({ text: "abcdef", chunkSize: 2 });
    const { contentType, events, done } = await sse(server.url, { stream_options: { include_usage: true } });
    expect(contentType).toBe("text/event-stream");
    expect(done).toBe(true);
    for (const e of events) {
      expect(e).toMatchObject({ object: "chat.completion.chunk", model: "m" });
      expect(typeof e.id).toBe("string");
      expect(typeof e.created).toBe("number");
    }
    expect(events[0].choices[0].delta.role).toBe("assistant");
    expect(events.slice(1, 4).map((e) => e.choices[0].delta.content)).toEqual(["ab", "cd", "ef"]);
    expect(events[4].choices[0].finish_reason).toBe("stop");
    expect(events[5].choices).toEqual([]);
    expect(events[5].usage.total_tokens).toBe(events[5].usage.prompt_tokens + events[5].usage.completion_tokens);
  });

  it("omits usage unless include_usage is asked for", async () => {
    server.enqueue({ text: "x" });
    const { events } = await sse(server.url, {});
    expect(events.some((e) => e.usage)).toBe(false);
  });

  it("streams parallel tool calls: head fragment with id/name, then interleaved argument pieces", async () => {
    server.enqueue({ toolCalls: [{ name: "a", arguments: { x: 1 }, id: "c0" }, { name: "b", arguments: "{}" }], argChunkSize: 3 });
    const { events } = await sse(server.url, {});
    const frags = events.flatMap((e) => e.choices[0]?.delta.tool_calls ?? []);
    expect(frags[0]).toEqual({ index: 0, id: "c0", type: "function", function: { name: "a", arguments: "" } });
    expect(frags[1]).toMatchObject({ index: 1, type: "function", function: { name: "b", arguments: "" } });
    expect(frags.slice(2).map((f) => f.index)).toEqual([0, 1, 0, 0]); // round-robin while both have pieces
    expect(frags.filter((f) => f.index === 0).map((f) => f.function.arguments).join("")).toBe('{"x":1}');
    expect(events.at(-1).choices[0].finish_reason).toBe("tool_calls");
  });

  it("answers non-streaming requests with a chat.completion", async () => {
    server.enqueue({ toolCalls: [{ name: "t", arguments: { a: 1 }, id: "id1" }] });
    const res = await fetch(`${server.url}/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "m", messages: [] }),
    });
    const json: any = await res.json();
    expect(json.object).toBe("chat.completion");
    expect(json.choices[0].message).toEqual({
      role: "assistant",
      content: null,
      tool_calls: [{ id: "id1", type: "function", function: { name: "t", arguments: '{"a":1}' } }],
    });
    expect(json.choices[0].finish_reason).toBe("tool_calls");
  });

  it("lists a model, scripts errors, calls script functions, and says when nothing is queued", async () => {
    const models: any = await (await fetch(`${server.url}/models`)).json();
    expect(models.data[0].id).toBe("scripted-model");

    server.enqueue({ error: { status: 429, headers: { "retry-after": "3" }, body: "slow down" } });
    const limited = await fetch(`${server.url}/chat/completions`, { method: "POST", body: "{}" });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("3");
    expect(await limited.text()).toBe("slow down");

    server.enqueue((req) => ({ text: `you said ${req.body.messages[0].content}` }));
    const { events } = await sse(server.url, {});
    expect(events.map((e) => e.choices[0]?.delta.content ?? "").join("")).toBe("you said hi");

    const empty = await fetch(`${server.url}/chat/completions`, { method: "POST", body: "{}" });
    expect(empty.status).toBe(500);
    expect(await empty.text()).toContain("scripted server: no response queued");
  });
});

describe("scripted server as a process", () => {
  it("reads a JSON script, prints its URL, serves the replies and logs requests", async () => {
    const dir = mkdtempSync(join(tmpdir(), "llm-server-"));
    writeFileSync(join(dir, "script.json"), JSON.stringify([{ text: "from the script" }]));
    const script = new URL("../helpers/llm-server.mjs", import.meta.url).pathname;
    const child = spawn(process.execPath, [script, "--script", join(dir, "script.json"), "--requests-log", join(dir, "log.jsonl")], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      const url = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once("line", resolve));
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      const { events } = await sse(url, {});
      expect(events.map((e) => e.choices[0]?.delta.content ?? "").join("")).toBe("from the script");
      await fetch(`${url}/__enqueue`, { method: "POST", body: JSON.stringify([{ text: "added later" }]) });
      const second = await sse(url, {});
      expect(second.events.map((e) => e.choices[0]?.delta.content ?? "").join("")).toBe("added later");
      const seen: any = await (await fetch(`${url}/__requests`)).json();
      expect(seen).toHaveLength(2);
      const log = readFileSync(join(dir, "log.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
      expect(log[0].body.messages[0].content).toBe("hi");
    } finally {
      child.kill("SIGTERM");
    }
    const code = await new Promise((resolve) => child.once("exit", resolve));
    expect(code).toBe(0);
  });
});
