// The first exact token count in a new process: js-tiktoken's Tiktoken built from its ranks (what every
// process that counted exactly used to pay) vs letta-code's rank table, built when the cache file is missing
// and read from ~/.cache/letta-code/tokenizer when it is there. Time and RSS added, each in a fresh process.
// Run: npm run build && node bench/tokenizer.js
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { summarise } from "./synthetic.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TEXT = "export function add(a, b) { return a + b; } // the agent counts this exactly 😀";

if (process.argv[2] === "child") {
  const [, , , how, encoding, dir] = process.argv;
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  let n;
  if (how === "js-tiktoken") {
    const { createRequire } = await import("node:module");
    const require = createRequire(import.meta.url);
    const { Tiktoken } = require("js-tiktoken/lite");
    n = new Tiktoken(require(`js-tiktoken/ranks/${encoding}`)).encode(TEXT, [], []).length;
  } else {
    const tokens = await import("../dist/llm/tokens.js");
    tokens.setTokenizerCacheDir(dir);
    n = tokens.countTokens(TEXT, encoding === "cl100k_base" ? "gpt-4" : "gpt-4o");
  }
  const ms = performance.now() - t0;
  process.stdout.write(JSON.stringify({ ms, rssMB: (process.memoryUsage().rss - rss0) / 2 ** 20, n }));
  process.exit(0);
}

function child(how, encoding, dir = "") {
  const r = spawnSync(process.execPath, [new URL(import.meta.url).pathname, "child", how, encoding, dir], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${how} ${encoding}: exit ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

console.log(`first exact count in a new process, median of ${RUNS} (time to load + count, RSS added)`);
let ok = true;
for (const encoding of ["o200k_base", "cl100k_base"]) {
  const series = { "js-tiktoken": [], "table, no cache file": [], "table from cache file": [] };
  const counts = new Set();
  for (let i = 0; i < RUNS; i++) {
    const dir = mkdtempSync(join(tmpdir(), "letta-bench-tokenizer-"));
    for (const [label, how] of [["js-tiktoken", "js-tiktoken"], ["table, no cache file", "table"], ["table from cache file", "table"]]) {
      const s = child(how, encoding, dir);
      series[label].push(s);
      counts.add(s.n);
    }
    rmSync(dir, { recursive: true, force: true });
  }
  const fig = (label) => ({ ms: summarise(series[label].map((s) => s.ms)).median, rssMB: summarise(series[label].map((s) => s.rssMB)).median });
  const base = fig("js-tiktoken");
  for (const label of Object.keys(series)) {
    const f = fig(label);
    console.log(
      `${encoding.padEnd(12)} ${label.padEnd(22)} ${f.ms.toFixed(0).padStart(5)} ms ${f.rssMB.toFixed(0).padStart(4)} MB` +
        (label === "js-tiktoken" ? "" : ` | ${(f.ms / base.ms).toFixed(2)}x time, ${(f.rssMB / base.rssMB).toFixed(2)}x RSS`),
    );
  }
  const cached = fig("table from cache file");
  if (counts.size !== 1) {
    console.log(`${encoding}: counts differ between the tokenizers: ${[...counts].join(", ")}`);
    ok = false;
  }
  if (cached.ms > 0.2 * base.ms || cached.rssMB > 0.5 * base.rssMB) ok = false;
}
console.log("target: from the cache file <= 0.2x js-tiktoken's time, RSS added <= 0.5x");
process.exitCode = ok ? 0 : 1;
