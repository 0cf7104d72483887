import { afterEach, describe, expect, it } from "vitest";
import { cleanup } from "ink-testing-library";
import type { AgentEvent } from "../../src/agent/events.js";
import type { SendOptions } from "../../src/agent/session.js";
import { contextBar, statusSpans } from "../../src/tui/status-spans.js";
import { lineText } from "../../src/tui/text-layout.js";
import { color, setNoColor, theme } from "../../src/tui/theme.js";
import { FakeSession, aborted, done } from "./fake-session.js";
import { KEY, renderApp } from "./helpers.js";

afterEach(() => cleanup());

describe("status line", () => {
  it("shows model, context bar and %, memory counts and mode", async () => {
    const s = new FakeSession();
    await s.memory.archival.insert("x");
    const app = renderApp(s);
    const f = app.frame();
    expect(f).toContain("fake-model · ctx ██░░░░░░░░ 15% 1.2k/8k · core 66/9k · archival 1 · mode ask");
  });

  it("updates context usage from usage events", async () => {
    const s = new FakeSession();
    s.script([
      { type: "usage", usage: { promptTokens: 6000, completionTokens: 10, totalTokens: 6010 }, contextTokens: 6000, contextWindow: 8000 },
      { type: "notice", message: "after-usage" },
      done(),
    ]);
    s.stats = () => ({ ...FakeSession.prototype.stats.call(s), contextTokens: 6000 });
    const app = renderApp(s);
    await app.submit("go");
    await app.waitFor((f) => f.includes("75% 6k/8k"));
  });

  it("Shift+Tab cycles the permission mode", async () => {
    const s = new FakeSession();
    const app = renderApp(s);
    await app.press(KEY.shiftTab);
    expect(s.mode).toBe("accept-edits");
    expect(app.frame()).toContain("mode accept-edits");
    await app.press(KEY.shiftTab);
    await app.press(KEY.shiftTab);
    expect(s.mode).toBe("read-only");
    await app.press(KEY.shiftTab);
    expect(s.mode).toBe("ask");
    expect(app.frame()).toContain("mode ask");
    // Shift+Tab typed nothing into the input
    expect(app.frame()).toContain("Type a message");
  });

  it("drops segments on narrow terminals instead of wrapping", () => {
    const p = { model: "gpt-4o-mini", contextTokens: 5000, contextWindow: 10000, coreChars: 100, coreLimit: 5000, archivalCount: 3, mode: "yolo" as const };
    const wide = lineText(statusSpans({ ...p, width: 120 }));
    const narrow = lineText(statusSpans({ ...p, width: 40 }));
    expect(wide).toContain("archival 3");
    expect(narrow.length).toBeLessThanOrEqual(40);
    expect(narrow).toContain("mode yolo");
    expect(narrow).toContain("50%");
    expect(contextBar(95, 100).color).toBe(theme.error);
  });

  it("NO_COLOR drops colours from everything we style", () => {
    setNoColor(true);
    expect(color("red")).toBeUndefined();
    setNoColor(false);
    expect(color("red")).toBe("red");
  });
});

/** A turn that streams a partial answer, then waits for the abort signal. */
function hanging(text: string) {
  return async function* (_t: string, opts: SendOptions): AsyncIterable<AgentEvent> {
    yield { type: "assistant_delta", text };
    await aborted(opts.signal);
    yield { type: "assistant_message", text, messageId: "" };
    yield done("interrupted");
  };
}

describe("interrupting and exiting", () => {
  it("Esc aborts the running turn; the partial answer stays, marked interrupted", async () => {
    const s = new FakeSession();
    s.script(hanging("Partial answer so far"));
    const app = renderApp(s);
    await app.submit("long task");
    await app.waitFor((f) => f.includes("Partial answer so far"));
    expect(s.lastSignal!.aborted).toBe(false);
    await app.press(KEY.esc, 40);
    expect(s.lastSignal!.aborted).toBe(true);
    const f = await app.waitFor((f) => f.includes("interrupted") && !f.includes("stopping"));
    expect(f).toContain("⏹ interrupted");
    expect(f).not.toContain("Interrupted.");
    // shown once, although the agent re-sent the partial text as a message
    expect(f.split("Partial answer so far").length - 1).toBe(1);
    // usable again
    await app.submit("next");
    await app.waitFor((f) => f.includes("echo: next"));
  });

  it("Ctrl-C interrupts a running turn first, shows the hint, and a second press within 2 s exits", async () => {
    const s = new FakeSession();
    s.script(hanging("working"));
    const app = renderApp(s);
    await app.submit("go");
    await app.waitFor((f) => f.includes("working"));
    await app.press(KEY.ctrlC, 30);
    expect(s.lastSignal!.aborted).toBe(true);
    expect(app.frame()).toContain("Press Ctrl-C again to exit");
    expect(app.exits).toEqual([]);
    await app.press(KEY.ctrlC, 30);
    expect(app.exits).toEqual([0]);
  });

  it("Ctrl-C clears typed input; the hint disappears after 2 s", async () => {
    const app = renderApp(new FakeSession());
    await app.press("draft text");
    await app.press(KEY.ctrlC);
    expect(app.frame()).not.toContain("draft text");
    expect(app.frame()).toContain("Press Ctrl-C again to exit");
    await new Promise((r) => setTimeout(r, 2100));
    expect(app.frame()).not.toContain("Press Ctrl-C again");
    expect(app.exits).toEqual([]);
  });

  it("messages sent while the agent works are queued and sent after", async () => {
    const s = new FakeSession();
    s.script(hanging("busy"));
    const app = renderApp(s);
    await app.submit("first");
    await app.waitFor((f) => f.includes("busy"));
    await app.submit("second");
    expect(app.frame()).toContain("queued: second");
    await app.press(KEY.esc, 40);
    await app.waitFor((f) => f.includes("echo: second"));
    expect(s.sent.map((x) => x.text)).toEqual(["first", "second"]);
  });

  it("Ctrl-L clears the screen and re-renders the header", async () => {
    const app = renderApp(new FakeSession());
    await app.submit("hello");
    await app.waitFor((f) => f.includes("echo: hello") && !f.includes("thinking"));
    await app.press(KEY.ctrlL, 40);
    expect(app.frames.some((fr) => fr.includes("\u001b[2J"))).toBe(true);
    const f = app.frame();
    expect(f.split("✻ letta-code").length - 1).toBe(2); // debug frames keep the old output; a new header follows
    expect(f.slice(f.lastIndexOf("✻ letta-code"))).not.toContain("echo: hello");
  });
});
