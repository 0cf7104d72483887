/**
 * TUI benchmark: keystroke latency with a long transcript, and idle memory.
 *
 *   npm run build && node bench/tui.js
 *
 * Renders the real <App> (from dist/) with Ink into an in-memory TTY (100x40), drives
 * 1,000 transcript items through a fake session (user messages, markdown answers with code,
 * diffs, shell results), then types ~200 keystrokes into the input and measures, for each,
 * the time from the key arriving on stdin to Ink having written the new frame (React render
 * + Ink layout + output). Keys are spaced past Ink's 30 fps throttle so every key renders
 * on the spot. Targets: median and p95 ≤ 16 ms per keystroke, idle RSS ≤ 120 MB.
 *
 * Colours are forced on (as in a real terminal). RSS is reported right after typing and
 * when idle (8 s after the last key, when the TUI's idle trim has run); no GC is forced by
 * the benchmark itself.
 */
import { EventEmitter } from "node:events";
import { performance } from "node:perf_hooks";
import { FakeTtyStdin } from "../test/helpers/fake-tty.mjs";

// chalk decides its colour level when first imported: force colours before loading Ink.
process.env.FORCE_COLOR ??= "1";
const { default: React } = await import("react");
const { render } = await import("ink");
const { App } = await import("../dist/tui/app.js");
const { InputHistory } = await import("../dist/tui/history.js");

const ROWS = 40;
const COLUMNS = 100;
const TURNS = Number(process.env.TURNS ?? 250); // 4 items each: user, tool, answer, plus a tool or note → 1,000 items
const KEYSTROKES = 200;


class FakeStdout extends EventEmitter {
  isTTY = true;
  columns = COLUMNS;
  rows = ROWS;
  writes = 0;
  bytes = 0;
  write(chunk) {
    this.writes++;
    this.bytes += chunk.length;
    return true;
  }
}

const usage = { promptTokens: 1000, completionTokens: 200, totalTokens: 1200 };
const done = { type: "done", reason: "answer", result: "", numSteps: 1, usage };

function answerText(i) {
  return [
    `## Step ${i}`,
    "",
    `I looked at **src/module${i}.ts** and changed \`parse()\` so that it handles empty input:`,
    "",
    "- read the file",
    "- wrote a failing test",
    "- fixed the bug",
    "",
    "```ts",
    `export function parse${i}(s: string): number {`,
    '  if (s === "") return 0; // empty input',
    "  return Number.parseInt(s, 10);",
    "}",
    "```",
    "Tests pass now.",
  ].join("\n");
}

function turnEvents(i) {
  const tool =
    i % 2 === 0
      ? [
          { type: "tool_call", id: `t${i}`, name: "edit_file", args: { path: `src/module${i}.ts` }, rawArgs: "" },
          {
            type: "tool_result",
            id: `t${i}`,
            name: "edit_file",
            state: "done",
            content: "ok",
            display: { kind: "diff", path: `src/module${i}.ts`, created: false, diff: `@@ -1,3 +1,4 @@\n export function parse${i}(s) {\n+  if (s === "") return 0;\n-  return parseInt(s);\n+  return Number.parseInt(s, 10);\n }` },
          },
        ]
      : [
          { type: "tool_call", id: `t${i}`, name: "run_shell", args: { command: "npm test" }, rawArgs: "" },
          {
            type: "tool_result",
            id: `t${i}`,
            name: "run_shell",
            state: "done",
            content: "exit 0",
            display: { kind: "shell", command: "npm test", exitCode: 0, output: Array.from({ length: 30 }, (_, k) => `✓ test ${k}`).join("\n"), timedOut: false, sandboxed: true },
          },
        ];
  const text = answerText(i);
  return [
    { type: "turn_start", agentId: "a", conversationId: "c" },
    ...tool,
    { type: "assistant_delta", text },
    { type: "assistant_message", text, messageId: String(i) },
    i % 5 === 0 ? { type: "memory_update", label: "project", action: "append", before: "x", after: `x\nfact ${i}` } : { type: "notice", message: `note ${i}` },
    done,
  ];
}

const session = {
  turn: 0,
  info: () => ({
    agentId: "a",
    agentName: "bench-agent",
    model: "bench-model",
    baseURL: "http://127.0.0.1:1/v1",
    projectRoot: process.cwd(),
    contextWindow: 128000,
    permissionMode: "ask",
    conversationId: "c",
  }),
  stats: () => ({ contextTokens: 42000, contextWindow: 128000, coreChars: 1500, coreLimit: 9000, archivalCount: 120, recallCount: 1000, sessionUsage: usage }),
  memory: { core: { list: () => [], get: () => undefined }, archival: { count: () => 0 }, recall: { count: () => 0 } },
  send() {
    const events = turnEvents(this.turn++);
    return (async function* () {
      for (const e of events) yield e;
    })();
  },
  compact: async () => null,
  newConversation() {},
  recentTranscript: () => [],
  setModel() {},
  setPermissionMode() {},
  close() {},
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const mb = (n) => (n / 1024 / 1024).toFixed(1);

const stdout = new FakeStdout();
const stdin = new FakeTtyStdin();
const inkRenderTimes = [];
let recording = false;
let renders = 0;

const t0 = performance.now();
const instance = render(React.createElement(App, { session, history: new InputHistory(), options: {} }), {
  stdout,
  stdin,
  stderr: new FakeStdout(),
  debug: false,
  exitOnCtrlC: false,
  patchConsole: false,
  onRender: ({ renderTime }) => {
    renders++;
    if (recording) inkRenderTimes.push(renderTime);
  },
});
await sleep(50);

// Fill the transcript by running turns through the UI, as a user would.
const fillStart = performance.now();
for (let i = 0; i < TURNS; i++) {
  stdin.write(`question ${i} about @src`);
  await sleep(0);
  stdin.write("\r");
  while (session.turn <= i) await sleep(1);
  await sleep(2);
}
await sleep(300);
const fillMs = performance.now() - fillStart;

// Keystrokes.
const latencies = [];
let noFrame = 0;
recording = true;
const keys = "the quick brown fox jumps over the lazy dog and then types some more ";
for (let k = 0; k < KEYSTROKES; k++) {
  const key = k % 40 === 39 ? "\u007f" : keys[k % keys.length]; // a backspace now and then
  await sleep(40); // past Ink's 33 ms render throttle: this key renders immediately
  const rendersBefore = renders;
  const start = performance.now();
  stdin.write(key);
  // Normally the frame is rendered and written synchronously; if Ink deferred it, wait for it.
  const deadline = start + 500;
  while (renders === rendersBefore && performance.now() < deadline) await sleep(0);
  if (renders === rendersBefore) {
    noFrame++;
    continue;
  }
  latencies.push(performance.now() - start);
}
recording = false;

await sleep(200);
const busyMem = process.memoryUsage();
await sleep(14000); // idle at the prompt (the TUI trims memory after 6 s and 12 s of idleness)
const idleMem = process.memoryUsage();

instance.unmount();

const median = pct(latencies, 50);
const p95 = pct(latencies, 95);
const ok = (v, target) => (v <= target ? "ok" : "OVER TARGET");
const idleMb = idleMem.rss / 1024 / 1024;
console.log("letta-code TUI benchmark");
console.log(`  terminal             ${COLUMNS}x${ROWS} (in-memory TTY, colours on), ${TURNS} turns → ~${TURNS * 4} transcript items`);
console.log(`  fill transcript      ${fillMs.toFixed(0)} ms (${(fillMs / TURNS).toFixed(1)} ms per turn incl. pauses); first render at ${(fillStart - t0).toFixed(0)} ms`);
console.log(`  keystroke → frame    median ${median.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms, max ${Math.max(...latencies).toFixed(2)} ms over ${latencies.length} keys  [target ≤ 16 ms: ${ok(p95, 16)}]`);
console.log(`  ink output render    median ${pct(inkRenderTimes, 50).toFixed(2)} ms, p95 ${pct(inkRenderTimes, 95).toFixed(2)} ms`);
console.log(`  RSS after typing     ${mb(busyMem.rss)} MB (heap ${mb(busyMem.heapUsed)} used / ${mb(busyMem.heapTotal)} reserved)`);
console.log(`  idle RSS             ${mb(idleMem.rss)} MB (heap ${mb(idleMem.heapUsed)} used / ${mb(idleMem.heapTotal)} reserved, after 14 s idle)  [target ≤ 120 MB: ${ok(idleMb, 120)}]`);
if (noFrame) console.log(`  (${noFrame} keys produced no new frame)`);
console.log(`  stdout               ${stdout.writes} writes, ${mb(stdout.bytes)} MB`);
process.exit(0);
