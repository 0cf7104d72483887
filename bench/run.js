// `npm run bench`: every benchmark in turn, each printing its own figures and ratios.
import { spawnSync } from "node:child_process";

const benches = ["start.js", "startup.js", "mcp.js", "reflection.js", "turn-lease.js", "loop.js", "window.js", "tokenizer.js", "hooks.js", "checkpoints.js", "archival.js", "recall.js", "vector-index.js", "archival-startup.js", "grep.js", "memory-history.js", "tui.js", "sandbox.js", "shell-output.js", "serve.js", "subagents.js", "team-sync.js"];
let failed = 0;
for (const b of benches) {
  console.log(`\n=== bench/${b} ===`);
  const r = spawnSync(process.execPath, [new URL(b, import.meta.url).pathname], { stdio: "inherit" });
  if (r.status !== 0) {
    failed++;
    console.log(`bench/${b} failed (exit ${r.status})`);
  }
}
process.exitCode = failed ? 1 : 0;
