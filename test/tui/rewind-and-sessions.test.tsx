import { afterEach, describe, expect, it } from "vitest";
import { cleanup } from "ink-testing-library";
import type { SessionInfo } from "../../src/agent/session.js";
import type { RestoreItem, RewindOptions, RewindResult, TurnSummary } from "../../src/checkpoints/types.js";
import type { ConversationSummary } from "../../src/store/conversations.js";
import { FakeSession } from "./fake-session.js";
import { KEY, renderApp, tick } from "./helpers.js";

afterEach(() => cleanup());

/** A FakeSession with checkpoints and conversations, recording what the TUI asked for. */
class RewindSession extends FakeSession {
  conv = "conv-aaaa";
  rewinds: { turnId: number; opts: RewindOptions }[] = [];
  conflicts: RestoreItem[] = [];
  resumed: string[] = [];
  info(): SessionInfo {
    return { ...super.info(), conversationId: this.conv };
  }
  turns(): TurnSummary[] {
    return [
      { turnId: 3, createdAt: "2026-12-01T08:00:00.000Z", text: "fix the bug", pruned: false, files: [{ path: "src/a.ts", change: "modified", source: "tool", restorable: true, restored: false }] },
      { turnId: 9, createdAt: "2026-12-01T08:05:00.000Z", text: "add a test", pruned: false, files: [] },
    ];
  }
  rewind(turnId: number, opts: RewindOptions): RewindResult {
    this.rewinds.push({ turnId, opts });
    const text = this.turns().find((t) => t.turnId === turnId)!.text;
    const base = { restored: opts.code ? ["src/a.ts"] : [], deleted: [], skipped: [], evicted: opts.conversation ? 4 : 0, text };
    if (this.conflicts.length && !opts.force) return { ...base, restored: [], evicted: 0, needsConfirmation: this.conflicts };
    return base;
  }
  sessions(): ConversationSummary[] {
    return [
      { id: "conv-aaaa", startedAt: "2026-12-01T08:00:00.000Z", lastActiveAt: "2026-12-01T08:05:00.000Z", messageCount: 6, firstUserMessage: "fix the bug" },
      { id: "conv-bbbb", startedAt: "2026-11-30T10:00:00.000Z", lastActiveAt: "2026-11-30T10:30:00.000Z", messageCount: 12, firstUserMessage: "refactor the parser" },
    ];
  }
  resume(id: string): string {
    this.resumed.push(id);
    this.conv = id;
    return id;
  }
  fork(): string {
    this.conv = "conv-cccc";
    return this.conv;
  }
}

describe("/rewind, Esc Esc, /resume, /fork", () => {
  it("Esc twice on an empty input opens the rewind list, newest turn first; with text typed it does not", async () => {
    const s = new RewindSession();
    const app = renderApp(s);
    await app.press("draft");
    await app.press(KEY.esc);
    await app.press(KEY.esc);
    expect(app.frame()).not.toContain("Rewind to before which turn?");
    expect(app.frame()).toContain("> draft");
    await app.press(KEY.ctrlU);
    await app.press(KEY.esc);
    await app.press(KEY.esc);
    const f = await app.waitFor((x) => x.includes("Rewind to before which turn?"));
    expect(f.indexOf("add a test")).toBeLessThan(f.indexOf("fix the bug"));
    expect(f).toContain("modified src/a.ts");
    await app.press(KEY.esc); // cancels
    await app.waitFor((x) => !x.includes("Rewind to before which turn?"));
    expect(s.rewinds).toEqual([]);
  });

  it("restoring code only rewinds that turn's code and leaves the conversation", async () => {
    const s = new RewindSession();
    const app = renderApp(s);
    await app.submit("/rewind");
    await app.waitFor((x) => x.includes("Rewind to before which turn?"));
    await app.press(KEY.down);
    await app.press(KEY.enter);
    await app.waitFor((x) => x.includes("Restore code only"));
    await app.press("2");
    await app.waitFor((x) => x.includes("restored src/a.ts"));
    expect(s.rewinds).toEqual([{ turnId: 3, opts: { code: true, conversation: false, memory: false } }]);
  });

  it("a hand-edited file asks first; keeping it cancels, overwriting forces; a conversation rewind refills the input", async () => {
    const s = new RewindSession();
    s.conflicts = [{ path: "src/a.ts", action: "write", conflict: true, restorable: true }];
    const app = renderApp(s);
    await app.submit("/rewind");
    await app.waitFor((x) => x.includes("Rewind to before which turn?"));
    await app.press("2"); // the older turn
    await app.waitFor((x) => x.includes("Restore code and conversation"));
    await app.press("1");
    await app.waitFor((x) => x.includes("Changed by hand since the agent wrote it: src/a.ts"));
    await app.press("1"); // keep my changes
    await app.waitFor((x) => x.includes("Rewind cancelled; nothing was changed."));
    expect(s.rewinds).toHaveLength(1);

    await app.submit("/rewind");
    await app.waitFor((x) => x.includes("Rewind to before which turn?"));
    await app.press("2");
    await app.waitFor((x) => x.includes("Restore code and conversation"));
    await app.press("1");
    await app.waitFor((x) => x.includes("Changed by hand since"));
    await app.press("2"); // overwrite
    await app.waitFor((x) => x.includes("message is back in the input"));
    expect(s.rewinds.at(-1)).toEqual({ turnId: 3, opts: { code: true, conversation: true, memory: false, force: true } });
    await tick(30);
    expect(app.frame()).toContain("> fix the bug");
  });

  it("/resume picks a conversation, /fork moves into a copy, and the header names the open one", async () => {
    const s = new RewindSession();
    const app = renderApp(s);
    expect(app.frame()).toContain("conversation conv-aaaa");
    await app.submit("/resume");
    const f = await app.waitFor((x) => x.includes("Resume which conversation?"));
    expect(f).toContain("refactor the parser");
    await app.press(KEY.down);
    await app.press(KEY.enter);
    await app.waitFor((x) => x.includes("Resumed conversation conv-bbbb."));
    expect(s.resumed).toEqual(["conv-bbbb"]);
    expect(app.frame()).toContain("conversation conv-bbbb");
    await app.submit("/fork");
    await app.waitFor((x) => x.includes("Forked conv-bbbb into conv-cccc"));
    await app.submit("/sessions");
    await app.waitFor((x) => x.includes("Conversations") && x.includes("12 msgs"));
  });
});
