import { describe, expect, it } from "vitest";
import { capOutput } from "../../src/tools/output-cap.js";

const lines = (n: number, prefix = "line") => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`).join("\n") + "\n";

describe("capOutput", () => {
  it("returns small output unchanged", () => {
    expect(capOutput("hello\nworld\n")).toBe("hello\nworld\n");
    expect(capOutput("")).toBe("");
  });

  it("keeps head and tail lines with a note of what was cut", () => {
    const out = capOutput(lines(1000), { maxLines: 20, maxBytes: 100_000 });
    const kept = out.split("\n");
    expect(kept[0]).toBe("line 1");
    expect(kept[9]).toBe("line 10");
    expect(out).toContain("line 1000\n");
    expect(out).toMatch(/\[\.\.\. 980 lines \([\d.]+ KB\) omitted \.\.\.\]/);
    expect(out).not.toContain("line 500\n");
  });

  it("caps bytes with the default 10 KiB budget", () => {
    const input = lines(2000, "some fairly long output line that takes bytes");
    const out = capOutput(input);
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(10240 + 100);
    expect(out.startsWith("some fairly long output line that takes bytes 1\n")).toBe(true);
    expect(out.endsWith("takes bytes 2000\n")).toBe(true);
    expect(out).toMatch(/lines \(.*\) omitted/);
  });

  it("cuts a single giant line by bytes, keeping both ends", () => {
    const input = "A".repeat(10) + "x".repeat(1_000_000) + "Z".repeat(10);
    const out = capOutput(input, { maxBytes: 1000 });
    expect(out.startsWith("AAAAAAAAAA")).toBe(true);
    expect(out.endsWith("ZZZZZZZZZZ")).toBe(true);
    expect(out.length).toBeLessThan(1100);
    expect(out).toMatch(/\[\.\.\. 0 lines \(975\.6 KB\) omitted \.\.\.\]/);
  });

  it("never splits a multi-byte character", () => {
    const out = capOutput("é".repeat(50_000), { maxBytes: 1001 });
    expect(out).not.toContain("\uFFFD");
  });

  it("counts a gap dropped upstream in the note", () => {
    const text = "head\n" + "tail\n";
    const out = capOutput(text, {}, { at: 5, bytes: 5000, lines: 1000 });
    expect(out).toBe("head\n[... 1,000 lines (4.9 KB) omitted ...]\ntail\n");
  });
});
