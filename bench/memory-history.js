// Memory history cost: N core_memory_append-equivalent writes with history recording (the block write
// and its event in one transaction) vs the same writes without it (AgentCoreMemory over an unrecorded
// block source, and the bare blocks store). Each write is its own commit, as in a turn.
// Run: npm run build && node bench/memory-history.js   (BENCH_WRITES=N to change N)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store } from "../dist/store/store.js";
import { AgentCoreMemory } from "../dist/memory/core-memory.js";
import { agentBlocks } from "../dist/memory/block-source.js";

const N = Number(process.env.BENCH_WRITES ?? 2000);
const LIMIT = 1_000_000;

function fresh() {
  const dir = mkdtempSync(join(tmpdir(), "letta-bench-history-"));
  const store = Store.open(join(dir, ".letta"));
  const agentId = store.agents.create("bench").id;
  store.blocks.upsert(agentId, { label: "project", value: "", limit: LIMIT, description: "", readOnly: false });
  return { dir, store, agentId };
}

function time(name, write) {
  const { dir, store, agentId } = fresh();
  const fn = write(store, agentId);
  for (let i = 0; i < 50; i++) fn(i); // warm the statement cache and the JIT
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) fn(i);
  const perWrite = Number(process.hrtime.bigint() - t0) / 1e6 / N;
  const events = store.memoryEvents.count(agentId);
  store.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(`${name.padEnd(44)} ${perWrite.toFixed(4)} ms/write   (${events} events recorded)`);
  return perWrite;
}

const line = (i) => `fact number ${i}: something worth keeping`;
const bare = time("blocks store setValue (no checks, no history)", (store, id) => {
  let value = "";
  return (i) => {
    value += `\n${line(i)}`;
    store.blocks.setValue(id, "project", value);
  };
});
const plain = time("AgentCoreMemory.append, history off", (store, id) => {
  const core = new AgentCoreMemory(agentBlocks(store.blocks, id));
  return (i) => core.append("project", line(i), { actor: "agent" });
});
const recorded = time("AgentCoreMemory.append, history on", (store, id) => {
  const core = new AgentCoreMemory(agentBlocks(store.blocks, id, store));
  return (i) => core.append("project", line(i), { actor: "agent", reason: "bench" });
});
console.log(`history on / off: ${(recorded / plain).toFixed(2)}x   history on / bare store: ${(recorded / bare).toFixed(2)}x   (N=${N})`);
