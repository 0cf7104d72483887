// Agent loop overhead per step, excluding model time: an in-process model that answers at once,
// a project whose recall memory holds 10k messages (a long-lived conversation after compactions).
// Run: npm run build && node bench/loop.js
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Project } from "../dist/agent/open-project.js";
import { ms, summarise } from "./synthetic.js";

const STORED = 10_000;
const IN_WINDOW = 60;
const TURNS = 200;

const root = mkdtempSync(join(tmpdir(), "letta-bench-loop-"));
mkdirSync(join(root, ".git"));
let script = [];
const instantModel = (model) => ({
  model,
  baseURL: "in-process",
  async complete() {
    return script.shift() ?? { text: "ok", toolCalls: [], finishReason: "stop" };
  },
});
const project = Project.open({ cwd: root, env: { HOME: root, LETTA_CODE_EMBEDDING_PATH: join(root, "none") }, flags: { model: "gpt-4.1" }, createModel: instantModel });
const agent = project.resolveAgent();
const { store } = project;
store.transaction(() => {
  for (let i = 0; i < STORED; i++) {
    const m = store.messages.append(agent.id, {
      conversationId: agent.conversationId,
      role: i % 2 ? "assistant" : "user",
      content: `message ${i}: ${"some realistic words about the code base ".repeat(6)}`,
      tokens: 70,
      createdAt: new Date(Date.now() - (STORED - i) * 60_000).toISOString(),
    });
    if (i < STORED - IN_WINDOW) store.db.prepare("UPDATE messages SET in_context = 0 WHERE id = ?").run(m.id);
  }
});
const session = project.session(agent, { mode: "yolo" });

async function turn(text) {
  const t = performance.now();
  for await (const e of session.send(text)) if (e.type === "error") throw new Error(e.message);
  return performance.now() - t;
}

for (let i = 0; i < 10; i++) await turn("warm up");
const answerSteps = [];
for (let i = 0; i < TURNS; i++) answerSteps.push(await turn(`question ${i}`));
// A step with a memory tool call, then the answer: two steps per turn.
const toolTurns = [];
for (let i = 0; i < TURNS / 2; i++) {
  script = [
    { text: "", toolCalls: [{ id: `c${i}`, name: "conversation_search", arguments: JSON.stringify({ query: "code base", limit: 5 }) }], finishReason: "tool_calls" },
    { text: "found it", toolCalls: [], finishReason: "stop" },
  ];
  toolTurns.push((await turn(`search ${i}`)) / 2);
}
const a = summarise(answerSteps);
const t = summarise(toolTurns);
console.log(`agent loop overhead per step (model time excluded), ${STORED} stored messages, ${IN_WINDOW}+ in the window`);
console.log(`answer step (store, build context, emit):      median ${ms(a.median)}  p95 ${ms(a.p95)}`);
console.log(`tool step (+ conversation_search over 10k):     median ${ms(t.median)}  p95 ${ms(t.p95)}`);
console.log(`RSS ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB`);
project.close();
rmSync(root, { recursive: true, force: true });
