import { describe, expect, it } from "vitest";
import { embeddingProgressPrinter, progressLine } from "../../src/cli/progress.js";

function sink(isTTY: boolean) {
  const out: string[] = [];
  return { out, stream: { isTTY, write: (s: string) => out.push(s) } as unknown as NodeJS.WriteStream };
}

describe("headless progress", () => {
  it("reports a model download in a few lines when stderr is a log, redrawn in place on a terminal", () => {
    const log = sink(false);
    const print = embeddingProgressPrinter(log.stream);
    for (let pct = 0; pct <= 100; pct += 5) print({ file: "onnx/model_quantized.onnx", loaded: pct * 230_000, total: 23_000_000, progress: pct });
    expect(log.out).toHaveLength(5);
    expect(log.out.at(-1)).toBe("downloading embedding model: onnx/model_quantized.onnx 100% (21.9/21.9 MB)\n");
    const tty = sink(true);
    embeddingProgressPrinter(tty.stream)({ file: "f", loaded: 1, total: 2, progress: 50 });
    expect(tty.out[0]).toMatch(/^\r█{10}░{10} downloading/);
  });

  it("describes tool calls by their key argument", () => {
    expect(progressLine({ type: "tool_call", id: "1", name: "run_shell", args: { command: "npm test\nmore" }, rawArgs: "" })).toBe("→ run_shell npm test");
    expect(progressLine({ type: "tool_result", id: "1", name: "grep", state: "done", content: "x" })).toBeNull();
  });
});
