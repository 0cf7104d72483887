import { describe, expect, it } from "vitest";
import { contextWindowFor, DEFAULT_CONTEXT_WINDOW } from "../../src/llm/context-windows.js";

describe("contextWindowFor", () => {
  it.each([
    ["gpt-4o", 128_000],
    ["gpt-4o-mini-2024-07-18", 128_000],
    ["gpt-4.1", 1_047_576],
    ["gpt-4.1-mini", 1_047_576],
    ["gpt-4", 8_192],
    ["gpt-4-turbo", 128_000],
    ["gpt-5", 400_000],
    ["gpt-5-mini", 400_000],
    ["o3", 200_000],
    ["o4-mini", 200_000],
    ["claude-sonnet-4-5", 200_000],
    ["anthropic/claude-3.5-sonnet", 200_000],
    ["google/gemini-2.5-pro", 1_048_576],
    ["llama3.1:8b", 131_072],
    ["meta-llama/Meta-Llama-3.3-70B-Instruct", 131_072],
    ["llama3:8b", 8_192],
    ["qwen2.5-coder:7b", 32_768],
    ["Qwen/Qwen2.5-7B-Instruct", 32_768],
    ["qwen3:8b", 40_960],
    ["qwen3-coder-30b", 262_144],
    ["mistral:7b", 32_768],
    ["deepseek-chat", 131_072],
    ["deepseek/deepseek-r1", 131_072],
  ])("%s -> %i", (model, window) => {
    expect(contextWindowFor(model)).toBe(window);
  });

  it("defaults unknown (local) models to 32k", () => {
    expect(DEFAULT_CONTEXT_WINDOW).toBe(32_768);
    expect(contextWindowFor("my-finetune.gguf")).toBe(32_768);
    expect(contextWindowFor("")).toBe(32_768);
  });

  it("prefers a valid override", () => {
    expect(contextWindowFor("gpt-4o", 8000)).toBe(8000);
    expect(contextWindowFor("unknown", 65_536)).toBe(65_536);
    expect(contextWindowFor("gpt-4o", 0)).toBe(128_000);
    expect(contextWindowFor("gpt-4o", Number.NaN)).toBe(128_000);
  });
});
