// Start-up benchmark: bare node vs `letta-code --version`, `--help`, and a whole `-p` run against
// the scripted loopback server (time to the first request reaching the model, and to exit).
// Run: npm run build && node bench/startup.js
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startScriptedServer } from "../test/helpers/llm-server.mjs";
import { ms, summarise } from "./synthetic.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const BIN = new URL("../bin/letta-code.js", import.meta.url).pathname;
const project = mkdtempSync(join(tmpdir(), "letta-bench-start-"));
mkdirSync(join(project, ".git"));
const env = { PATH: process.env.PATH, HOME: project, LETTA_CODE_EMBEDDING_PATH: join(project, "none") };

function timeRun(args, onRequest) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, args, { cwd: project, env, stdio: ["ignore", "ignore", "inherit"] });
    onRequest?.(start);
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(performance.now() - start) : reject(new Error(`${args.join(" ")} exited ${code}`))));
  });
}

async function series(label, args) {
  const samples = [];
  for (let i = 0; i < RUNS; i++) samples.push(await timeRun(args));
  return { label, ...summarise(samples) };
}

const server = await startScriptedServer();
let firstRequestAt = 0;
server.setFallback(() => {
  firstRequestAt = performance.now();
  return { text: "ok" };
});

// Warm the OS file cache and create the project's database once, as a user's second run would find it.
await timeRun([BIN, "-p", "warm up", "--model", "m", "--base-url", server.url]);

const node = await series("node -e 0", ["-e", "0"]);
const version = await series("letta-code --version", [BIN, "--version"]);
const help = await series("letta-code --help", [BIN, "--help"]);
const toRequest = [];
const toExit = [];
for (let i = 0; i < RUNS; i++) {
  let started = 0;
  const total = await timeRun([BIN, "-p", "hi", "--model", "m", "--base-url", server.url], (s) => (started = s));
  toRequest.push(firstRequestAt - started);
  toExit.push(total);
}
await server.close();
rmSync(project, { recursive: true, force: true });

const rows = [
  version,
  help,
  { label: "letta-code -p: start -> first request", ...summarise(toRequest) },
  { label: "letta-code -p: start -> exit (one-step answer)", ...summarise(toExit) },
];
console.log(`start-up, ${RUNS} runs each, median / p95, ratio to bare node (median ${ms(node.median)})`);
for (const r of rows) console.log(`${r.label.padEnd(48)} ${ms(r.median).padStart(10)} / ${ms(r.p95).padStart(10)}   ${(r.median / node.median).toFixed(2)}x node`);
console.log("targets: --version <= 1.5x node; -p first request <= 300 ms; -p whole run <= 300 ms");
