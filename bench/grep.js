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

function timeSync(fn) {
  const t = [];
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    fn();
    t.push(performance.now() - s);
  }
  return summarise(t).median;
}

async function timeTool(backend, pattern) {
  process.env.LETTA_CODE_GREP_BACKEND = backend;
  const ctx = { projectRoot: root, signal: new AbortController().signal };
  await grepTool.run({ pattern }, ctx); // warm the page cache and the backend probe
  const t = [];
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    await grepTool.run({ pattern }, ctx);
    t.push(performance.now() - s);
  }
  return summarise(t).median;
}

const hasRg = spawnSync("rg", ["--pcre2-version"], { stdio: "ignore" }).status === 0;
console.log(`grep over 5,000 files (300k lines), median of ${RUNS}; ratio to GNU grep -r on the same search`);
for (const [label, pattern] of [["common word (every file)", "render"], ["rare word (10 files)", "needle_xyz"]]) {
  const gnu = timeSync(() => spawnSync("grep", ["-r", "-n", pattern, "src"], { cwd: root, stdio: "ignore" }));
  const row = [`${label.padEnd(26)} GNU grep ${ms(gnu)}`];
  for (const b of [...(hasRg ? ["rg"] : []), "git", "js"]) {
    const t = await timeTool(b, pattern);
    row.push(`${b === "js" ? "JS walker (before)" : b} ${ms(t)} ${(t / gnu).toFixed(1)}x`);
  }
  console.log(row.join(" | "));
}
if (!hasRg) console.log("(ripgrep not installed: its row is missing)");
console.log("target: <= 3x GNU grep (rg / git grep)");
rmSync(root, { recursive: true, force: true });
