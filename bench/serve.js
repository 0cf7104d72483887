// `letta-code serve`: what the HTTP face adds to a turn. (1) A non-streamed message's time over the
// model's own latency (goal <= 5 ms); (2) how long after the model's first token its SSE chunk reaches
// the client (goal <= 2 ms); (3) the server's RSS with 100 agents, each having answered once (goal <= 200 MB).
// The model is a small OpenAI-compatible server in this process, so its send times and the client's
// receive times share one clock. Run: npm run build && node bench/serve.js
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ms, summarise } from "./synthetic.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 100);
const MODEL_DELAY_MS = 20;
const chunk = (delta, finish = null) => `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 0, model: "bench", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

// The model: waits MODEL_DELAY_MS, then streams an answer in a few tokens; records when its first token left.
let firstTokenAt = 0;
let gapMs = 0;
const model = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    setTimeout(() => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.socket.setNoDelay(true);
      res.write(chunk({ role: "assistant", content: "" }));
      firstTokenAt = performance.now();
      res.write(chunk({ content: "The " }));
      const rest = () => {
        res.write(chunk({ content: "answer." }));
        res.write(chunk({}, "stop"));
        res.write(`data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 0, model: "bench", choices: [], usage: { prompt_tokens: 500, completion_tokens: 3, total_tokens: 503 } })}\n\n`);
        res.end("data: [DONE]\n\n");
      };
      if (gapMs) setTimeout(rest, gapMs);
      else rest();
    }, MODEL_DELAY_MS);
  });
});
await new Promise((r) => model.listen(0, "127.0.0.1", r));
const modelUrl = `http://127.0.0.1:${model.address().port}/v1`;

function post(url, path, body, token, onData) {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const req = request(new URL(path, url), { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } }, (res) => {
      let text = "";
      res.on("data", (d) => {
        onData?.(d.toString());
        text += d;
      });
      res.on("end", () => resolve({ status: res.statusCode, text, ms: performance.now() - t }));
    });
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

const root = mkdtempSync(join(tmpdir(), "letta-bench-serve-"));
mkdirSync(join(root, ".git"));
mkdirSync(join(root, ".letta"));
writeFileSync(join(root, ".letta", "config.json"), JSON.stringify({ reflection: { mode: "off" } }));
const home = join(root, ".home");
mkdirSync(home);
const env = { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, ".config"), XDG_CACHE_HOME: join(home, ".cache"), LETTA_CODE_EMBEDDING_PATH: join(home, "none") };
const bin = new URL("../bin/letta-code.js", import.meta.url).pathname;
const token = "bench-token";
const child = spawn(process.execPath, [bin, "--model", "bench", "--base-url", modelUrl, "serve", "--port", "0", "--token", token], { cwd: root, env, stdio: ["ignore", "pipe", "ignore"] });
let out = "";
child.stdout.on("data", (d) => (out += d));
while (!/Letta API on (http\S+)/.test(out)) await new Promise((r) => setTimeout(r, 20));
const url = /Letta API on (http\S+)/.exec(out)[1];

const create = async (name) => JSON.parse((await post(url, "/v1/agents/", { name, memory_blocks: [{ label: "human", value: "bench user" }] }, token)).text).id;
const message = { messages: [{ role: "user", content: "hello" }] };

// The model's own latency as the server sees it: the same request shape, straight to the model.
async function modelOnly() {
  const body = { model: "bench", stream: true, messages: [{ role: "user", content: "hello" }] };
  return (await post(modelUrl.replace(/\/v1$/, ""), "/v1/chat/completions", body, "x")).ms;
}

// 1. Overhead of a non-streamed message.
const agent = await create("bench");
for (let i = 0; i < 10; i++) await post(url, `/v1/agents/${agent}/messages`, message, token);
const direct = [];
const served = [];
for (let i = 0; i < RUNS; i++) {
  direct.push(await modelOnly());
  // A fresh conversation keeps the window (and the model request) the same size every run.
  const other = await create(`bench-${i}`);
  served.push((await post(url, `/v1/agents/${other}/messages`, message, token)).ms);
}
const d = summarise(direct);
const s = summarise(served);
const overhead = s.median - d.median;
console.log(`non-streamed message: median ${ms(s.median)} (p95 ${ms(s.p95)}) vs the model alone ${ms(d.median)} -> overhead ${ms(overhead)}, ${(s.median / d.median).toFixed(2)}x   goal <= 5 ms: ${overhead <= 5 ? "met" : "NOT met"}`);

// 2. First SSE byte after the model's first token (the rest of the answer held back, so the chunk is the first token's own).
gapMs = 30;
const lags = [];
for (let i = 0; i < Math.min(RUNS, 50); i++) {
  let seen = 0;
  await post(url, `/v1/agents/${agent}/messages/stream`, { ...message, stream_tokens: true }, token, (text) => {
    if (!seen && text.includes('"assistant_message"')) seen = performance.now();
  });
  lags.push(seen - firstTokenAt);
}
gapMs = 0;
const l = summarise(lags);
console.log(`first SSE chunk after the model's first token: median ${ms(l.median)} / p95 ${ms(l.p95)}   goal <= 2 ms: ${l.median <= 2 ? "met" : "NOT met"}`);

// 3. RSS with 100 agents, each with a live session that answered once.
const existing = 2 + RUNS;
const ids = [];
for (let i = existing; i < 100; i++) ids.push(await create(`rss-${i}`));
for (let i = 0; i < ids.length; i += 10) await Promise.all(ids.slice(i, i + 10).map((id) => post(url, `/v1/agents/${id}/messages`, message, token)));
const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1] ?? NaN);
const rssMb = rssKb / 1024;
console.log(`RSS with ${Math.max(100, existing)} agents (each answered once): ${rssMb.toFixed(0)} MB, ${(rssMb / 200).toFixed(2)} of the 200 MB goal: ${rssMb <= 200 ? "met" : "NOT met"}`);

child.kill("SIGTERM");
await new Promise((r) => child.on("close", r));
model.close();
rmSync(root, { recursive: true, force: true });
