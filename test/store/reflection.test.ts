import { describe, expect, it } from "vitest";
import { Store } from "../../src/store/store.js";
import { tempDir } from "../helpers/temp.js";

function setup() {
  const dir = tempDir("letta-refl-store-");
  const store = Store.open(dir);
  const agent = store.agents.create("a");
  const add = (n: number) => {
    for (let i = 0; i < n; i++) store.messages.append(agent.id, { conversationId: agent.conversationId, role: "user", content: `m${i}`, tokens: 1 });
  };
  return { dir, store, agentId: agent.id, add };
}

describe("reflection watermark and lease", () => {
  it("claims watermark+1..newest, and a release moves the watermark only over what was read", () => {
    const { store, agentId, add } = setup();
    expect(store.reflection.claim(agentId, "p1", 60_000)).toEqual({ kind: "nothing" });
    add(5);
    const c = store.reflection.claim(agentId, "p1", 60_000);
    expect(c).toEqual({ kind: "claimed", claim: { from: 1, to: 5 } });
    add(2); // arrives during the pass: beyond the claim
    expect(store.reflection.release(agentId, "p1", 3)).toBe(true);
    expect(store.reflection.watermark(agentId)).toBe(3);
    expect(store.reflection.claim(agentId, "p2", 60_000)).toEqual({ kind: "claimed", claim: { from: 4, to: 7 } });
    // Never past the claimed range, never backwards.
    store.reflection.release(agentId, "p2", 99);
    expect(store.reflection.watermark(agentId)).toBe(7);
    store.reflection.claim(agentId, "p3", 60_000);
    add(1);
    store.reflection.claim(agentId, "p3", 60_000);
    store.reflection.release(agentId, "p3", 2);
    expect(store.reflection.watermark(agentId)).toBe(7);
  });

  it("a second process sees the first one's lease until it is released or expires; a stranger cannot release it", () => {
    const { dir, store, agentId, add } = setup();
    add(3);
    const other = Store.open(dir);
    expect(store.reflection.claim(agentId, "p1", 60_000).kind).toBe("claimed");
    expect(other.reflection.claim(agentId, "p2", 60_000)).toMatchObject({ kind: "busy", holder: "p1" });
    expect(other.reflection.release(agentId, "p2", 3)).toBe(false);
    expect(store.reflection.watermark(agentId)).toBe(0);
    // A failed pass releases without moving the watermark: the same range is claimable again.
    expect(store.reflection.release(agentId, "p1")).toBe(true);
    expect(other.reflection.claim(agentId, "p2", -1)).toEqual({ kind: "claimed", claim: { from: 1, to: 3 } });
    // p2's lease already expired (a crashed process): p3 takes over.
    expect(store.reflection.claim(agentId, "p3", 60_000).kind).toBe("claimed");
    other.close();
  });

  it("adds up token usage per agent and day", () => {
    const { store, agentId } = setup();
    store.reflection.addUsage(agentId, "2026-12-01", 100);
    store.reflection.addUsage(agentId, "2026-12-01", 50);
    store.reflection.addUsage(agentId, "2026-12-02", 7);
    expect(store.reflection.usageOn(agentId, "2026-12-01")).toBe(150);
    expect(store.reflection.usageOn(agentId, "2026-12-02")).toBe(7);
    expect(store.reflection.usageOn(agentId, "2026-12-03")).toBe(0);
  });
});
