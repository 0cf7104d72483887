// Reflection must never slow -p: a one-step `-p` run with reflection "auto" (the default) vs "off".
// -p never waits for reflection (only `--reflect` does), so the ratio should be ~1.
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

function timeRun(cwd, url) {
  const env = { PATH: process.env.PATH, HOME: cwd, LETTA_CODE_EMBEDDING_PATH: join(cwd, "none") };
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [BIN, "-p", "hi", "--model", "m", "--base-url", url], { cwd, env, stdio: ["ignore", "ignore", "inherit"] });
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(performance.now() - start) : reject(new Error(`-p exited ${code}`))));
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

const a = summarise(samples.auto);
const o = summarise(samples.off);
console.log(`-p one-step run, ${RUNS} runs each, median / p95`);
console.log(`${"reflection auto".padEnd(24)} ${ms(a.median).padStart(10)} / ${ms(a.p95).padStart(10)}`);
console.log(`${"reflection off".padEnd(24)} ${ms(o.median).padStart(10)} / ${ms(o.p95).padStart(10)}`);
console.log(`ratio auto/off (median): ${(a.median / o.median).toFixed(3)}   target <= 1.05; reflection requests made by -p: ${reflectionRequests} (must be 0)`);
if (reflectionRequests > 0) process.exitCode = 1;
