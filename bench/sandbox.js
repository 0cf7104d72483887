// Sandbox start-up overhead per shell command: bare `bash -c true` against the same command under
// the unsandboxed supervisor (parent-death guarantee) and inside bubblewrap with the options
// run_shell uses (new user namespace, no capabilities, read-only .git/.letta, with and without network).
// Run: npm run build && node bench/sandbox.js
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { detectSandbox, wrapSandboxed } from "../dist/permissions/sandbox.js";
import { supervisedArgs } from "../dist/tools/supervise.js";
import { ms, summarise } from "./synthetic.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 41);
const project = mkdtempSync(join(tmpdir(), "letta-bench-sandbox-"));
mkdirSync(join(project, ".git"));
mkdirSync(join(project, ".letta"));
writeFileSync(join(project, "README.md"), "# bench\n");

/** Spawn to exit, as run_shell does it (own process group; the supervisor gets its stdin lifeline). */
function once(file, args, stdin = "ignore") {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(file, args, { cwd: project, stdio: [stdin, "ignore", "inherit"], detached: true });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`${file} exited ${code}`))));
  });
}

async function series(label, file, args, stdin) {
  await once(file, args, stdin); // warm the page cache
  const samples = [];
  for (let i = 0; i < RUNS; i++) samples.push(await once(file, args, stdin));
  return { label, ...summarise(samples) };
}

const status = await detectSandbox();
const rows = [];
const bare = await series("bash -c true", "bash", ["-c", "true"]);
rows.push(await series("unsandboxed, supervised", "bash", supervisedArgs("true"), "pipe"));
if (status.available) {
  const [file, ...args] = wrapSandboxed("true", project, status.bwrap);
  rows.push(await series("sandboxed (no network)", file, args));
  const [nfile, ...nargs] = wrapSandboxed("true", project, status.bwrap, { network: true });
  rows.push(await series("sandboxed, network allowed", nfile, nargs));
}
rmSync(project, { recursive: true, force: true });

const who = process.getuid?.() === 0 ? "as root" : `as uid ${process.getuid?.()}`;
console.log(`shell command start-up, ${RUNS} runs each ${who}, median / p95 (bare bash -c true: ${ms(bare.median)})`);
for (const r of rows) {
  const extra = r.median - bare.median;
  console.log(`${r.label.padEnd(30)} ${ms(r.median).padStart(9)} / ${ms(r.p95).padStart(9)}   +${ms(extra)}  ${(r.median / bare.median).toFixed(2)}x bare`);
}
if (!status.available) console.log(`sandbox rows skipped: ${status.reason}`);
