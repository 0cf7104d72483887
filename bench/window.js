// `-p` on a conversation at 80% of its context window vs the same `-p` in a fresh project: wall time
// and peak RSS (the exact tokenizer's tables used to be built on every such run: ~0.4 s, ~150 MB).
// Run: npm run build && node bench/window.js
// Before/after: BENCH_BASE=/path/to/a/built/checkout/of/the/base node bench/window.js
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startScriptedServer } from "../test/helpers/llm-server.mjs";
import { summarise } from "./synthetic.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const WINDOW = 65536;
const WORDS = ["the", "parser", "reads", "every", "module", "before", "build", "starts", "and", "then", "writes", "output", "files", "into", "folder", "cache"];

// Usage like a real server reports it (tools included); ~JSON length / 4 is close to real tokenizers on prose.
const server = await startScriptedServer({
  fallback: (req) => ({ text: "ok", usage: { prompt_tokens: Math.ceil(JSON.stringify([req.body.messages, req.body.tools]).length / 4), completion_tokens: 1 } }),
});

function run(bin, root, prompt) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const args = [bin, "-p", prompt, "--model", "m", "--base-url", server.url, "--context-window", String(WINDOW)];
    const child = spawn("/usr/bin/time", ["-f", "%M", process.execPath, ...args], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: root, LETTA_CODE_EMBEDDING_PATH: join(root, "none") },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`exit ${code}: ${err}`));
      resolve({ ms: performance.now() - start, rssMB: Number(err.trim().split("\n").at(-1)) / 1024 });
    });
  });
}

function project() {
  const root = mkdtempSync(join(tmpdir(), "letta-bench-window-"));
  mkdirSync(join(root, ".git"));
  return root;
}

async function measure(label, root0) {
  const bin = join(root0, "bin/letta-code.js");
  const fresh = project();
  await run(bin, fresh, "warm up");
  const full = project();
  for (let i = 0; ; i++) {
    await run(bin, full, Array.from({ length: 800 }, (_, j) => WORDS[(i * 5 + j * 3) % WORDS.length]).join(" "));
    const last = server.requests.at(-1).body;
    if (JSON.stringify([last.messages, last.tools]).length / 4 >= 0.8 * WINDOW) break;
  }
  // Interleaved, so load from other processes on the machine hits both series alike.
  const f = { ms: [], rss: [] };
  const g = { ms: [], rss: [] };
  for (let i = 0; i < RUNS; i++) {
    for (const [root, acc] of [[fresh, f], [full, g]]) {
      const s = await run(bin, root, `one more question ${i}`);
      acc.ms.push(s.ms);
      acc.rss.push(s.rssMB);
    }
  }
  const freshFig = { ms: summarise(f.ms).median, rssMB: summarise(f.rss).median };
  const fullFig = { ms: summarise(g.ms).median, rssMB: summarise(g.rss).median };
  rmSync(fresh, { recursive: true, force: true });
  rmSync(full, { recursive: true, force: true });
  console.log(
    `${label.padEnd(7)} fresh ${freshFig.ms.toFixed(0).padStart(5)} ms ${freshFig.rssMB.toFixed(0).padStart(4)} MB | at 80% of ${WINDOW} ` +
      `${fullFig.ms.toFixed(0).padStart(5)} ms ${fullFig.rssMB.toFixed(0).padStart(4)} MB | ratio time ${(fullFig.ms / freshFig.ms).toFixed(2)}x, RSS ${(fullFig.rssMB / freshFig.rssMB).toFixed(2)}x`,
  );
}

console.log(`-p one-step answer, median of ${RUNS} runs (wall time, peak RSS)`);
if (process.env.BENCH_BASE) await measure("before", process.env.BENCH_BASE);
await measure("after", new URL("..", import.meta.url).pathname);
console.log("target: at 80% of the window <= 1.3x fresh, in time and RSS");
await server.close();
