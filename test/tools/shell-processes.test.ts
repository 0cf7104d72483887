import { describe, expect, it } from "vitest";
import { runShellTool } from "../../src/tools/shell.js";
import { ShellProcesses } from "../../src/tools/shell-processes.js";
import { call, makeCtx, tempProject } from "./helpers.js";

const until = async (ok: () => boolean) => {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 20));
};

describe("shell bookkeeping belongs to a session", () => {
  it("closing one session ends its running commands and leaves another session's alone", async () => {
    const { root, cleanup } = tempProject();
    try {
      const a = new ShellProcesses();
      const b = new ShellProcesses();
      const ac = new AbortController();
      const base = { ...makeCtx(root), shell: { sandbox: false, allowUnsandboxed: true } };
      const runA = call(runShellTool, { command: "sleep 30; echo finished" }, { ...base, processes: a });
      const runB = call(runShellTool, { command: "sleep 30; echo finished" }, { ...base, processes: b, signal: ac.signal });
      await until(() => a.live === 1 && b.live === 1);
      expect([a.live, b.live]).toEqual([1, 1]);
      a.close();
      const ra = await runA;
      expect(ra.content).not.toContain("finished");
      expect(b.live).toBe(1);
      ac.abort();
      await runB;
      expect(b.live).toBe(0);
    } finally {
      cleanup();
    }
  });

  it("a one-time notice is once per session, not once per process", () => {
    const a = new ShellProcesses();
    const b = new ShellProcesses();
    expect([a.firstNotice("sandbox-missing"), a.firstNotice("sandbox-missing"), b.firstNotice("sandbox-missing")]).toEqual([true, false, true]);
  });
});
