import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createOpenAIClient, retryAfter, retryDelay } from "../../src/llm/openai-client.js";
import { ModelError, type ModelClient, type StreamHandlers } from "../../src/llm/types.js";
import { startScriptedServer, type ScriptedServer } from "../helpers/llm-server.mjs";

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  expect(server.pending).toBe(0); // a test that left replies queued would confuse the next one
});

const user = (content: string) => [{ role: "user" as const, content }];
/** Fast retries so failure paths take milliseconds. */
const client = (extra: Partial<Parameters<typeof createOpenAIClient>[0]> = {}): ModelClient =>
  createOpenAIClient({ baseURL: server.url, model: "test-model", retryBaseMs: 5, ...extra });

async function failure(p: Promise<unknown>): Promise<ModelError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelError);
  return err as ModelError;
}

function recorder() {
  const deltas: string[] = [];
  const starts: { index: number; id: string; name: string }[] = [];
  const retries: { attempt: number; delayMs: number; reason: string }[] = [];
  const handlers: StreamHandlers = {
    onText: (d) => deltas.push(d),
    onToolCallStart: (c) => starts.push(c),
    onRetry: (r) => retries.push(r),
  };
  return { deltas, starts, retries, handlers };
}

describe("createOpenAIClient: streaming", () => {
  it("assembles streamed text and delivers the deltas in order", async () => {
    const text = "Hello there! This answer arrives in several small pieces.";
    server.enqueue({ text, chunkSize: 7 });
    const r = recorder();
    const turn = await client().complete({ messages: user("hi") }, r.handlers);
    expect(turn.text).toBe(text);
    expect(turn.finishReason).toBe("stop");
    expect(turn.toolCalls).toEqual([]);
    expect(r.deltas.length).toBe(Math.ceil(text.length / 7));
    expect(r.deltas.join("")).toBe(text);

    const sent = server.requests[0];
    expect(sent.body).toMatchObject({ model: "test-model", stream: true, stream_options: { include_usage: true } });
    expect(sent.body.messages).toEqual(user("hi"));
    expect("tools" in sent.body).toBe(false); // empty tool lists confuse some local servers
    expect(sent.headers.authorization).toBe("Bearer not-needed");
  });

  it("assembles parallel tool calls from fragmented, interleaved arguments", async () => {
    server.enqueue({
      text: "Let me look.",
      argChunkSize: 4,
      toolCalls: [
        { id: "call_a", name: "read_file", arguments: { path: "src/index.ts", limit: 200 } },
        { id: "call_b", name: "run_shell", arguments: { command: "npm test -- --reporter=dot" } },
      ],
    });
    const r = recorder();
    const tools = [{ type: "function" as const, function: { name: "read_file", description: "d", parameters: { type: "object" } } }];
    const turn = await client().complete({ messages: user("go"), tools }, r.handlers);
    expect(turn.finishReason).toBe("tool_calls");
    expect(turn.text).toBe("Let me look.");
    expect(turn.toolCalls).toEqual([
      { id: "call_a", name: "read_file", arguments: JSON.stringify({ path: "src/index.ts", limit: 200 }) },
      { id: "call_b", name: "run_shell", arguments: JSON.stringify({ command: "npm test -- --reporter=dot" }) },
    ]);
    expect(r.starts).toEqual([
      { index: 0, id: "call_a", name: "read_file" },
      { index: 1, id: "call_b", name: "run_shell" },
    ]);
    expect(server.requests[0].body.tools).toEqual(tools);
  });

  it("reports usage, and tolerates servers that never send it", async () => {
    server.enqueue({ text: "a", usage: { prompt_tokens: 120, completion_tokens: 7 } }, { text: "b", usage: false });
    const withUsage = await client().complete({ messages: user("x") });
    expect(withUsage.usage).toEqual({ promptTokens: 120, completionTokens: 7, totalTokens: 127 });
    const without = await client().complete({ messages: user("x") });
    expect(without.text).toBe("b");
    expect(without.usage).toBeUndefined();
  });

  it("sends maxTokens as max_tokens (max_completion_tokens for reasoning models)", async () => {
    server.enqueue({ text: "s" }, { text: "t" });
    await client().complete({ messages: user("x"), maxTokens: 256 });
    await client({ model: "gpt-5-mini" }).complete({ messages: user("x"), maxTokens: 256 });
    expect(server.requests[0].body.max_tokens).toBe(256);
    expect(server.requests[1].body.max_completion_tokens).toBe(256);
    expect(server.requests[1].body.max_tokens).toBeUndefined();
  });

  it("drops stream_options for servers that reject it, and remembers", async () => {
    const picky = (req: { body: any }) =>
      req.body.stream_options
        ? { error: { status: 400, body: { error: { message: "Unrecognized request argument: stream_options" } } } }
        : { text: "ok" };
    server.enqueue(picky, picky, picky);
    const c = client();
    expect((await c.complete({ messages: user("x") })).text).toBe("ok");
    expect((await c.complete({ messages: user("y") })).text).toBe("ok");
    expect(server.requests.map((r) => "stream_options" in r.body)).toEqual([true, false, false]);
  });
});

describe("createOpenAIClient: retries", () => {
  it("retries a 500 and reports the retry", async () => {
    server.enqueue({ error: { status: 500 } }, { text: "recovered" });
    const r = recorder();
    const turn = await client().complete({ messages: user("x") }, r.handlers);
    expect(turn.text).toBe("recovered");
    expect(r.retries).toHaveLength(1);
    expect(r.retries[0].attempt).toBe(1);
    expect(r.retries[0].reason).toBe("500 Internal Server Error");
    expect(server.requests).toHaveLength(2);
  });

  it("honours retry-after-ms on a 429", async () => {
    server.enqueue({ error: { status: 429, headers: { "retry-after-ms": "200" } } }, { text: "ok" });
    const r = recorder();
    const t0 = Date.now();
    await client({ retryBaseMs: 1 }).complete({ messages: user("x") }, r.handlers);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    expect(r.retries[0]).toMatchObject({ attempt: 1, delayMs: 200, reason: "429 Too Many Requests" });
  });

  it("honours Retry-After in seconds", async () => {
    server.enqueue({ error: { status: 429, headers: { "retry-after": "1" } } }, { text: "ok" });
    const r = recorder();
    const t0 = Date.now();
    await client({ retryBaseMs: 1 }).complete({ messages: user("x") }, r.handlers);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(980);
    expect(r.retries[0].delayMs).toBe(1000);
  });

  it("gives up on a persistent 500 with the URL, status, body and attempt count", async () => {
    const body = { error: { message: "model crashed: CUDA out of memory", type: "server_error" } };
    for (let i = 0; i < 4; i++) server.enqueue({ error: { status: 500, body } });
    const r = recorder();
    const err = await failure(client({ maxRetries: 3 }).complete({ messages: user("x") }, r.handlers));
    expect(err.message).toBe(
      `Model request to ${server.url} failed after 4 attempts: 500 Internal Server Error: ${JSON.stringify(body)}`,
    );
    expect(err.status).toBe(500);
    expect(err.attempts).toBe(4);
    expect(err.url).toBe(server.url);
    expect(err.aborted).toBe(false);
    expect(r.retries.map((x) => x.attempt)).toEqual([1, 2, 3]);
    expect(server.requests).toHaveLength(4);
  });

  it("explains connection refused", async () => {
    const gone = await startScriptedServer();
    await gone.close(); // a port that nothing listens on
    const r = recorder();
    const err = await failure(
      createOpenAIClient({ baseURL: gone.url, model: "m", retryBaseMs: 1, maxRetries: 1 }).complete({ messages: user("x") }, r.handlers),
    );
    expect(err.message).toBe(`could not connect to ${gone.url}: connection refused — is the server running? (2 attempts)`);
    expect(r.retries[0].reason).toBe("connection refused");
  });

  it("does not retry 401 and names OPENAI_API_KEY", async () => {
    server.enqueue({ error: { status: 401, body: { error: { message: "Incorrect API key provided" } } } });
    const err = await failure(client().complete({ messages: user("x") }));
    expect(err.status).toBe(401);
    expect(err.message).toMatch(/API key is wrong or missing/);
    expect(err.message).toMatch(/OPENAI_API_KEY/);
    expect(err.message).toMatch(/Incorrect API key provided/);
    expect(server.requests).toHaveLength(1);
  });

  it("says the model was not found on 404, keeping a body without an `error` key (vLLM)", async () => {
    server.enqueue({
      error: { status: 404, body: { object: "error", message: "The model `test-model` does not exist.", code: 404 } },
    });
    const err = await failure(client().complete({ messages: user("x") }));
    expect(err.message).toMatch(/model "test-model" was not found/);
    expect(err.message).toMatch(/does not exist/);
    expect(server.requests).toHaveLength(1);
  });

  it("retries a stream that goes silent before any content (timeout)", async () => {
    server.enqueue({ text: "never", stallAfterChunks: 1 }, { text: "second try", chunkSize: 100 });
    const r = recorder();
    const turn = await client({ timeoutMs: 200 }).complete({ messages: user("x") }, r.handlers);
    expect(turn.text).toBe("second try");
    expect(r.retries[0].reason).toMatch(/timed out after 0.2s/);
    expect(r.deltas).toEqual(["second try"]);
  });

  it("retries a connection reset before any content", async () => {
    server.enqueue({ text: "lost", dropAfterChunks: 1 }, { text: "fine" });
    const r = recorder();
    expect((await client().complete({ messages: user("x") }, r.handlers)).text).toBe("fine");
    expect(r.retries).toHaveLength(1);
  });

  it("never retries once text was delivered: the failure keeps the partial text", async () => {
    server.enqueue({ text: "abcdefghij", chunkSize: 2, dropAfterChunks: 3 });
    const r = recorder();
    const err = await failure(client().complete({ messages: user("x") }, r.handlers));
    expect(err.partialText).toBe("abcd");
    expect(err.aborted).toBe(false);
    expect(err.message).toMatch(/broke off after 4 characters/);
    expect(r.retries).toHaveLength(0);
    expect(server.requests).toHaveLength(1);
  });
});

describe("createOpenAIClient: abort", () => {
  it("cancels mid-stream promptly and keeps the partial text", async () => {
    server.enqueue({ text: "partial answer that never ends", chunkSize: 5, stallAfterChunks: 3 });
    const ctrl = new AbortController();
    const r = recorder();
    const c = client();
    let abortedAt = 0;
    const handlers: StreamHandlers = {
      onText: (d) => {
        r.deltas.push(d);
        if (r.deltas.length === 2) {
          // Let the stream sit stalled for a moment, then cancel it.
          setTimeout(() => {
            abortedAt = Date.now();
            ctrl.abort();
          }, 50);
        }
      },
    };
    const err = await failure(c.complete({ messages: user("x"), signal: ctrl.signal }, handlers));
    expect(Date.now() - abortedAt).toBeLessThan(1000);
    expect(err.aborted).toBe(true);
    expect(err.partialText).toBe("partial an");
    await new Promise((res) => setTimeout(res, 50));
    expect(server.requests[0].aborted).toBe(true); // the HTTP request really was cancelled
  });

  it("cancels a request that never gets a response", async () => {
    server.enqueue({ hang: true });
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(), 100);
    const t0 = Date.now();
    const err = await failure(client().complete({ messages: user("x"), signal: ctrl.signal }));
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(err.aborted).toBe(true);
    expect(err.partialText).toBe("");
  });

  it("cancels during a retry wait", async () => {
    server.enqueue({ error: { status: 503, headers: { "retry-after": "30" } } });
    const ctrl = new AbortController();
    const err = await failure(
      client().complete({ messages: user("x"), signal: ctrl.signal }, { onRetry: () => setTimeout(() => ctrl.abort(), 20) }),
    );
    expect(err.aborted).toBe(true);
    expect(server.requests).toHaveLength(1);
  });
});

describe("retry helpers", () => {
  it("parses retry-after-ms, seconds and HTTP dates", () => {
    expect(retryAfter(new Headers({ "retry-after-ms": "250" }))).toBe(250);
    expect(retryAfter(new Headers({ "retry-after": "2" }))).toBe(2000);
    const inFive = new Date(Date.now() + 5000).toUTCString();
    const ms = retryAfter(new Headers({ "retry-after": inFive }))!;
    expect(ms).toBeGreaterThan(3000);
    expect(ms).toBeLessThanOrEqual(5000);
    expect(retryAfter(new Headers({ "retry-after": "soon" }))).toBeUndefined();
    expect(retryAfter(new Headers())).toBeUndefined();
  });

  it("backs off exponentially with jitter, capped", () => {
    for (let i = 0; i < 20; i++) {
      expect(retryDelay(1, 100, 10_000)).toBeGreaterThanOrEqual(75);
      expect(retryDelay(1, 100, 10_000)).toBeLessThanOrEqual(125);
      expect(retryDelay(3, 100, 10_000)).toBeGreaterThanOrEqual(300);
      expect(retryDelay(3, 100, 10_000)).toBeLessThanOrEqual(500);
      expect(retryDelay(20, 100, 10_000)).toBeLessThanOrEqual(10_000);
    }
    expect(retryDelay(1, 100, 10_000, 60_000)).toBe(10_000);
  });
});

describe("createOpenAIClient: servers that bend the wire format", () => {
  const choice = (delta: object, finish_reason: string | null = null) => ({ choices: [{ index: 0, delta, finish_reason }] });

  it("accepts a whole tool call in one fragment without an id, and empty arguments as {}", async () => {
    server.enqueue({
      chunks: [
        choice({ role: "assistant", content: "" }),
        choice({ tool_calls: [{ index: 0, function: { name: "list_files", arguments: "" } }] }),
        choice({ tool_calls: [{ index: 1, id: "x1", function: { name: "read_file", arguments: { path: "a" } } }] }),
        { ...choice({}, "stop"), usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } },
      ],
    });
    const r = recorder();
    const turn = await client().complete({ messages: user("x") }, r.handlers);
    expect(turn.toolCalls).toHaveLength(2);
    expect(turn.toolCalls[0]).toMatchObject({ name: "list_files", arguments: "{}" });
    expect(turn.toolCalls[0].id).toMatch(/^call_0_/); // generated, and the same id onToolCallStart saw
    expect(r.starts[0].id).toBe(turn.toolCalls[0].id);
    expect(turn.toolCalls[1]).toEqual({ id: "x1", name: "read_file", arguments: '{"path":"a"}' });
    expect(turn.usage).toEqual({ promptTokens: 5, completionTokens: 2, totalTokens: 7 }); // usage on a choice chunk
  });

  it("splits parallel calls that all claim index 0 but have different ids", async () => {
    server.enqueue({
      chunks: [
        choice({ tool_calls: [{ index: 0, id: "a", type: "function", function: { name: "one", arguments: '{"n":' } }] }),
        choice({ tool_calls: [{ index: 0, function: { arguments: "1}" } }] }),
        choice({ tool_calls: [{ index: 0, id: "b", type: "function", function: { name: "two", arguments: "{}" } }] }),
        choice({}, "tool_calls"),
      ],
    });
    const turn = await client().complete({ messages: user("x") });
    expect(turn.toolCalls).toEqual([
      { id: "a", name: "one", arguments: '{"n":1}' },
      { id: "b", name: "two", arguments: "{}" },
    ]);
  });

  it("retries a stream that ends without any answer", async () => {
    server.enqueue({ chunks: [] }, { text: "there you go" });
    const r = recorder();
    expect((await client().complete({ messages: user("x") }, r.handlers)).text).toBe("there you go");
    expect(r.retries[0].reason).toBe("the server sent an empty stream");
  });

  it("reports an error event inside the stream without retrying", async () => {
    server.enqueue({ chunks: [{ error: { message: "upstream provider overloaded", code: 502 } }] });
    const err = await failure(client().complete({ messages: user("x") }));
    expect(err.message).toMatch(/the server reported an error: .*upstream provider overloaded/);
    expect(server.requests).toHaveLength(1);
  });
});
