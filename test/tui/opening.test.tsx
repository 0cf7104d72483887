/**
 * The opening screen (src/tui/opening.ts): the transcript and, for a plain start, the idle input and
 * status line, written before Ink has loaded. It must look as Ink's first frame does, keep keys typed
 * meanwhile, and be replaced in place by Ink's first frame, not drawn twice.
 */
import { describe, expect, it } from "vitest";
import type { TranscriptEntry } from "../../src/agent/session.js";
import { idleFrameLines } from "../../src/tui/idle-frame.js";
import { handOver, printOpening } from "../../src/tui/opening.js";
import { lineText, printedTranscript } from "../../src/tui/printed-transcript.js";
import { runTui } from "../../src/tui/run.js";
import { startItems } from "../../src/tui/session-view.js";
import { FakeSession } from "./fake-session.js";
import { coloursOn, renderApp, shown, tick, TtyOut } from "./helpers.js";
import { FakeTtyStdin } from "../helpers/fake-tty.mjs";

const at = "2026-12-01T10:00:00.000Z";
const conversation: TranscriptEntry[] = [
  { role: "user", content: "what does this project do?", createdAt: at },
  { role: "assistant", content: "It is a demo.", createdAt: at },
];

coloursOn();

const frameText = (s: FakeSession, width: number) =>
  idleFrameLines({ ...s.stats(), model: s.info().model, mode: s.info().permissionMode, width })
    .map(lineText)
    .join("\n");

describe("the idle frame printed before Ink loads", () => {
  it("is what the app draws first: the empty input with its cursor and placeholder, then the status line", async () => {
    const session = new FakeSession({ transcript: conversation });
    const app = renderApp(session);
    await tick(50);
    // ink-testing-library's terminal is 100 columns wide; the frame's last four rows are the live region.
    const ink = (app.lastFrame() ?? "").split("\n").slice(-4).join("\n");
    app.unmount();
    const printed = frameText(session, 100);
    expect(printed).toContain("Type a message");
    expect(printed).toContain("\u001b[7m"); // the cursor's cell, so the styles are compared too
    expect(shown(printed)).toBe(shown(ink));
  });

  it("is printed below the transcript only when asked, on a terminal big enough for the app's layout", () => {
    const session = () => new FakeSession({ transcript: conversation });
    const open = (stdout: TtyOut, frame: boolean) => {
      const stdin = new FakeTtyStdin();
      const o = printOpening(session(), stdin as unknown as NodeJS.ReadStream, stdout as unknown as NodeJS.WriteStream, { frame });
      o.restore();
      return o;
    };
    const transcript = printedTranscript(startItems(session(), 10), 80);

    const plain = new TtyOut();
    expect(open(plain, true).frameRows).toBe(4);
    expect(plain.out.startsWith(`\u001b[?2004h${transcript}\u001b[?25l${frameText(session(), 80)}\n`)).toBe(true);

    const picker = new TtyOut();
    expect(open(picker, false).frameRows).toBe(0);
    expect(picker.out).not.toContain("Type a message");

    const tiny = new TtyOut();
    tiny.rows = 6;
    expect(open(tiny, true).frameRows).toBe(0);
    expect(tiny.out).not.toContain("Type a message");
  });

  it("puts the terminal in raw mode at once, so early keys are neither echoed nor lost, and restore undoes it all", () => {
    const stdin = new FakeTtyStdin();
    const stdout = new TtyOut();
    const o = printOpening(new FakeSession(), stdin as unknown as NodeJS.ReadStream, stdout as unknown as NodeJS.WriteStream, { frame: true });
    expect(stdin.isRaw).toBe(true);
    o.restore();
    o.restore();
    expect(stdin.isRaw).toBe(false);
    // Bracketed paste off and the cursor shown again, once.
    expect(stdout.out.endsWith("\u001b[?2004l\u001b[?25h")).toBe(true);
    expect(stdout.out.split("\u001b[?2004l").length).toBe(2);
  });

  it("is erased by the first write after the hand-over, in that same write, and nothing after it is touched", () => {
    const stdout = new TtyOut();
    handOver(stdout as unknown as NodeJS.WriteStream, 4);
    stdout.write("frame one");
    stdout.write("frame two");
    expect(stdout.out).toBe("\u001b[4A\r\u001b[Jframe oneframe two");
    expect(Object.prototype.hasOwnProperty.call(stdout, "write")).toBe(false);
  });

  it("runTui given the opening draws Ink's frame over it and the transcript once, and keys typed before Ink are kept", async () => {
    const stdin = new FakeTtyStdin();
    const stdout = new TtyOut();
    const session = new FakeSession({ transcript: conversation });
    const opening = printOpening(session, stdin as unknown as NodeJS.ReadStream, stdout as unknown as NodeJS.WriteStream, { frame: true });
    // Typed while Ink was still loading: buffered, as a terminal in raw mode keeps them. Lost, the
    // rest would make "it" a message to the model instead of the /exit command.
    stdin.write("/ex");
    const before = stdout.out.length;
    const done = runTui(session, {
      stdin: stdin as unknown as NodeJS.ReadStream,
      stdout: stdout as unknown as NodeJS.WriteStream,
      stderr: new TtyOut() as unknown as NodeJS.WriteStream,
      opening,
    });
    await tick(50);
    stdin.write("it");
    await tick(50);
    stdin.write("\r");
    await expect(done).resolves.toBe(0);
    const after = stdout.out.slice(before);
    expect(stdout.out.split("what does this project do?").length).toBe(2);
    // Ink's first write begins by taking the printed frame's four rows back.
    expect(after.startsWith("\u001b[4A\r\u001b[J")).toBe(true);
    expect(stdin.isRaw).toBe(false);
    expect(session.sent).toEqual([]);
  });
});
