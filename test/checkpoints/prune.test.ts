import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collect, harness } from "../helpers/agent-harness.js";
import type { Agent } from "../../src/agent/agent.js";
import { pruneCheckpoints } from "../../src/checkpoints/prune.js";

const DAY = 24 * 60 * 60 * 1000;

async function twoTurns() {
  const h = await harness({ mode: "yolo" });
  const agent = h.session as Agent;
  writeFileSync(join(h.root, "a.txt"), "a0\n");
  h.server.enqueue({ toolCalls: [{ name: "write_file", arguments: { path: "a.txt", content: "a1\n" } }] }, { text: "1" });
  await collect(h.session, "first");
  h.server.enqueue({ toolCalls: [{ name: "write_file", arguments: { path: "b.txt", content: "b1\n".repeat(1000) } }] }, { text: "2" });
  await collect(h.session, "second");
  return { ...h, agent, cp: h.project.checkpoints() };
}

describe("pruning old checkpoints", () => {
  it("by age: old turns stay listed, marked pruned, and their files are no longer restorable", async () => {
    const h = await twoTurns();
    const report = pruneCheckpoints(h.project.store.checkpoints, h.cp.blobs, h.cp.shell, h.cp.settings, Date.now() + 31 * DAY);
    expect(report.prunedTurns).toBe(2);
    expect(report.removedBlobs).toBeGreaterThan(0);
    const turns = h.agent.turns();
    expect(turns.map((t) => [t.text, t.pruned, t.files.every((f) => !f.restorable)])).toEqual([
      ["first", true, true],
      ["second", true, true],
    ]);
    const plan = h.agent.planRewind(turns[0]!.turnId);
    expect(plan.items.map((i) => [i.path, i.restorable, i.reason])).toEqual([
      ["a.txt", false, "checkpoint pruned"],
      ["b.txt", false, "checkpoint pruned"],
    ]);
    // Within the age limit nothing is pruned.
    expect(pruneCheckpoints(h.project.store.checkpoints, h.cp.blobs, h.cp.shell, h.cp.settings).prunedTurns).toBe(0);
  });

  it("by size: the oldest turns go first until the blobs fit", async () => {
    const h = await twoTurns();
    const total = h.cp.blobs.bytes();
    // Room for the second turn's content (b.txt, ~3 KB) but not for both turns.
    const report = pruneCheckpoints(h.project.store.checkpoints, h.cp.blobs, h.cp.shell, { ...h.cp.settings, maxBytes: total - 1 });
    expect(report.prunedTurns).toBe(1);
    expect(h.agent.turns().map((t) => t.pruned)).toEqual([true, false]);
    expect(h.cp.blobs.bytes()).toBeLessThan(total);
  });
});
