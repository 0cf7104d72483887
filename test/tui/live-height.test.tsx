import { afterEach, describe, expect, it } from "vitest";
import { cleanup } from "ink-testing-library";
import type { AgentEvent } from "../../src/agent/events.js";
import { liveLines } from "../../src/tui/live-lines.js";
import { FakeSession, done, streamed } from "./fake-session.js";
import { renderApp, strip } from "./helpers.js";

afterEach(() => cleanup());

/** The live (non-Static) part of a debug frame: everything after the user's prompt line. */
function liveRows(frame: string, marker: string): number {
  const lines = strip(frame).split("\n");
  // the last occurrence: a repaint (after a resize) prints the transcript again below the old one
  const i = lines.findLastIndex((l) => l.startsWith(marker));
  return i < 0 ? 0 : lines.length - i - 1;
}

function answer(n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 50 === 10) out.push("```ts");
    if (i % 50 === 20) out.push("```");
    out.push(i % 7 === 0 ? `## Section ${i}` : `Line ${i}: some **markdown** text with \`code\` that is long enough to wrap on a narrow terminal for sure.`);
  }
  return out.join("\n");
}

describe("live region height", () => {
  it("stays within the terminal while a 500-line answer streams", async () => {
    const s = new FakeSession({ pace: 0 });
    s.script(streamed(answer(500), 400));
    const app = renderApp(s);
    app.setSize(100, 24);
    await app.submit("go");
    await app.waitFor((f) => f.includes("Line 499") && !f.includes("thinking"), 10_000);
    const during = app.frames.filter((f) => strip(f).includes("› go") && strip(f).includes("lines above"));
    expect(during.length).toBeGreaterThan(3);
    // frames before the answer is finished (then it is printed in full above, in <Static>)
    const live = app.frames.filter((f) => !strip(f).includes("● Section 0"));
    expect(live.length).toBeGreaterThan(3);
    for (const f of live) expect(liveRows(f, "› go")).toBeLessThanOrEqual(24);
    // the full answer ends up in the transcript
    const final = app.frame();
    expect(final).toContain("Line 1: some markdown");
    expect(final).toContain("Line 499");
  });

  it("also at 60 columns and 16 rows, with shell output and a tall pasted input", async () => {
    const s = new FakeSession({ pace: 0 });
    const out = Array.from({ length: 200 }, (_, i) => `output line ${i}`).join("\n");
    const events: AgentEvent[] = [
      { type: "tool_call", id: "a", name: "run_shell", args: { command: "make" }, rawArgs: "" },
      { type: "tool_output", id: "a", chunk: out },
      { type: "tool_call", id: "b", name: "run_shell", args: { command: "make test" }, rawArgs: "" },
      { type: "tool_output", id: "b", chunk: out },
      ...streamed(answer(120), 300),
    ];
    s.script(events);
    const app = renderApp(s);
    app.setSize(60, 16);
    await app.press(Array.from({ length: 30 }, (_, i) => `pasted ${i}`).join("\n"));
    // the input box scrolls: a 30-line paste shows at most a third of the rows
    expect(liveRows(app.frame(), "/help for commands")).toBeLessThanOrEqual(16);
    expect(app.frame()).toContain("more lines");
    await app.press("\r", 40);
    await app.waitFor((f) => f.includes("Section 119") && !f.includes("thinking"), 10_000);
    const live = app.frames.filter((f) => !strip(f).includes("● Section 0") && !strip(f).includes("⊘ run_shell"));
    expect(live.some((f) => strip(f).includes("output line 199"))).toBe(true);
    for (const f of live) expect(liveRows(f, "  pasted 29")).toBeLessThanOrEqual(16);
  });

  it("liveLines keeps the last rows that fit and says how many are above", () => {
    const rows = liveLines([], answer(100), 80, new Set(), 10);
    expect(rows).toHaveLength(10);
    expect(rows[0]![0]!.text).toMatch(/^… \d+ lines above/);
    expect(liveLines([], "short", 80, new Set(), 0)).toEqual([]);
  });

  it("a long session stays fast: finished items are printed once", async () => {
    const s = new FakeSession({ pace: 0 });
    const app = renderApp(s);
    for (let i = 0; i < 20; i++) {
      s.script([...streamed(`answer ${i}`), done()]);
      await app.submit(`q${i}`);
      await app.waitFor((f) => f.includes(`answer ${i}`) && !f.includes("thinking"));
    }
    // the live part of the last frame holds only the input and status line
    const f = app.frame();
    expect(liveRows(f, "● answer 19")).toBeLessThanOrEqual(5);
  });
});
