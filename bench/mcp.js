// MCP start-up benchmark: `-p` start -> first model request with no MCP servers, with two stdio
// servers (the published server-everything, twice), and with one server that never answers
// initialize (must cost about its start-up timeout, not more). Run: npm run build && node bench/mcp.js
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startScriptedServer } from "../test/helpers/llm-server.mjs";
import { ms, summarise } from "./synthetic.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const HANG_TIMEOUT_MS = 2000;
const BIN = new URL("../bin/letta-code.js", import.meta.url).pathname;
const EVERYTHING = createRequire(import.meta.url).resolve("@modelcontextprotocol/server-everything/dist/index.js");
const HANGING = new URL("../test/helpers/mcp-stdio-server.mjs", import.meta.url).pathname;
const project = mkdtempSync(join(tmpdir(), "letta-bench-mcp-"));
mkdirSync(join(project, ".git"));
mkdirSync(join(project, ".letta"));
writeFileSync(join(project, ".letta", "config.json"), JSON.stringify({ mcpStartupTimeoutMs: HANG_TIMEOUT_MS }));
const env = { PATH: process.env.PATH, HOME: project, LETTA_CODE_EMBEDDING_PATH: join(project, "none") };

const server = await startScriptedServer();
let firstRequestAt = 0;
server.setFallback(() => {
  firstRequestAt = performance.now();
  return { text: "ok" };
});

const mcp = (servers) => ["--mcp-config", JSON.stringify({ mcpServers: servers })];
const two = mcp({
  a: { command: process.execPath, args: [EVERYTHING, "stdio"] },
  b: { command: process.execPath, args: [EVERYTHING, "stdio"] },
});
const hanging = mcp({ slow: { command: process.execPath, args: [HANGING, "hang"] } });

function toFirstRequest(extra) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    firstRequestAt = 0;
    const child = spawn(process.execPath, [BIN, "-p", "hi", "--model", "m", "--base-url", server.url, ...extra], { cwd: project, env, stdio: ["ignore", "ignore", "inherit"] });
    child.on("error", reject);
    child.on("close", (code) => (code === 0 && firstRequestAt ? resolve(firstRequestAt - start) : reject(new Error(`exited ${code}`))));
  });
}

async function series(extra) {
  const samples = [];
  for (let i = 0; i < RUNS; i++) samples.push(await toFirstRequest(extra));
  return summarise(samples);
}

await toFirstRequest([]); // warm the file cache and create the database
await toFirstRequest(two);
const none = await series([]);
const withTwo = await series(two);
const withHang = await series(hanging);
await server.close();
rmSync(project, { recursive: true, force: true });

console.log(`-p start -> first model request, ${RUNS} runs each, median / p95`);
const row = (label, r, note) => console.log(`${label.padEnd(44)} ${ms(r.median).padStart(10)} / ${ms(r.p95).padStart(10)}   ${note}`);
row("no MCP servers", none, "");
row("two stdio servers (server-everything)", withTwo, `${(withTwo.median / none.median).toFixed(2)}x none`);
row(`one server that never answers (timeout ${HANG_TIMEOUT_MS / 1000} s)`, withHang, `${((withHang.median - none.median) / HANG_TIMEOUT_MS).toFixed(2)}x the timeout over none`);
console.log("target: the hanging server costs about its timeout, not more (≈ 1.0x)");
