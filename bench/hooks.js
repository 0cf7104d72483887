// The cost of a PreToolUse hook: one tool call (read_file) per turn with no hook, with one no-op
// hook (`true`) run plainly, and with the same hook inside the bubblewrap sandbox (when available).
// The difference is the hook's process cost per tool call. Run: npm run build && node bench/hooks.js
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Project } from "../dist/agent/open-project.js";
import { detectSandbox } from "../dist/permissions/sandbox.js";
import { ms, summarise } from "./synthetic.js";

const TURNS = 60;

async function measure(label, hooks, sandbox) {
  const root = mkdtempSync(join(tmpdir(), "letta-bench-hooks-"));
  mkdirSync(join(root, ".git"));
  writeFileSync(join(root, "README.md"), "# bench\n");
  const config = join(root, ".xdg", "letta-code");
  mkdirSync(config, { recursive: true });
  writeFileSync(join(config, "config.json"), JSON.stringify(hooks ? { hooks } : {}));
  let script = [];
  const model = (name) => ({
    model: name,
    baseURL: "in-process",
    async complete() {
      return script.shift() ?? { text: "ok", toolCalls: [], finishReason: "stop" };
    },
  });
  const env = { HOME: root, XDG_CONFIG_HOME: join(root, ".xdg"), LETTA_CODE_EMBEDDING_PATH: join(root, "none"), PATH: process.env.PATH };
  const project = Project.open({ cwd: root, env, flags: { model: "gpt-4.1", sandbox }, createModel: model });
  const session = project.session(project.resolveAgent(), { mode: "yolo" });
  const times = [];
  for (let i = 0; i < TURNS + 5; i++) {
    script = [
      { text: "", toolCalls: [{ id: `c${i}`, name: "read_file", arguments: JSON.stringify({ path: "README.md" }) }], finishReason: "tool_calls" },
      { text: "done", toolCalls: [], finishReason: "stop" },
    ];
    const t = performance.now();
    for await (const e of session.send(`turn ${i}`)) if (e.type === "error") throw new Error(e.message);
    if (i >= 5) times.push(performance.now() - t);
  }
  project.close();
  rmSync(root, { recursive: true, force: true });
  const s = summarise(times);
  console.log(`${label.padEnd(40)} median ${ms(s.median)}  p95 ${ms(s.p95)}`);
  return s.median;
}

const noop = { PreToolUse: [{ matcher: "read_file", hooks: [{ type: "command", command: "true" }] }] };
console.log(`a turn with one read_file call (two model steps, in-process model), ${TURNS} turns each`);
const none = await measure("no hook", undefined, false);
const plain = await measure("one no-op PreToolUse hook", noop, false);
console.log(`  -> the hook costs ${ms(plain - none)} per tool call (bash started once)`);
if ((await detectSandbox()).available) {
  const boxed = await measure("one no-op hook, sandboxed (bwrap)", noop, true);
  console.log(`  -> sandboxed, the hook costs ${ms(boxed - none)} per tool call`);
} else console.log("(bubblewrap unavailable: sandboxed hook not measured)");
