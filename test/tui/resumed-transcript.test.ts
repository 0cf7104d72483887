/**
 * The transcript a resumed session opens on, built from what a real session stored (scripted model
 * server, real store) and rendered as the TUI renders it.
 */
import { describe, expect, it } from "vitest";
import { collect, doneOf, harness } from "../helpers/agent-harness.js";
import { startItems } from "../../src/tui/session-view.js";
import { itemLines } from "../../src/tui/item-lines.js";
import type { AgentSession } from "../../src/agent/session.js";

/** The resumed-conversation block as plain text rows. */
function resumedText(session: AgentSession, width = 80): string[] {
  const item = startItems(session, 10).find((i) => i.kind === "resumed");
  if (!item) return [];
  return itemLines(item, width).map((l) => l.map((s) => s.text).join("").trimEnd());
}

describe("the resumed transcript", () => {
  it("marks a turn whose request failed where it happened, and never sends the mark to the model", async () => {
    const h = await harness();
    h.server.enqueue({ text: "Hello there." });
    await collect(h.session, "first question");
    h.server.enqueue({ error: { status: 400, body: { error: { message: "the model is overloaded today" } } } });
    const failed = await collect(h.session, "second question");
    expect(doneOf(failed).reason).toBe("error");

    const { session } = h.reopen();
    const rows = resumedText(session);
    const at = (s: string) => rows.findIndex((r) => r.includes(s));
    expect(at("› second question")).toBeGreaterThan(at("● Hello there."));
    const mark = rows.find((r) => r.startsWith("✗ request failed: "));
    expect(mark).toBeDefined();
    expect(rows.join("\n")).toContain("the model is overloaded today");
    expect(at("✗ request failed: ")).toBeGreaterThan(at("› second question"));

    // The next turn's request holds the conversation, not the failure.
    h.server.enqueue({ text: "Answering now." });
    await collect(session, "third question");
    const sent = JSON.stringify(h.server.requests.at(-1)!.body.messages);
    expect(sent).toContain("second question");
    expect(sent).not.toContain("overloaded");
    expect(sent).not.toContain("request failed");
  });

  it("a read_file call shows the path and the lines asked for, not the file's first line", async () => {
    const h = await harness({ mode: "yolo" });
    h.server.enqueue(
      { toolCalls: [{ name: "read_file", arguments: { path: "README.md" } }, { name: "read_file", arguments: { path: "README.md", offset: 3, limit: 10 } }] },
      { text: "It is a demo." },
    );
    await collect(h.session, "what is this project?");

    const rows = resumedText(h.reopen().session);
    expect(rows).toContain("● read_file README.md");
    expect(rows).toContain("● read_file README.md (lines 3–12)");
    expect(rows.join("\n")).not.toContain("# demo");
  });
});
