import { describe, expect, it } from "vitest";
import { countMessageTokens, countTokens, encodingForModel } from "../../src/llm/tokens.js";
import type { ChatMessage, ToolSchema } from "../../src/llm/types.js";

describe("countTokens", () => {
  it("counts known strings exactly (o200k_base)", () => {
    expect(countTokens("")).toBe(0);
    expect(countTokens("hello world")).toBe(2);
    expect(countTokens("hello world", "gpt-4")).toBe(2); // cl100k agrees on this one
  });

  it("grows with the text", () => {
    const one = countTokens("The agent remembers what matters. ");
    const ten = countTokens("The agent remembers what matters. ".repeat(10));
    expect(ten).toBeGreaterThan(one * 8);
    expect(ten).toBeLessThanOrEqual(one * 10);
  });

  it("treats special-token text as plain text instead of throwing", () => {
    expect(countTokens("<|endoftext|>")).toBeGreaterThan(1);
  });

  // Speed is the benchmarks' job (a timed unit test fails on a loaded machine); this checks the count.
  it("counts a 10k-token string of repeated code", () => {
    const text = "function add(a, b) { return a + b; } // sums two numbers\n".repeat(600) + "unique tail";
    const n = countTokens(text);
    expect(n).toBeGreaterThan(8000);
    expect(n).toBeLessThan(12000);
  });

  it("does not go quadratic on long runs (js-tiktoken alone takes ~27 s on 20k letters)", () => {
    const t0 = performance.now();
    const n = countTokens("a".repeat(20_000) + " " + "-".repeat(5_000) + " ".repeat(5_000) + "end");
    // Quadratic behaviour takes ~27 s here; linear takes milliseconds. The bound only has to tell them apart.
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(n).toBeGreaterThan(2_000);
    expect(n).toBeLessThan(5_000);
  });

  it("picks cl100k for older OpenAI models and o200k otherwise", () => {
    expect(encodingForModel("gpt-4")).toBe("cl100k_base");
    expect(encodingForModel("gpt-3.5-turbo")).toBe("cl100k_base");
    expect(encodingForModel("gpt-4o-mini")).toBe("o200k_base");
    expect(encodingForModel("openai/gpt-4.1")).toBe("o200k_base");
    expect(encodingForModel("qwen2.5-coder:7b")).toBe("o200k_base");
  });
});

describe("countMessageTokens", () => {
  const messages: ChatMessage[] = [
    { role: "system", content: "You are a coding agent." },
    { role: "user", content: "hello world" },
  ];

  it("adds per-message framing to the content tokens", () => {
    const content = countTokens("You are a coding agent.") + countTokens("hello world");
    const total = countMessageTokens(messages);
    // 3 per message + the role + 3 reply priming
    expect(total).toBe(content + 2 * (3 + 1) + 3);
  });

  it("counts tool calls, tool results and tool schemas", () => {
    const base = countMessageTokens(messages);
    const withCall = countMessageTokens([
      ...messages,
      { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "read_file", arguments: '{"path":"a.ts"}' } }] },
      { role: "tool", tool_call_id: "c1", content: "export const a = 1;" },
    ]);
    expect(withCall).toBeGreaterThan(base + 15);
    const tools: ToolSchema[] = [
      { type: "function", function: { name: "read_file", description: "Read a file", parameters: { type: "object", properties: { path: { type: "string" } } } } },
    ];
    expect(countMessageTokens(messages, tools)).toBe(base + countTokens(JSON.stringify(tools)));
  });
});
