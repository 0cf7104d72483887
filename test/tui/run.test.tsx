import { afterEach, describe, expect, it, vi } from "vitest";
import { createIdleTrim } from "../../src/tui/idle-trim.js";
import { runTui } from "../../src/tui/run.js";
import { FakeSession } from "./fake-session.js";
import { tick, TtyOut } from "./helpers.js";
import { FakeTtyStdin } from "../helpers/fake-tty.mjs";


afterEach(() => vi.useRealTimers());

describe("runTui", () => {
  it("renders into the given streams and resolves 0 on /exit, restoring bracketed paste", async () => {
    const stdin = new FakeTtyStdin();
    const stdout = new TtyOut();
    const done = runTui(new FakeSession(), {
      stdin: stdin as unknown as NodeJS.ReadStream,
      stdout: stdout as unknown as NodeJS.WriteStream,
      stderr: new TtyOut() as unknown as NodeJS.WriteStream,
    });
    await tick(50);
    expect(stdout.out).toContain("\u001b[?2004h");
    expect(stdout.out).toContain("fake-agent");
    stdin.write("/exit");
    await tick(50);
    stdin.write("\r");
    await expect(done).resolves.toBe(0);
    expect(stdout.out).toContain("\u001b[?2004l");
  });

  it("refuses to start without a terminal", async () => {
    const stderr = new TtyOut();
    const stdin = new FakeTtyStdin();
    stdin.isTTY = false;
    const code = await runTui(new FakeSession(), {
      stdin: stdin as unknown as NodeJS.ReadStream,
      stdout: new TtyOut() as unknown as NodeJS.WriteStream,
      stderr: stderr as unknown as NodeJS.WriteStream,
    });
    expect(code).toBe(2);
    expect(stderr.out).toContain("needs a terminal");
  });
});

describe("idle trim", () => {
  it("collects twice after the idle delay, and activity restarts the clock", () => {
    vi.useFakeTimers();
    const gc = vi.fn();
    const trim = createIdleTrim(1000, gc);
    trim.poke();
    vi.advanceTimersByTime(900);
    trim.poke();
    vi.advanceTimersByTime(900);
    expect(gc).not.toHaveBeenCalled();
    vi.advanceTimersByTime(200);
    expect(gc).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1000);
    expect(gc).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(5000);
    expect(gc).toHaveBeenCalledTimes(2);
    trim.stop();
    trim.poke();
    vi.advanceTimersByTime(5000);
    expect(gc).toHaveBeenCalledTimes(2);
  });
});
