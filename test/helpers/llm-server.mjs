#!/usr/bin/env node
// A scripted OpenAI-compatible Chat Completions server for tests. Plain ESM JavaScript (types in
// llm-server.d.mts) so the same file serves vitest in-process and end-to-end/tmux tests as a process:
//
//   node test/helpers/llm-server.mjs --script script.json [--port 0] [--requests-log out.jsonl]
//
// prints its base URL (ending in /v1) as the first stdout line and runs until SIGTERM/SIGINT.
// script.json: a JSON array of responses, or { "responses": [...], "fallback": response }.
import { createServer } from "node:http";
import { appendFileSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const MODEL = "scripted-model";

/** @param {import("node:http").IncomingMessage} req */
function readBody(req) {
  return new Promise((resolve, reject) => {
    const parts = [];
    req.on("data", (c) => parts.push(c));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

/** Split a string into pieces of `size` characters (none for an empty string). */
function pieces(text, size) {
  if (text.length === 0) return [];
  const out = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** Rough token estimate for scripted usage numbers: tests want plausible, deterministic figures. */
function estimateTokens(s) {
  return Math.max(1, Math.ceil(s.length / 4));
}

function normaliseCalls(script) {
  return (script.toolCalls ?? []).map((c, i) => ({
    id: c.id ?? `call_${i}_${Math.random().toString(36).slice(2, 10)}`,
    name: c.name,
    arguments: typeof c.arguments === "string" ? c.arguments : JSON.stringify(c.arguments ?? {}),
  }));
}

function usageFor(script, body, text, calls) {
  if (script.usage === false) return undefined;
  if (script.usage) {
    const u = script.usage;
    return { ...u, total_tokens: u.total_tokens ?? u.prompt_tokens + u.completion_tokens };
  }
  const prompt = estimateTokens(JSON.stringify(body.messages ?? []));
  const completion = estimateTokens(text + calls.map((c) => c.name + c.arguments).join(""));
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/**
 * The SSE events of one scripted streaming response, in wire order, as chunk objects (without `data:`).
 * Text first (role on the first chunk), then tool calls: each call's first fragment carries index, id, type
 * and name with empty arguments; argument fragments follow, round-robin across calls so parallel calls
 * arrive interleaved by index, as some servers do.
 */
function streamChunks(script, body, base) {
  const text = script.text ?? "";
  const calls = normaliseCalls(script);
  const chunk = (delta, finish = null) => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
  const out = [chunk({ role: "assistant", content: "" })];
  for (const piece of pieces(text, script.chunkSize ?? Math.max(1, Math.ceil(text.length / 4)))) {
    out.push(chunk({ content: piece }));
  }
  const perCall = calls.map((c, index) => [
    { index, id: c.id, type: "function", function: { name: c.name, arguments: "" } },
    ...pieces(c.arguments, script.argChunkSize ?? Math.max(1, Math.ceil(c.arguments.length / 3))).map((a) => ({
      index,
      function: { arguments: a },
    })),
  ]);
  for (let step = 0; perCall.some((seq) => step < seq.length); step++) {
    for (const seq of perCall) if (step < seq.length) out.push(chunk({ tool_calls: [seq[step]] }));
  }
  const finish = script.finishReason ?? (calls.length > 0 ? "tool_calls" : "stop");
  out.push(chunk({}, finish));
  const wantsUsage = body.stream_options?.include_usage === true;
  const usage = usageFor(script, body, text, calls);
  if (wantsUsage && usage) out.push({ ...base, choices: [], usage });
  return out;
}

function completionJson(script, body, base) {
  const text = script.text ?? "";
  const calls = normaliseCalls(script);
  const message = { role: "assistant", content: calls.length > 0 && !text ? null : text };
  if (calls.length > 0) {
    message.tool_calls = calls.map((c) => ({
      id: c.id,
      type: "function",
      function: { name: c.name, arguments: c.arguments },
    }));
  }
  const finish = script.finishReason ?? (calls.length > 0 ? "tool_calls" : "stop");
  const usage = usageFor(script, body, text, calls);
  return {
    ...base,
    object: "chat.completion",
    choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
    ...(usage ? { usage } : {}),
  };
}

function sendJson(res, status, value, headers = {}) {
  const payload = typeof value === "string" ? value : JSON.stringify(value);
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(payload);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Start a scripted server on 127.0.0.1 (port 0 = any free port).
 * @param {{ port?: number, requestsLog?: string, fallback?: import("./llm-server.d.mts").ScriptedResponse | import("./llm-server.d.mts").ScriptFn }} [options]
 * @returns {Promise<import("./llm-server.d.mts").ScriptedServer>}
 */
export async function startScriptedServer(options = {}) {
  /** @type {any[]} */
  const queue = [];
  /** @type {import("./llm-server.d.mts").RecordedRequest[]} */
  const requests = [];
  let fallback = options.fallback;
  let counter = 0;

  async function nextResponse(record) {
    const item = queue.length > 0 ? queue.shift() : fallback;
    if (item === undefined) return undefined;
    return typeof item === "function" ? await item(record) : item;
  }

  async function handleCompletion(req, res, record) {
    const body = record.body;
    let script;
    try {
      script = await nextResponse(record);
    } catch (err) {
      return sendJson(res, 500, { error: { message: `scripted server: script function threw: ${err}` } });
    }
    if (script === undefined) {
      return sendJson(res, 500, {
        error: {
          message: `scripted server: no response queued (request #${requests.length}, last user message: ${JSON.stringify(
            (body.messages ?? []).filter((m) => m.role === "user").at(-1)?.content ?? null,
          )?.slice(0, 200)})`,
          type: "scripted_server_error",
        },
      });
    }
    if (script.delayMs) await sleep(script.delayMs);
    if (script.until) await script.until;
    if (script.hang) return; // hold the request open without a byte; close() or the client ends it
    if (script.error) {
      const { status, body: errBody, headers } = script.error;
      const payload = errBody ?? { error: { message: `scripted error ${status}`, type: "scripted_error" } };
      return sendJson(res, status, payload, headers);
    }
    const base = { id: `chatcmpl-scripted-${++counter}`, object: "chat.completion.chunk", created: Math.floor(Date.now() / 1000), model: body.model ?? MODEL };
    if (body.stream !== true) return sendJson(res, 200, completionJson(script, body, base));

    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    res.flushHeaders();
    // `chunks` sends hand-written events (odd servers: missing ids, usage on a choice chunk, error events).
    const chunks = script.chunks
      ? script.chunks.map((c) => (typeof c === "string" ? c : { ...base, ...c }))
      : streamChunks(script, body, base);
    for (let i = 0; i < chunks.length; i++) {
      if (res.destroyed) return;
      if (script.stallAfterChunks !== undefined && i >= script.stallAfterChunks) return; // stay open, silent
      if (script.dropAfterChunks !== undefined && i >= script.dropAfterChunks) {
        res.socket?.destroy(); // connection reset mid-stream
        return;
      }
      // Wait until each chunk is handed to the socket, so a later drop or stall happens after it was sent.
      const data = typeof chunks[i] === "string" ? chunks[i] : JSON.stringify(chunks[i]);
      await new Promise((resolve) => res.write(`data: ${data}\n\n`, resolve));
      if (script.chunkDelayMs) await sleep(script.chunkDelayMs);
    }
    res.end("data: [DONE]\n\n");
  }

  const server = createServer(async (req, res) => {
    try {
      const path = (req.url ?? "/").split("?")[0];
      // Served with or without the /v1 prefix, so a base URL missing /v1 still works.
      const route = path.replace(/^\/v1(?=\/)/, "");
      const raw = await readBody(req);
      if (req.method === "GET" && route === "/models") {
        return sendJson(res, 200, { object: "list", data: [{ id: MODEL, object: "model", created: 0, owned_by: "scripted" }] });
      }
      // Control endpoints for tests that only have the process (tmux): add responses, read what was received.
      if (req.method === "POST" && route === "/__enqueue") {
        const items = JSON.parse(raw);
        queue.push(...(Array.isArray(items) ? items : [items]));
        return sendJson(res, 200, { queued: queue.length });
      }
      if (req.method === "GET" && route === "/__requests") return sendJson(res, 200, requests);
      if (req.method === "POST" && route === "/chat/completions") {
        let body;
        try {
          body = JSON.parse(raw);
        } catch {
          return sendJson(res, 400, { error: { message: "scripted server: request body is not JSON" } });
        }
        const record = { method: req.method, path, headers: req.headers, body, aborted: false };
        requests.push(record);
        if (options.requestsLog) appendFileSync(options.requestsLog, JSON.stringify(record) + "\n");
        // `close` before the response finished means the client gave up (abort, timeout): tests can assert it.
        res.on("close", () => {
          if (!res.writableFinished) record.aborted = true;
        });
        return await handleCompletion(req, res, record);
      }
      sendJson(res, 404, { error: { message: `scripted server: no route ${req.method} ${path}` } });
    } catch (err) {
      if (!res.headersSent) sendJson(res, 500, { error: { message: `scripted server: ${err}` } });
      else res.destroy();
    }
  });

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve(undefined));
  });
  const address = /** @type {import("node:net").AddressInfo} */ (server.address());
  const url = `http://127.0.0.1:${address.port}/v1`;

  return {
    url,
    port: address.port,
    requests,
    enqueue(...responses) {
      queue.push(...responses);
    },
    setFallback(response) {
      fallback = response;
    },
    get pending() {
      return queue.length;
    },
    close() {
      // Hanging and stalled responses would keep close() waiting forever: cut every connection.
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Parse `--script file.json` etc. and run until killed. */
async function main(argv) {
  const arg = (name) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const scriptPath = arg("--script");
  const parsed = scriptPath ? JSON.parse(readFileSync(scriptPath, "utf8")) : [];
  const responses = Array.isArray(parsed) ? parsed : (parsed.responses ?? []);
  const server = await startScriptedServer({
    port: Number(arg("--port") ?? 0),
    requestsLog: arg("--requests-log"),
    fallback: Array.isArray(parsed) ? undefined : parsed.fallback,
  });
  server.enqueue(...responses);
  process.stdout.write(server.url + "\n");
  const stop = () => server.close().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`llm-server: ${err?.stack ?? err}\n`);
    process.exit(1);
  });
}
