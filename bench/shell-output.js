// run_shell memory on huge outputs: peak RSS of a process that runs one command through the tool,
// so "keep only the head and tail while streaming" is measured, not assumed.
// Run: npm run build && node bench/shell-output.js
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const MB = 1024 * 1024;
const SIZE = 50_000_000;

if (process.argv[2] === "--one") {
  // Child: run one command with the real tool (no sandbox: the output path is what is measured).
  const { runShellTool } = await import("../dist/tools/shell.js");
  const root = mkdtempSync(join(tmpdir(), "letta-bench-shell-"));
  let streamed = 0;
  const ctx = {
    projectRoot: root,
    signal: new AbortController().signal,
    shell: { sandbox: false, allowUnsandboxed: true },
    onOutput: (chunk) => (streamed += chunk.length),
  };
  const t0 = performance.now();
  const r = await runShellTool.run({ command: process.argv[3], timeout_ms: 120_000 }, ctx);
  const ms = performance.now() - t0;
  rmSync(root, { recursive: true, force: true });
  console.log(JSON.stringify({ maxRssMB: process.resourceUsage().maxRSS / 1024, ms, modelChars: r.content.length, displayChars: r.display.output.length, streamed, head: r.content.slice(0, 120) }));
  process.exit(0);
}

const cases = [
  ["baseline (true)", "true"],
  ["50 MB, no newlines", `head -c ${SIZE} /dev/zero | tr '\\0' a`],
  ["5 MB, no newlines", `head -c ${SIZE / 10} /dev/zero | tr '\\0' a`],
  ["50 MB of lines", `yes 'a line of ordinary build output' | head -c ${SIZE}`],
  ["50 MB of NULs", `head -c ${SIZE} /dev/zero`],
  ["50 MB random bytes", `head -c ${SIZE} /dev/urandom`],
];
let base = 0;
for (const [name, command] of cases) {
  const r = spawnSync(process.execPath, [new URL(import.meta.url).pathname, "--one", command], { encoding: "utf8", maxBuffer: 16 * MB });
  if (r.status !== 0) {
    console.log(`${name}: failed\n${r.stderr}`);
    process.exitCode = 1;
    continue;
  }
  const o = JSON.parse(r.stdout.trim().split("\n").at(-1));
  if (!base) base = o.maxRssMB;
  console.log(
    `${name.padEnd(22)} peak RSS ${o.maxRssMB.toFixed(0).padStart(4)} MB (+${(o.maxRssMB - base).toFixed(0)} over baseline)` +
      `  ${o.ms.toFixed(0).padStart(5)} ms  model sees ${o.modelChars} chars: ${JSON.stringify(o.head.slice(0, 60))}`,
  );
}

// The whole CLI: `-p` whose model runs the 50 MB command once, then answers. With a small window the
// exact tokenizer is loaded for the next request (that, not the output, is most of this process's RSS);
// a window too large to need it shows what the output itself costs.
const { startScriptedServer } = await import("../test/helpers/llm-server.mjs");
const noNewlines = cases[1][1];
let step = 0;
const server = await startScriptedServer({
  fallback: () => (step++ % 2 === 0 ? { toolCalls: [{ name: "run_shell", arguments: { command: noNewlines } }] } : { text: "done" }),
});
const bin = new URL("../bin/letta-code.js", import.meta.url).pathname;
const runCli = (root, extra) =>
  new Promise((resolve) => {
    const args = [bin, "-p", "go", "--model", "m", "--base-url", server.url, "--yolo", "--sandbox", "off", "--new", ...extra];
    const child = spawn("/usr/bin/time", ["-f", "%M", process.execPath, ...args], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: root, LETTA_CODE_EMBEDDING_PATH: join(root, "none") },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.on("close", () => resolve(Number(err.trim().split("\n").at(-1)) / 1024));
  });
const root = mkdtempSync(join(tmpdir(), "letta-bench-shell-cli-"));
mkdirSync(join(root, ".git"));
for (const [label, extra] of [
  ["-p, no shell call (baseline)", ["--max-steps", "1", "--context-window", "400000"]],
  ["-p, 50 MB no newlines, 400k window", ["--context-window", "400000"]],
  ["-p, 50 MB no newlines, 32k window", ["--context-window", "32768"]],
]) {
  if (label.includes("baseline")) step = 1; // answer at once
  else step = 0;
  console.log(`${label.padEnd(36)} peak RSS ${(await runCli(root, extra)).toFixed(0).padStart(4)} MB`);
}
await server.close();
rmSync(root, { recursive: true, force: true });
