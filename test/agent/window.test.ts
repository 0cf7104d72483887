import { describe, expect, it } from "vitest";
import { capToolArguments, evictionPlan } from "../../src/agent/window.js";
import type { StoredMessage } from "../../src/store/messages.js";

const row = (id: number, role: StoredMessage["role"], tokens: number, extra: Partial<StoredMessage> = {}): StoredMessage => ({
  id,
  conversationId: "c",
  role,
  content: `m${id}`,
  inContext: true,
  tokens,
  createdAt: "2026-01-01T00:00:00Z",
  ...extra,
});

describe("capToolArguments", () => {
  it("leaves arguments that fit alone", () => {
    const args = JSON.stringify({ path: "a.ts", content: "short" });
    expect(capToolArguments(args, 1000)).toBe(args);
  });

  it("shortens the longest string argument, keeps the others and valid JSON, and says so", () => {
    const content = `${"head ".repeat(2000)}MIDDLE${" tail".repeat(2000)}`;
    const capped = capToolArguments(JSON.stringify({ path: "big.ts", content }), 2000);
    expect(capped.length).toBeLessThanOrEqual(2000);
    const parsed = JSON.parse(capped);
    expect(parsed.path).toBe("big.ts");
    expect(parsed.content.startsWith("head head")).toBe(true);
    expect(parsed.content.endsWith("tail tail")).toBe(true);
    expect(parsed.content).not.toContain("MIDDLE");
    expect(parsed.content).toMatch(/\d+ characters of this argument cut from the context window/);
  });

  it("arguments that are not a JSON object become a marked excerpt that still parses", () => {
    const capped = capToolArguments(`{"broken": "${"x".repeat(5000)}`, 1000);
    expect(JSON.parse(capped)._shortened).toMatch(/cut from the context window/);
    expect(capped.length).toBeLessThan(1100);
  });
});

describe("evictionPlan", () => {
  it("never evicts the pinned message, even when everything around it goes", () => {
    const rows = [row(1, "user", 100), row(2, "assistant", 100), row(3, "user", 50), row(4, "assistant", 900, { toolCalls: [{ id: "t", type: "function", function: { name: "x", arguments: "{}" } }] }), row(5, "tool", 900, { toolCallId: "t" }), row(6, "assistant", 10)];
    const { evicted, kept } = evictionPlan(rows, 10_000, 3);
    expect(kept.map((r) => r.id)).toEqual([3, 6]);
    expect(evicted.map((r) => r.id)).toEqual([1, 2, 4, 5]);
  });

  it("without a pin it cuts from the front and never starts the window with a tool result", () => {
    const rows = [row(1, "user", 100), row(2, "assistant", 100, { toolCalls: [{ id: "t", type: "function", function: { name: "x", arguments: "{}" } }] }), row(3, "tool", 100, { toolCallId: "t" }), row(4, "user", 10)];
    expect(evictionPlan(rows, 150).kept.map((r) => r.id)).toEqual([4]);
  });
});
