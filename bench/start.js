// `npm run bench:start`: what letta-code costs to start, as ratios to bare `node -e 0` measured in the
// same run. Rounds are interleaved and paired: each round runs every case once (in a rotating order),
// so machine load hits all cases alike; the figure per case is the median of its per-round ratios.
//
//   node -e 0                 the floor
//   --version, --help         answered by the launcher / by commander, nothing else loaded
//   -p hi                     one step against a local scripted OpenAI-compatible server answering at once
//   -p, one shell step        the model calls run_shell (echo), then answers
//   node -e 0 in the pty      the TUI's floor: `node -e 0` started as the TUI is, in util-linux `script`'s pty
//   TUI first input frame     spawn in that pty until the input's placeholder is drawn; its goal is against the
//                             floor above, and its ratio to bare `node -e 0` is printed beside it
//   TUI typed key shown       in the same runs: a key typed when the input appears, until the input shows it
//                             (Ink has started and read it)
//   peak RSS                  of the one-step -p run (/usr/bin/time's maximum resident set size)
//   compile cache             how many chunks of the one-step run V8 took from dist/compile-cache
//
// Then, per path, what it loads (our chunks, packages, Node built-ins beyond bare start-up), traced with
// bench/load-trace.mjs in separate, untimed runs: a new import on a hot path shows up here in review.
// Env: BENCH_RUNS (default 9), BENCH_NO_TRACE=1 skips the load lists, BENCH_BASE=<other checkout's
// bin/letta-code.js> adds that build's cases to the same rounds (a paired before/after for a commit message).
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startScriptedServer } from "../test/helpers/llm-server.mjs";
import { throwawayHome } from "../scripts/throwaway-home.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "bin/letta-code.js");
const TRACE = fileURLToPath(new URL("load-trace.mjs", import.meta.url));
const READY = "Type a message";

const { home, project, env } = throwawayHome("letta-bench-start-");

// Answers at once: a shell request gets one run_shell call, the tool's result gets the final answer.
const server = await startScriptedServer();
server.setFallback((req) => {
  const messages = req.body.messages ?? [];
  const last = messages.at(-1);
  if (last?.role === "tool") return { text: "done" };
  const user = String(messages.filter((m) => m.role === "user").at(-1)?.content ?? "");
  if (user.includes("run echo")) return { toolCalls: [{ name: "run_shell", arguments: { command: "echo bench" } }] };
  return { text: "ok" };
});
const model = ["--model", "scripted-model", "--base-url", server.url];

const cases = [
  { key: "node", label: "node -e 0", argv: ["-e", "0"] },
  { key: "version", label: "letta-code --version", argv: [BIN, "--version"], goal: 1.15 },
  { key: "help", label: "letta-code --help", argv: [BIN, "--help"], goal: 1.15 },
  { key: "p", label: "letta-code -p hi (one step)", argv: [BIN, "-p", "hi", ...model], goal: 2.5 },
  { key: "shell", label: "letta-code -p, one shell step", argv: [BIN, "-p", "run echo", "--yolo", ...model], goal: 3 },
  { key: "pty", label: "node -e 0 in the pty", argv: ["-e", "0"], pty: true },
  { key: "tui", label: "TUI: first input frame", argv: [BIN, ...model], tui: true, goal: 2.5, floor: "pty" },
];

if (process.env.BENCH_BASE) {
  const base = process.env.BENCH_BASE;
  for (const c of cases.slice(1).filter((c) => !c.pty)) cases.push({ ...c, key: `${c.key}-base`, label: `${c.label} [base]`, goal: undefined, base: true, argv: c.argv.map((a) => (a === BIN ? base : a)) });
}

/** Time one whole process, spawn to exit. */
function timeProcess(argv, extraEnv = {}) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, argv, { cwd: project, env: { ...env, ...extraEnv }, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(performance.now() - start) : reject(new Error(`${argv.slice(1).join(" ")} exited ${code}: ${err}`))));
  });
}

const inPty = (argv) => {
  const cmd = ["exec", process.execPath, ...argv].map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(" ");
  // script(1) gives the CLI a real terminal without a native addon; -e passes the exit code through.
  return ["-qefc", `stty cols 100 rows 30; ${cmd}`, "/dev/null"];
};

/** Time a process started as the TUI is (in script's pty), spawn to exit. */
function timePty(argv, extraEnv = {}) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn("script", inPty(argv), { cwd: project, env: { ...env, ...extraEnv }, stdio: ["pipe", "ignore", "ignore"] });
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(performance.now() - start) : reject(new Error(`node ${argv.join(" ")} in a pty exited ${code}`))));
  });
}

// eslint-disable-next-line no-control-regex
const plain = (s) => s.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, "");

/**
 * Time a TUI start in a pty: from spawn to the first frame showing the input's placeholder. A key is typed
 * then, and the time until the input shows it is the second figure (`echo`). Then it is ended.
 */
function timeTui(argv, extraEnv = {}) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn("script", inPty(argv), { cwd: project, env: { ...env, ...extraEnv }, stdio: ["pipe", "pipe", "pipe"] });
    let seen = "";
    let took;
    let echo;
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.stdout.on("data", (d) => {
      if (echo !== undefined) return;
      seen += d;
      if (took === undefined && seen.includes(READY)) {
        took = performance.now() - start;
        child.stdin.write("x");
      }
      if (took !== undefined && plain(seen).includes("> x")) {
        echo = performance.now() - start;
        // Backspace, then Ctrl-C twice, as a user leaves (the TUI then ends its session cleanly).
        child.stdin.write("\u007f\u0003");
        setTimeout(() => child.stdin.write("\u0003"), 150).unref();
        setTimeout(() => child.kill("SIGHUP"), 3000).unref();
      }
    });
    child.on("error", reject);
    child.on("close", () => {
      clearTimeout(timer);
      if (echo === undefined) reject(new Error(`TUI never showed ${took === undefined ? `"${READY}"` : "a typed key"}:\n${seen.slice(-2000)}`));
      else resolve({ frame: took, echo });
    });
  });
}

const run = (c, extraEnv) => (c.tui ? timeTui(c.argv, extraEnv) : c.pty ? timePty(c.argv, extraEnv) : timeProcess(c.argv, extraEnv));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// Warm the OS file cache and create the project's database, as a user's second run finds them.
for (const c of cases) {
  await run(c);
}

// A TUI run gives two figures: its first frame (the case's own) and the typed key shown (an extra row).
const rows = cases.flatMap((c) => (c.tui ? [c, { key: `${c.key}-echo`, label: `${c.label.replace("first input frame", "typed key shown")}`, floor: c.floor }] : [c]));
const times = Object.fromEntries(rows.map((c) => [c.key, []]));
const ratios = Object.fromEntries(rows.map((c) => [c.key, []]));
const bare = Object.fromEntries(rows.map((c) => [c.key, []]));
for (let r = 0; r < RUNS; r++) {
  const round = {};
  // Rotate the order so no case always runs right after the same neighbour.
  for (let i = 0; i < cases.length; i++) {
    const c = cases[(i + r) % cases.length];
    const t = await run(c);
    if (c.tui) {
      round[c.key] = t.frame;
      round[`${c.key}-echo`] = t.echo;
    } else round[c.key] = t;
  }
  for (const c of rows) {
    times[c.key].push(round[c.key]);
    ratios[c.key].push(round[c.key] / round[c.floor ?? "node"]);
    bare[c.key].push(round[c.key] / round.node);
  }
}

// Peak RSS of the one-step run, in separate runs: /usr/bin/time's own fork would skew the timed ones.
// Asynchronous: the scripted server lives in this process and must keep answering meanwhile.
function peakRssMiB(argv) {
  return new Promise((resolve) => {
    const child = spawn("/usr/bin/time", ["-f", "%M", process.execPath, ...argv], { cwd: project, env, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.on("close", () => {
      const kb = Number(err.trim().split("\n").at(-1));
      resolve(Number.isFinite(kb) && kb > 0 ? kb / 1024 : NaN);
    });
  });
}
const rssRuns = [];
if (existsSync("/usr/bin/time")) for (let i = 0; i < 3; i++) rssRuns.push(await peakRssMiB(cases[3].argv));
const rss = rssRuns.length ? median(rssRuns) : NaN;

const fmt = (n) => `${n.toFixed(1)} ms`;
console.log(`start-up, ${RUNS} interleaved rounds, medians; ratio = median of per-round ratios to node -e 0, started`);
console.log("as the case is (the TUI's in the same pty); in brackets, to bare node -e 0 where that differs");
let misses = 0;
for (const c of rows) {
  const ratio = median(ratios[c.key]);
  const goal = c.goal === undefined ? "" : `goal <= ${c.goal}x ${ratio <= c.goal ? "ok" : "MISSED"}`;
  if (c.goal !== undefined && ratio > c.goal) misses++;
  const vsBare = c.floor ? ` (${median(bare[c.key]).toFixed(2)}x)` : "";
  console.log(`${c.label.padEnd(38)} ${fmt(median(times[c.key])).padStart(10)}   ${`${ratio.toFixed(2)}x${vsBare}`.padEnd(15)} ${goal}`);
}
const rssOk = rss <= 70;
if (!rssOk) misses++;
console.log(`${"peak RSS, -p hi".padEnd(38)} ${`${rss.toFixed(1)} MiB`.padStart(10)}                   goal <= 70 MiB ${rssOk ? "ok" : "MISSED"}`);
console.log(misses ? `${misses} goal(s) missed` : "all goals met");

// Whether V8 took the build's code cache (bin/compile-cache.js) for the chunks a one-step -p compiles:
// a cache it rejects (another Node, other V8 flags) shows here as slower start-ups.
{
  const stats = await new Promise((resolve) => {
    const script = `const cc = require(${JSON.stringify(join(ROOT, "bin/compile-cache.js"))});
require(${JSON.stringify(join(ROOT, "bin/launch.js"))}).setV8Flags();
const stats = cc.installCompileCache({ bundleDir: ${JSON.stringify(join(ROOT, "dist/bundle"))}, cacheDir: ${JSON.stringify(join(ROOT, "dist/compile-cache"))} });
process.on("exit", () => process.stderr.write("STATS " + JSON.stringify(stats ?? null) + "\\n"));
require(${JSON.stringify(join(ROOT, "dist/bundle/main.cjs"))}).main(JSON.parse(process.argv[1])).then(() => process.exit());`;
    const child = spawn(process.execPath, ["-e", script, JSON.stringify(cases[3].argv.slice(1))], { cwd: project, env, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.on("close", () => resolve(JSON.parse(/STATS (.*)/.exec(err)?.[1] ?? "null")));
  });
  console.log(stats ? `compile cache, -p hi: ${stats.accepted} chunks taken from it, ${stats.rejected} rejected by V8, ${stats.missing} without one` : "compile cache: none for this build (not trained, or trained in another folder)");
}

// What each path loads.
if (!process.env.BENCH_NO_TRACE) {
  const bundle = join(ROOT, "dist/bundle/");
  const short = (line) => {
    const [kind, where] = [line.slice(0, line.indexOf(" ")), line.slice(line.indexOf(" ") + 1)];
    // Node's internals are left out, except undici: it is what global fetch loads on first use.
    if (kind === "builtin") return where === "internal/deps/undici/undici" ? "node:undici (fetch)" : where.startsWith("internal/") ? undefined : `node:${where}`;
    const path = where.startsWith("file://") ? fileURLToPath(where) : where;
    if (path.startsWith(bundle)) return `chunk ${path.slice(bundle.length).replace(/(-[\w-]{8})?\.c?js$/, "")}`;
    const nm = path.lastIndexOf("/node_modules/");
    if (nm >= 0) {
      const rest = path.slice(nm + "/node_modules/".length).split("/");
      return `pkg ${rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]}`;
    }
    return path.startsWith(ROOT) ? path.slice(ROOT.length) : path;
  };
  console.log("\nloaded per path (chunk = dist/bundle file without its hash; pkg = files of a package, counted; a TUI ended by");
  console.log("Ctrl-C reports no built-ins):");
  for (const c of cases.slice(1).filter((c) => !c.base && !c.pty)) {
    const out = join(home, `trace-${c.key}.txt`);
    rmSync(out, { force: true });
    await run({ ...c, argv: ["--import", TRACE, ...c.argv] }, { LETTA_LOAD_TRACE: out });
    const counts = new Map();
    // A file seen by both tracers (a CommonJS entry goes through the loader hook and require) counts once.
    const seen = new Set();
    for (const line of existsSync(out) ? readFileSync(out, "utf8").split("\n").filter(Boolean) : []) {
      const where = line.slice(line.indexOf(" ") + 1);
      const file = where.startsWith("file://") ? fileURLToPath(where) : where;
      if (seen.has(file)) continue;
      seen.add(file);
      const k = short(line);
      if (k === undefined) continue;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    const items = [...counts].map(([k, n]) => (n > 1 ? `${k} (${n})` : k));
    const group = (p) => items.filter((i) => i.startsWith(p)).map((i) => i.slice(p.length)).sort();
    const other = items.filter((i) => !/^(chunk|pkg|node:) ?/.test(i));
    console.log(`\n${c.label}:`);
    console.log(`  chunks:   ${group("chunk ").join(", ") || "-"}`);
    console.log(`  packages: ${group("pkg ").join(", ") || "-"}`);
    console.log(`  built-ins beyond bare node: ${group("node:").join(", ") || "-"}`);
    if (other.length) console.log(`  other: ${other.sort().join(", ")}`);
  }
}

await server.close();
rmSync(home, { recursive: true, force: true });
