// Reflection must never delay -p's answer: a one-step `-p` run with reflection "auto" (the default) vs
// "off". With "auto", every 3rd run (everyTurns, counted across runs in the store) reflects after its
// answer is printed, before the process exits: the time to the answer should not move (ratio ~1),
// the time to exit grows on those runs only.
// Run: npm run build && node bench/reflection.js
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startScriptedServer } from "../test/helpers/llm-server.mjs";
import { ms, summarise } from "./synthetic.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 11);
const BIN = new URL("../bin/letta-code.js", import.meta.url).pathname;

function project(mode) {
  const root = mkdtempSync(join(tmpdir(), `letta-bench-refl-${mode}-`));
  mkdirSync(join(root, ".git"));
  mkdirSync(join(root, ".letta"));
  writeFileSync(join(root, ".letta", "config.json"), JSON.stringify({ reflection: { mode } }));
  return root;
}

/** Time to the answer on stdout, and to the process's exit. */
function timeRun(cwd, url) {
  const env = { PATH: process.env.PATH, HOME: cwd, LETTA_CODE_EMBEDDING_PATH: join(cwd, "none") };
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let answer = 0;
    const child = spawn(process.execPath, [BIN, "-p", "hi", "--model", "m", "--base-url", url], { cwd, env, stdio: ["ignore", "pipe", "inherit"] });
    child.stdout.once("data", () => (answer = performance.now() - start));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve({ answer, exit: performance.now() - start }) : reject(new Error(`-p exited ${code}`))));
  });
}

const server = await startScriptedServer();
let reflectionRequests = 0;
server.setFallback((req) => {
  if (String(req.body.messages[0]?.content ?? "").startsWith("You are the memory")) reflectionRequests++;
  return { text: "ok" };
});
const auto = project("auto");
const off = project("off");
// Warm the file cache and create both databases first.
await timeRun(auto, server.url);
await timeRun(off, server.url);
const samples = { auto: [], off: [] };
// Interleaved, so drift on a shared machine hits both alike.
for (let i = 0; i < RUNS; i++) {
  samples.auto.push(await timeRun(auto, server.url));
  samples.off.push(await timeRun(off, server.url));
}
await server.close();
for (const d of [auto, off]) rmSync(d, { recursive: true, force: true });

const pick = (k, f) => summarise(samples[k].map((x) => x[f]));
const a = pick("auto", "answer");
const o = pick("off", "answer");
const ae = pick("auto", "exit");
const oe = pick("off", "exit");
console.log(`-p one-step run, ${RUNS} runs each, median / p95`);
console.log(`${"answer, reflection auto".padEnd(28)} ${ms(a.median).padStart(10)} / ${ms(a.p95).padStart(10)}`);
console.log(`${"answer, reflection off".padEnd(28)} ${ms(o.median).padStart(10)} / ${ms(o.p95).padStart(10)}`);
console.log(`${"exit, reflection auto".padEnd(28)} ${ms(ae.median).padStart(10)} / ${ms(ae.p95).padStart(10)}`);
console.log(`${"exit, reflection off".padEnd(28)} ${ms(oe.median).padStart(10)} / ${ms(oe.p95).padStart(10)}`);
// Warm-up included: RUNS + 1 runs in the auto project, one pass per 3 unreflected turns.
const expected = Math.floor((RUNS + 1) / 3);
console.log(`ratio auto/off, time to answer (median): ${(a.median / o.median).toFixed(3)}   target <= 1.05; reflection passes by -p: ${reflectionRequests} (expected ${expected}: every 3rd run)`);
if (reflectionRequests !== expected) process.exitCode = 1;
