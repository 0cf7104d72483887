/**
 * The transcript the TUI opens with is written to the terminal before Ink's first frame
 * (src/tui/printed-transcript.ts): it must look exactly as <Static> drew it, carry nothing that
 * drives the terminal, and be drawn again by a repaint.
 */
import { describe, expect, it } from "vitest";
import React from "react";
import { render } from "ink";
import { runTui } from "../../src/tui/run.js";
import { FinishedItems } from "../../src/tui/transcript.js";
import { printedTranscript } from "../../src/tui/printed-transcript.js";
import { startItems } from "../../src/tui/session-view.js";
import type { TranscriptEntry } from "../../src/agent/session.js";
import { FakeSession } from "./fake-session.js";
import { coloursOn, shown, tick, TtyOut } from "./helpers.js";
import { FakeTtyStdin } from "../helpers/fake-tty.mjs";


const at = "2026-12-01T10:00:00.000Z";
const conversation: TranscriptEntry[] = [
  { role: "user", content: "what does this project do?", createdAt: at },
  { role: "assistant", content: "It is a *demo*:\n\n- `src/` holds the code\n- **tests** run with vitest\n\n```ts\nconst x = 1;\n```", createdAt: at },
  { role: "error", content: "the model is overloaded", createdAt: at },
  { role: "user", content: "and a long line that has to wrap because it is far wider than the eighty columns of this terminal, twice over at least", createdAt: at },
];

coloursOn();

const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

describe("the transcript printed before the first frame", () => {
  // Not a tool row: Ink re-encodes a dim span that follows a bold and dim one as plain (its style diff
  // closes both with the bold's code), where the printed transcript keeps it dim as the span says.
  it("is what <Static> draws for the same items, escapes and all", async () => {
    const items = startItems(new FakeSession({ transcript: conversation }), 10);
    expect(items.map((i) => i.kind)).toEqual(["header", "resumed"]);
    const stdout = new TtyOut();
    const instance = render(<FinishedItems items={items} width={80} expandedIds={new Set()} generation={0} />, {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stdin: new FakeTtyStdin() as unknown as NodeJS.ReadStream,
      patchConsole: false,
    });
    await tick(30);
    instance.unmount();
    const printed = printedTranscript(items, 80);
    expect(printed).toContain("\u001b[1m"); // styled, so the comparison covers the escapes too
    expect(shown(stdout.out)).toContain(shown(printed));
  });

  it("carries no escape sequence but its styles, nor any other control character, from a stored message", () => {
    const hostile: TranscriptEntry[] = [
      { role: "assistant", content: "done\u001b]0;owned title\u0007 \u001b[2J\u001b[Hcleared \u001b[31mred\u001b[0m bell\u0007 back\u0008space", createdAt: at },
    ];
    const text = printedTranscript(startItems(new FakeSession({ transcript: hostile }), 10), 80);
    // Shown as symbols, not obeyed.
    expect(text).toContain("␛]0;owned title");
    const bare = text.replace(/\u001b\[[0-9;]*m/g, "");
    expect(bare).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });

  it("runTui writes it once, above the first frame, and a repaint draws it again", async () => {
    const stdin = new FakeTtyStdin();
    const stdout = new TtyOut();
    const done = runTui(new FakeSession({ transcript: conversation }), {
      stdin: stdin as unknown as NodeJS.ReadStream,
      stdout: stdout as unknown as NodeJS.WriteStream,
      stderr: new TtyOut() as unknown as NodeJS.WriteStream,
    });
    await tick(50);
    const question = "what does this project do?";
    expect(count(stdout.out, question)).toBe(1);
    // Straight after bracketed paste is turned on, before anything of Ink's (whose frames, outside CI,
    // each begin a synchronized update; under CI=true it draws its last frame only at the end).
    const expected = printedTranscript(startItems(new FakeSession({ transcript: conversation }), 10), 80);
    expect(stdout.out.startsWith(`\u001b[?2004h${expected}`)).toBe(true);

    // A wider terminal re-renders the transcript at the new width, the printed part included.
    stdout.columns = 100;
    stdout.emit("resize");
    await tick(300);
    expect(count(stdout.out, question)).toBe(2);
    expect(stdout.out.lastIndexOf(question)).toBeGreaterThan(stdout.out.lastIndexOf("\u001b[2J"));

    stdin.write("/exit");
    await tick(50);
    stdin.write("\r");
    await expect(done).resolves.toBe(0);
  });
});
