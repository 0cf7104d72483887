// Subagents side by side: N task calls in one step, each subagent's model answering after LATENCY ms
// (an in-process model, so the figures are letta-code's own cost around the waits). With the default
// concurrency of 4, up to 4 take one latency together and 8 take two; the rest is overhead per run.
// Run: npm run build && node bench/subagents.js
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Project } from "../dist/agent/open-project.js";

const LATENCY = Number(process.env.BENCH_LATENCY_MS ?? 500);
const root = mkdtempSync(join(tmpdir(), "letta-bench-sub-"));
mkdirSync(join(root, ".git"));
mkdirSync(join(root, ".home", ".claude", "agents"), { recursive: true });
writeFileSync(join(root, ".home", ".claude", "agents", "helper.md"), "---\nname: helper\ndescription: helps\ntools: Read, Grep\n---\nYou are HELPER.\n");

let calls = 0;
const model = (id) => ({
  model: id,
  baseURL: "in-process",
  async complete(req) {
    const system = String(req.messages[0]?.content ?? "");
    if (system.includes("You are HELPER.")) {
      await new Promise((r) => setTimeout(r, LATENCY));
      return { text: "helped", toolCalls: [], finishReason: "stop" };
    }
    if (!req.messages.some((m) => m.role === "tool")) {
      const toolCalls = Array.from({ length: calls }, (_, i) => ({ id: `t${i}`, name: "task", arguments: JSON.stringify({ agent: "helper", description: "d", prompt: `job ${i}` }) }));
      return { text: "", toolCalls, finishReason: "tool_calls" };
    }
    return { text: "done", toolCalls: [], finishReason: "stop" };
  },
});
const project = Project.open({ cwd: root, env: { HOME: join(root, ".home"), LETTA_CODE_EMBEDDING_PATH: join(root, "none") }, flags: { model: "m", reflection: { mode: "off" } }, createModel: model });
const agent = project.resolveAgent();

// One turn first, unmeasured: the first turn of a process loads the tokenizer and warms the store.
calls = 1;
for await (const _ of project.session(agent, { mode: "yolo", newConversation: true }).send("warm up"));

console.log(`subagent model latency ${LATENCY} ms, concurrency ${project.config.subagentConcurrency}`);
for (const n of [1, 2, 4, 8]) {
  calls = n;
  const session = project.session(agent, { mode: "yolo", newConversation: true });
  const t = performance.now();
  for await (const e of session.send("go")) if (e.type === "error") throw new Error(e.message);
  const wall = performance.now() - t;
  const waves = Math.ceil(n / project.config.subagentConcurrency);
  const overhead = wall - waves * LATENCY;
  console.log(`${String(n).padStart(2)} subagents: ${wall.toFixed(0).padStart(5)} ms (${waves} x ${LATENCY} ms of model time; ${overhead.toFixed(0)} ms letta-code for the turn, ${(overhead / n).toFixed(1)} ms a subagent)`);
  session.close?.();
}
project.close();
rmSync(root, { recursive: true, force: true });
