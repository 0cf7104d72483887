// The grep tool on a generated 5,000-file git repository vs GNU `grep -r` on the same tree: a common word
// (every file matches) and a rare one. Backends: ripgrep (when installed), git grep, the JS walker (the
// only one before; still the fallback). Run: npm run build && node bench/grep.js
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { grepTool } from "../dist/tools/search.js";
import { ms, rng, summarise } from "./synthetic.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const WORDS = ["alpha", "beta", "gamma", "delta", "render", "parse", "token", "config", "module", "export", "function", "return", "value", "string", "number"];
const root = mkdtempSync(join(tmpdir(), "letta-bench-grep-"));
const rand = rng(5000);
for (let i = 0; i < 5000; i++) {
  const dir = join(root, "src", `d${i % 50}`, `e${i % 7}`);
  mkdirSync(dir, { recursive: true });
  const lines = [];
  for (let l = 0; l < 60; l++) lines.push(Array.from({ length: 8 }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(" "));
  if (i % 500 === 0) lines.push("the rare needle_xyz marker");
  writeFileSync(join(dir, `f${i}.ts`), lines.join("\n") + "\n");
}
writeFileSync(join(root, ".gitignore"), "build/\n");
execFileSync("git", ["init", "-q"], { cwd: root });
execFileSync("git", ["-c", "user.name=b", "-c", "user.email=b@b", "add", "-A"], { cwd: root });
execFileSync("git", ["-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", "tree"], { cwd: root });

const hasRg = spawnSync("rg", ["--pcre2-version"], { stdio: "ignore" }).status === 0;
const backends = [...(hasRg ? ["rg"] : []), "git", "js"];
const ctx = { projectRoot: root, signal: new AbortController().signal };
const median = (t) => summarise(t).median;

// GNU grep notices when its output is /dev/null and then stops reading each file at its first match: with
// a word on every line that is a different search. The baseline reads its output through a pipe, as a user
// or an agent would; the /dev/null figure is printed beside it.
function gnu(pattern, stdio) {
  const s = performance.now();
  spawnSync("grep", ["-r", "-n", pattern, "src"], { cwd: root, stdio, maxBuffer: 1 << 28 });
  return performance.now() - s;
}

async function tool(backend, pattern) {
  process.env.LETTA_CODE_GREP_BACKEND = backend;
  const s = performance.now();
  await grepTool.run({ pattern }, ctx);
  return performance.now() - s;
}

console.log(`grep over 5,000 files (300k lines), median of ${RUNS} interleaved rounds; ratio to GNU grep -r -n on the same search`);
for (const [label, pattern] of [["common word (every file)", "render"], ["rare word (10 files)", "needle_xyz"]]) {
  // Warm the page cache and the backend probes, then one round of every program at a time, so load from
  // elsewhere on the machine falls on all of them alike.
  gnu(pattern, "pipe");
  for (const b of backends) await tool(b, pattern);
  const t = { pipe: [], null: [], ...Object.fromEntries(backends.map((b) => [b, []])) };
  for (let i = 0; i < RUNS; i++) {
    t.pipe.push(gnu(pattern, "pipe"));
    t.null.push(gnu(pattern, "ignore"));
    for (const b of backends) t[b].push(await tool(b, pattern));
  }
  const base = median(t.pipe);
  const row = [`${label.padEnd(26)} GNU grep ${ms(base)} (to /dev/null ${ms(median(t.null))})`];
  for (const b of backends) row.push(`${b === "js" ? "JS walker" : b} ${ms(median(t[b]))} ${(median(t[b]) / base).toFixed(1)}x`);
  console.log(row.join(" | "));
}
if (!hasRg) console.log("(ripgrep not installed: its row is missing)");
console.log("target: <= 3x GNU grep (rg / git grep)");
rmSync(root, { recursive: true, force: true });
