import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MAX_TIMEOUT_MS, runShellTool } from "../../src/tools/shell.js";
import type { ToolContext } from "../../src/tools/types.js";
import { BWRAP_INSTALL, requireProgram } from "../helpers/requires.js";
import { call, makeCtx, tempProject } from "./helpers.js";

const bwrap = requireProgram("bwrap", BWRAP_INSTALL);

let root: string;
let cleanup: () => void;
let ctx: ToolContext;

beforeEach(() => {
  ({ root, cleanup } = tempProject({ "a.txt": "hello\n" }));
  ctx = makeCtx(root);
});
afterEach(() => cleanup());

/** Alive and not a zombie (a container's PID 1 may not reap orphans promptly). */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

async function waitGone(pid: number, ms = 2000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !alive(pid);
}

describe("run_shell", () => {
  it("runs in the project root and reports the exit code with the output", async () => {
    const r = await call(runShellTool, { command: "pwd; cat a.txt" }, ctx);
    expect(r.content).toBe(`exit code 0\n${fs.realpathSync(root)}\nhello\n`);
    expect(r.isError).toBeFalsy();
    expect(r.display).toMatchObject({ kind: "shell", exitCode: 0, timedOut: false, sandboxed: false });
  });

  it("reports non-zero exit codes and interleaves stderr", async () => {
    const r = await call(runShellTool, { command: "echo out; echo err >&2; exit 3" }, ctx);
    expect(r.content).toBe("exit code 3\nout\nerr\n");
    expect(r.display).toMatchObject({ exitCode: 3 });
    expect((await call(runShellTool, { command: "true" }, ctx)).content).toBe("exit code 0 (no output)");
  });

  it("a command that cannot be started says why, for the model to act on", async () => {
    // Commands run through bash found on the command environment's PATH: an empty folder has none.
    const empty = fs.mkdtempSync(path.join(root, "no-bin-"));
    const environment = { inherit: "none" as const, ignore_default_excludes: false, exclude: [], set: { PATH: empty }, include_only: [] };
    const r = await call(runShellTool, { command: "echo never" }, { ...ctx, shell: { ...ctx.shell, environment } });
    expect(r.isError).toBe(true);
    expect(r.content).toMatch(/^Could not start the command: spawn bash ENOENT/);
  });

  it("is non-interactive: no stdin, pagers are cat, CI is set", async () => {
    const r = await call(runShellTool, { command: "cat; echo \"$PAGER $GIT_PAGER $CI\"" }, ctx);
    expect(r.content).toBe("exit code 0\ncat cat 1\n");
  });

  it("streams output chunks to onOutput and strips ANSI codes for the model only", async () => {
    const chunks: string[] = [];
    const r = await call(runShellTool, { command: "printf '\\033[31mred\\033[0m\\n'" }, { ...ctx, onOutput: (c) => chunks.push(c) });
    expect(chunks.join("")).toContain("\u001b[31m");
    expect(r.content).toBe("exit code 0\nred\n");
    expect(r.display?.kind === "shell" && r.display.output).toContain("\u001b[31m");
  });

  it("kills the whole process group on timeout and returns fast", async () => {
    const t0 = Date.now();
    const r = await call(runShellTool, { command: "sleep 30 & echo $!; sleep 30", timeout_ms: 500 }, ctx);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(r.content).toMatch(/^timed out after 500 ms, killed/);
    expect(r.isError).toBe(true);
    expect(r.display).toMatchObject({ timedOut: true });
    const child = Number(/\n(\d+)\n/.exec(r.content)?.[1]);
    expect(child).toBeGreaterThan(0);
    expect(await waitGone(child)).toBe(true);
  });

  it("escalates to SIGKILL when the command ignores SIGTERM", async () => {
    const t0 = Date.now();
    const r = await call(runShellTool, { command: "trap '' TERM; while true; do sleep 0.1; done", timeout_ms: 300 }, ctx);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(r.content).toMatch(/^timed out after 300 ms, killed/);
  });

  it("kills the process group when the signal aborts", async () => {
    const ac = new AbortController();
    let childPid = 0;
    const onOutput = (c: string) => {
      const m = /(\d+)/.exec(c);
      if (m && !childPid) {
        childPid = Number(m[1]);
        ac.abort();
      }
    };
    const t0 = Date.now();
    const r = await call(runShellTool, { command: "sleep 30 & echo $!; sleep 30" }, { ...ctx, signal: ac.signal, onOutput });
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(r.content).toMatch(/^interrupted/);
    expect(childPid).toBeGreaterThan(0);
    expect(await waitGone(childPid)).toBe(true);
    const pre = await call(runShellTool, { command: "echo never" }, { ...ctx, signal: ac.signal });
    expect(pre.error).toMatch(/interrupted/);
  });

  it("does not hang on a background child that keeps the output open", async () => {
    const t0 = Date.now();
    const r = await call(runShellTool, { command: "sleep 5 & echo started" }, ctx);
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(r.content).toBe("exit code 0\nstarted\n");
  });

  it("ends what a finished command left running in the background, as the sandbox does (it would outlive letta-code)", async () => {
    // `&` and nohup keep the command's process group; the supervisor's watcher is gone once it returns.
    const r = await call(runShellTool, { command: "nohup sleep 30 >/dev/null 2>&1 & echo $!" }, { ...ctx, shell: { sandbox: false, allowUnsandboxed: true } });
    const bg = Number(r.content.split("\n")[1]);
    expect(bg).toBeGreaterThan(0);
    expect(await waitGone(bg)).toBe(true);
  });

  it("clamps timeouts above the maximum with a note", async () => {
    const r = await call(runShellTool, { command: "echo ok", timeout_ms: 900_000 }, ctx);
    expect(r.content).toContain(`clamped to ${MAX_TIMEOUT_MS}`);
    expect(r.content).toContain("exit code 0\nok");
  });

  it("caps output for the model, keeping head and tail with a note", async () => {
    const r = await call(runShellTool, { command: "seq 1 100000" }, ctx);
    expect(Buffer.byteLength(r.content)).toBeLessThan(11 * 1024);
    expect(r.content).toMatch(/^exit code 0\n1\n2\n3\n/);
    expect(r.content).toMatch(/100000\n$/);
    expect(r.content).toMatch(/\[\.\.\. [\d,]+ lines \(.*\) omitted \.\.\.\]/);
  });

  it("keeps memory bounded on huge output", async () => {
    let streamed = 0;
    const r = await call(runShellTool, { command: "yes | head -c 50000000; echo; echo END" }, { ...ctx, onOutput: (c) => (streamed += c.length) });
    expect(streamed).toBe(50_000_000 + 5);
    expect(Buffer.byteLength(r.content)).toBeLessThan(11 * 1024);
    expect(r.content).toMatch(/END\n$/);
    // The omitted count covers what the bounded buffer dropped too: ~25M lines.
    expect(r.content).toMatch(/\[\.\.\. 24,9\d\d,\d{3} lines \(47\.\d MB\) omitted \.\.\.\]/);
    const shown = r.display?.kind === "shell" ? r.display.output : "";
    expect(shown.length).toBeLessThan(300 * 1024);
    expect(shown).toMatch(/not kept/);
  }, 60_000);

  it("handles multi-byte characters split across chunks", async () => {
    const r = await call(runShellTool, { command: "for i in $(seq 1 20000); do printf 'é'; done" }, ctx);
    expect(r.content).not.toContain("\uFFFD");
  });

  it("writes files relative to the project", async () => {
    await call(runShellTool, { command: "echo made > made.txt" }, ctx);
    expect(fs.readFileSync(path.join(root, "made.txt"), "utf8")).toBe("made\n");
  });
});

describe("run_shell when letta-code is killed with kill -9", () => {
  const DIST_SHELL = new URL("../../dist/tools/shell.js", import.meta.url).pathname;
  const MARK = "307.3";

  /** Live (non-zombie) `sleep 307.3` processes: the command's children and grandchildren. */
  function sleepers(): number[] {
    return fs
      .readdirSync("/proc")
      .filter((p) => /^\d+$/.test(p))
      .filter((p) => {
        try {
          return fs.readFileSync(`/proc/${p}/cmdline`, "utf8") === `sleep\u0000${MARK}\u0000`;
        } catch {
          return false;
        }
      })
      .map(Number)
      .filter(alive);
  }

  async function killAgentMidCommand(sandbox: boolean): Promise<void> {
    expect(fs.existsSync(DIST_SHELL), "needs a build: npm run build").toBe(true);
    // A stand-in for letta-code: the built tool, run in its own node process.
    const script = `
      import { runShellTool } from ${JSON.stringify(DIST_SHELL)};
      await runShellTool.run({ command: "sleep ${MARK} & (sleep ${MARK} &); sleep ${MARK}; wait" }, {
        projectRoot: ${JSON.stringify(root)}, agentId: "a", signal: new AbortController().signal, memory: {},
        shell: { sandbox: ${sandbox}, allowUnsandboxed: false },
      });`;
    const { spawn } = await import("node:child_process");
    const agent = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: "ignore" });
    try {
      const end = Date.now() + 10_000;
      while (sleepers().length < 3 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      expect(sleepers()).toHaveLength(3);
      agent.kill("SIGKILL");
      const gone = Date.now() + 3000;
      while (sleepers().length && Date.now() < gone) await new Promise((r) => setTimeout(r, 50));
      expect(sleepers()).toEqual([]);
    } finally {
      agent.kill("SIGKILL");
      for (const p of sleepers()) process.kill(p, "SIGKILL");
    }
  }

  it("takes an unsandboxed command's whole process group with it, grandchildren included", () => killAgentMidCommand(false));
  it.skipIf(!bwrap.present)(`takes a sandboxed command with it, grandchildren included${bwrap.note}`, () => killAgentMidCommand(true));
});
