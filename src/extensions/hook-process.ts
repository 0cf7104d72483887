import type { ChildProcess } from "node:child_process";
import { childProcess } from "../lazy-builtins.js";
import { realpathSync } from "node:fs";
import { constants as osConstants } from "node:os";
import { detectSandbox, sandboxedLaunch } from "../permissions/sandbox.js";
import { childEnvironment } from "../config/child-env.js";
import type { ShellSettings } from "../tools/types.js";

/** What a hook may print that we keep (each stream); the rest is counted, not stored. */
const OUTPUT_CAP = 64 * 1024;
/** After SIGTERM at the timeout, the group gets this long before SIGKILL. */
const KILL_GRACE_MS = 500;
/** After the shell exits, how long a background child may keep the pipes open before we stop reading. */
const DRAIN_MS = 200;

export interface HookProcessResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** The signal that killed the hook's shell itself, if one did. */
  signal?: NodeJS.Signals;
  /** Set when the hook could not be started (or was refused: sandbox required but missing). */
  error?: string;
  sandboxed: boolean;
  ms: number;
}

/**
 * Whose code a hook is. The user's own (their config, an untracked config.local.json) runs as they
 * would run it from their shell: outside the sandbox, with their environment, so a hook writing to
 * ~/.claude or calling ~/bin/check.sh works. A project's hooks are the repository's code and run
 * like its commands: sandboxed when the sandbox is on.
 */
export type HookOwner = "user" | "project";

/** The shell command line: the user's hooks as they are, a project's sandboxed like run_shell when the sandbox is on. */
export async function planHookLaunch(
  command: string,
  root: string,
  shell: ShellSettings,
  owner: HookOwner = "project",
): Promise<{ file: string; args: string[]; sandboxed: boolean; release?: () => void } | { error: string }> {
  if (owner === "user" || !shell.sandbox) return { file: "bash", args: ["-c", command], sandboxed: false };
  const status = await detectSandbox();
  if (status.available) {
    // Released when the hook exits: the last sandbox takes its .git stand-in away again.
    const { argv, release } = sandboxedLaunch(command, root, status.bwrap);
    const [file, ...args] = argv;
    return { file: file!, args, sandboxed: true, release };
  }
  if (!shell.allowUnsandboxed) return { error: `not run: sandboxing is required but unavailable (${status.reason ?? "bubblewrap missing"})` };
  return { file: "bash", args: ["-c", command], sandboxed: false };
}

/**
 * Run one hook command: JSON on stdin, stdout and stderr captured (capped), its whole process
 * group killed at the timeout or on abort. Never rejects: every failure is in the result.
 */
export async function runHookProcess(
  command: string,
  input: string,
  opts: { projectRoot: string; timeoutMs: number; shell: ShellSettings; owner?: HookOwner; env?: Record<string, string>; signal?: AbortSignal },
): Promise<HookProcessResult> {
  const started = performance.now();
  let root = opts.projectRoot;
  try {
    root = realpathSync(root);
  } catch {
    // keep the given path; spawn reports it
  }
  const owner = opts.owner ?? "project";
  const launch = await planHookLaunch(command, root, opts.shell, owner);
  const base = { stdout: "", stderr: "", timedOut: false, exitCode: null };
  if ("error" in launch) return { ...base, error: launch.error, sandboxed: false, ms: performance.now() - started };
  return new Promise((resolve) => {
    const out = { stdout: "", stderr: "" };
    let timedOut = false;
    let settled = false;
    let child: ChildProcess;
    try {
      child = childProcess().spawn(launch.file, launch.args, {
        cwd: root,
        // Its own process group: a timeout kills what the hook started too.
        detached: true,
        stdio: ["pipe", "pipe", "pipe"],
        env: { ...hookEnv(owner, opts.shell), CLAUDE_PROJECT_DIR: root, LETTA_PROJECT_DIR: root, LETTA_CODE: "1", ...opts.env },
      });
    } catch (e) {
      launch.release?.();
      return resolve({ ...base, error: (e as Error).message, sandboxed: launch.sandboxed, ms: performance.now() - started });
    }
    const kill = (sig: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, sig);
      } catch {
        // already gone
      }
    };
    let died: NodeJS.Signals | undefined;
    const finish = (exitCode: number | null, error?: string) => {
      if (settled) return;
      settled = true;
      launch.release?.();
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      child.stdout?.destroy();
      child.stderr?.destroy();
      resolve({ exitCode, ...out, timedOut, ...(died ? { signal: died } : {}), error, sandboxed: launch.sandboxed, ms: performance.now() - started });
    };
    const stop = () => {
      kill("SIGTERM");
      setTimeout(() => kill("SIGKILL"), KILL_GRACE_MS).unref();
      // Do not wait for a hook that ignores signals: the agent goes on now.
      finish(null);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, opts.timeoutMs);
    const onAbort = () => stop();
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    const collect = (key: "stdout" | "stderr") => (d: Buffer) => {
      if (out[key].length < OUTPUT_CAP) out[key] += d.toString("utf8").slice(0, OUTPUT_CAP - out[key].length);
    };
    child.stdout!.on("data", collect("stdout"));
    child.stderr!.on("data", collect("stderr"));
    child.on("error", (e) => finish(null, e.message));
    child.on("exit", (code, signal) => {
      // As a shell reports a child killed by a signal: 128 + its number.
      const exitCode = code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : null);
      if (signal) died = signal;
      // Pipes may still be held by a background child: read what is there, then stop.
      child.on("close", () => finish(exitCode));
      setTimeout(() => finish(exitCode), DRAIN_MS).unref();
    });
    // A hook that never reads its input must not fail on EPIPE.
    child.stdin!.on("error", () => undefined);
    child.stdin!.end(input);
  });
}

/**
 * The environment a hook starts with, the one place it is built. The user's hooks get the user's
 * whole environment, as Claude Code gives them. A project's hooks (and its commands' snippets) are
 * repository code: they get what run_shell's commands get, the child-environment policy's.
 */
export function hookEnv(owner: HookOwner, shell: ShellSettings): NodeJS.ProcessEnv {
  if (owner === "user") return { ...process.env };
  return childEnvironment(shell.environment, process.env);
}
