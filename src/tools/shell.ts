import * as fs from "node:fs";
import { StringDecoder } from "node:string_decoder";
import { z } from "zod";
import { detectSandbox, forgetRememberedSandbox, INSTALL_HINT, looksDeniedBySandbox, SANDBOX_DENIAL_NOTE, sandboxedLaunch } from "../permissions/sandbox.js";
import { childEnvironment } from "../config/child-env.js";
import { capOutput, formatBytes, type Gap } from "./output-cap.js";
import { supervisedArgs } from "./supervise.js";
import { describeBinary, OutputSniffer } from "./binary.js";
import { defineTool, lazySchema, ToolError, type Tool, type ToolContext, type ToolResult } from "./types.js";
import { killGroup, ShellProcesses } from "./shell-processes.js";
import { childProcess } from "../lazy-builtins.js";

export const DEFAULT_TIMEOUT_MS = 120_000;
export const MAX_TIMEOUT_MS = 600_000;
/** How long to keep reading after the shell exits while a background child still holds the pipe. */
const DRAIN_AFTER_EXIT_MS = 500;
/** Between SIGTERM and SIGKILL of the process group. */
const KILL_GRACE_MS = 1000;
/** What the user's display keeps of a huge output (chars): the start and a rolling end. */
const DISPLAY_HEAD_CHARS = 64 * 1024;
const DISPLAY_TAIL_CHARS = 192 * 1024;

/** Hints that keep common tools from paging, prompting or colouring: nobody can answer a prompt here. */
const NON_INTERACTIVE_ENV: Record<string, string> = {
  CI: "1",
  PAGER: "cat",
  GIT_PAGER: "cat",
  GIT_TERMINAL_PROMPT: "0",
  GIT_EDITOR: "true",
  DEBIAN_FRONTEND: "noninteractive",
  npm_config_yes: "true",
  NO_COLOR: "1",
  TERM: "dumb",
  LETTA_CODE: "1",
};

/** Inside the sandbox .git is read-only: git must not even try its optional index refresh lock. */
const SANDBOX_ENV: Record<string, string> = { ...NON_INTERACTIVE_ENV, GIT_OPTIONAL_LOCKS: "0" };

/**
 * Head plus rolling tail of a stream, so `yes | head -c 50000000` costs a few hundred KB, not 50 MB.
 * What falls out of the middle is only counted.
 */
export class BoundedOutput {
  private head = "";
  private tail: string[] = [];
  private tailLen = 0;
  droppedBytes = 0;
  droppedLines = 0;
  totalChars = 0;

  constructor(
    private readonly headCap = DISPLAY_HEAD_CHARS,
    private readonly tailCap = DISPLAY_TAIL_CHARS,
  ) {}

  push(s: string): void {
    this.totalChars += s.length;
    if (this.head.length < this.headCap) {
      const take = s.slice(0, this.headCap - this.head.length);
      this.head += take;
      s = s.slice(take.length);
    }
    if (!s) return;
    this.tail.push(s);
    this.tailLen += s.length;
    while (this.tailLen > this.tailCap) {
      const first = this.tail[0];
      const excess = this.tailLen - this.tailCap;
      const drop = excess >= first.length ? first : first.slice(0, excess);
      if (drop === first) this.tail.shift();
      else this.tail[0] = first.slice(excess);
      this.tailLen -= drop.length;
      this.droppedBytes += Buffer.byteLength(drop);
      for (let i = drop.indexOf("\n"); i !== -1; i = drop.indexOf("\n", i + 1)) this.droppedLines++;
    }
  }

  /** The kept text and where the dropped middle was. */
  kept(): { text: string; gap: Gap } {
    return { text: this.head + this.tail.join(""), gap: { at: this.head.length, bytes: this.droppedBytes, lines: this.droppedLines } };
  }

  /** Everything kept, with a marker where the middle was dropped: for the user's display. */
  display(): string {
    const tail = this.tail.join("");
    if (!this.droppedBytes) return this.head + tail;
    const lines = this.droppedLines.toLocaleString("en-US");
    return `${this.head}\n[... ${lines} lines (${formatBytes(this.droppedBytes)}) not kept ...]\n${tail}`;
  }
}

// Control sequences mean nothing to the model and waste tokens.
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;
const stripAnsi = (s: string) => s.replace(ANSI, "");

/** For a context without a session (direct tool use, tests): one shared bookkeeping. */
let fallback = new ShellProcesses();
const processesOf = (ctx: ToolContext) => ctx.processes ?? fallback;

/** For tests: let the "sandbox unavailable" notice be sent again outside a session. */
export function resetShellNotices(): void {
  fallback.close();
  fallback = new ShellProcesses();
}

/** The policy's environment with our hints on top, except where the user `set` a name themselves. */
function commandEnv(ctx: ToolContext, hints: Record<string, string>): Record<string, string> {
  const policy = ctx.shell.environment;
  const env = childEnvironment(policy, process.env);
  for (const [k, v] of Object.entries(hints)) if (!(policy && k in policy.set)) env[k] = v;
  return env;
}

interface Launch {
  file: string;
  args: string[];
  sandboxed: boolean;
  note: string;
  /** After the command exited: undo what the sandbox left on the host. */
  release?: () => void;
  /** Sandboxed on an earlier run's probe, not this one's (sandbox-memo.ts). */
  remembered?: boolean;
}

async function planLaunch(command: string, ctx: ToolContext, root: string): Promise<Launch> {
  if (!ctx.shell.sandbox) return { file: "bash", args: supervisedArgs(command), sandboxed: false, note: "" };
  const status = await detectSandbox();
  if (status.available) {
    const { argv, release } = sandboxedLaunch(command, root, status.bwrap, { network: ctx.shell.network ?? false, writable: ctx.shell.addDirs });
    const [file, ...args] = argv;
    return { file: file!, args, sandboxed: true, note: "", release, remembered: status.remembered };
  }
  if (processesOf(ctx).firstNotice("sandbox-missing")) {
    const fallback = ctx.shell.allowUnsandboxed
      ? "Shell commands will run WITHOUT a sandbox."
      : "Shell commands are refused until it is installed (or sandboxing is turned off).";
    ctx.notify?.(`bubblewrap not found: ${INSTALL_HINT}. ${status.reason ?? ""} ${fallback}`.replace(/\s+/g, " ").trim());
  }
  if (!ctx.shell.allowUnsandboxed) {
    throw new ToolError(
      `The command was not run: sandboxing is required but unavailable (${status.reason ?? "bubblewrap missing"}). ` +
        "Ask the user to install bubblewrap or to allow unsandboxed commands.",
    );
  }
  return { file: "bash", args: supervisedArgs(command), sandboxed: false, note: "(not sandboxed: bubblewrap unavailable)\n" };
}

const shellSchema = lazySchema(() =>
  z.object({
    command: z.string().min(1).describe("Bash command line, run with `bash -c` in the project root; stdin is closed"),
    timeout_ms: z
      .number()
      .int()
      .positive()
      .optional()
      .describe(`Kill the command after this many ms (default ${DEFAULT_TIMEOUT_MS}, max ${MAX_TIMEOUT_MS})`),
  }),
);

export const runShellTool: Tool = defineTool({
  name: "run_shell",
  description:
    "Run a shell command in the project root and return its exit code and combined stdout/stderr " +
    "(long output keeps its start and end). Non-interactive: no stdin, no pager, no prompts.",
  parameters: shellSchema,
  kind: "exec",
  ruleSubject: (args) => args.command,
  async preview(args, ctx) {
    const sandboxed = ctx.shell.sandbox && (await detectSandbox()).available;
    // Not run yet: a plain preview of the command (a shell display would read as a finished, killed run).
    // A plain sentence: a command may hold parentheses of its own, a note in parentheses nests them.
    const where = !sandboxed
      ? "runs in the project directory"
      : ctx.shell.network
        ? "runs in the sandbox: read-only system, network allowed"
        : "runs in the sandbox: read-only system, no network";
    return { kind: "text", text: `$ ${args.command}\n${where}` };
  },
  async run(args, ctx): Promise<ToolResult> {
    let timeout = args.timeout_ms ?? DEFAULT_TIMEOUT_MS;
    let note = "";
    if (timeout > MAX_TIMEOUT_MS) {
      note = `(timeout_ms ${args.timeout_ms} is over the maximum; clamped to ${MAX_TIMEOUT_MS})\n`;
      timeout = MAX_TIMEOUT_MS;
    }
    if (ctx.signal.aborted) throw new ToolError("interrupted before the command started");
    const root = fs.realpathSync(ctx.projectRoot);
    const launch = await planLaunch(args.command, ctx, root);
    note += launch.note;

    const out = new BoundedOutput();
    const decoder = new StringDecoder("utf8");
    const sniffer = new OutputSniffer();
    // node:child_process itself, not execa: the process group, timeout, kill, output caps and decoding
    // are all ours, and loading execa cost the first command of each run ~10 ms.
    const sub = childProcess().spawn(launch.file, launch.args, {
      cwd: root,
      // Unsandboxed, stdin is the supervisor's lifeline (never written; see supervise.ts). bwrap gets none.
      stdio: [launch.sandboxed ? "ignore" : "pipe", "pipe", "pipe"],
      // Its own process group, so a timeout or interrupt can kill the children it spawned too.
      detached: true,
      env: commandEnv(ctx, launch.sandboxed ? SANDBOX_ENV : NON_INTERACTIVE_ENV),
    });
    // Settles when the command's streams have closed after its exit, or when it could not be started.
    const finished = new Promise<string | undefined>((resolve) => {
      sub.once("error", (e) => resolve(e.message));
      sub.once("close", () => resolve(undefined));
    });
    // A failed write to the lifeline (the supervisor is gone) is no error of ours.
    sub.stdin?.on("error", () => {});
    const pid = sub.pid;
    const processes = processesOf(ctx);
    if (pid !== undefined) processes.track(pid);

    let timedOut = false;
    let interrupted = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let escalate: NodeJS.Timeout | undefined;
    const stop = () => {
      if (pid === undefined) return;
      killGroup(pid, "SIGTERM");
      escalate ??= setTimeout(() => killGroup(pid, "SIGKILL"), KILL_GRACE_MS);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, timeout);
    const onAbort = () => {
      interrupted = true;
      stop();
    };
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    // An interrupt that landed while the sandbox was being probed must still stop the command.
    if (ctx.signal.aborted) onAbort();

    // stdout and stderr as one stream, in the order their chunks arrive (what a terminal shows).
    const onData = (bytes: Buffer) => {
      sniffer.push(bytes);
      const text = decoder.write(bytes);
      if (!text) return;
      out.push(text);
      // Binary bytes are not streamed to the user's screen either; the result describes them.
      if (!sniffer.startsBinary()) ctx.onOutput?.(text);
    };
    sub.stdout?.on("data", onData);
    sub.stderr?.on("data", onData);
    let drainTimer: NodeJS.Timeout | undefined;
    sub.on("exit", (code, signal) => {
      exit = { code, signal };
      // What the command left running in its group (`server &`, nohup) ends with it, as in the
      // sandbox, whose PID namespace dies with the command: once the supervisor has returned,
      // nothing would kill it when letta-code dies.
      if (pid !== undefined) killGroup(pid, "SIGKILL");
      // A background child (`server &`) may keep the pipe open forever; stop waiting for it.
      drainTimer = setTimeout(() => {
        sub.stdout?.destroy();
        sub.stderr?.destroy();
      }, DRAIN_AFTER_EXIT_MS);
    });

    let spawnError: string | undefined;
    try {
      const error = await finished;
      if (error !== undefined && exit === undefined) spawnError = error;
    } finally {
      clearTimeout(timer);
      clearTimeout(drainTimer);
      ctx.signal.removeEventListener("abort", onAbort);
      if (pid !== undefined) processes.untrack(pid);
      sub.stdin?.destroy();
      launch.release?.();
    }
    // The group's other members may outlive the shell after a kill; make sure they go too.
    if ((timedOut || interrupted) && pid !== undefined) {
      clearTimeout(escalate);
      killGroup(pid, "SIGKILL");
    }
    const tailText = decoder.end();
    if (tailText) out.push(tailText);
    if (spawnError) throw new ToolError(`Could not start the command: ${spawnError}`);

    const exitCode = exit?.code ?? null;
    // bwrap could not set up a sandbox it set up on an earlier run (user namespaces turned off since,
    // another container on the same home): the command never started. Probed afresh, it runs again,
    // sandboxed or as an unavailable sandbox says.
    if (launch.remembered && exitCode === 1 && !timedOut && !interrupted && out.kept().text.startsWith("bwrap: ")) {
      forgetRememberedSandbox();
      return runShellTool.run(args, ctx);
    }
    let status: string;
    if (timedOut) status = `timed out after ${timeout} ms, killed`;
    else if (interrupted) status = "interrupted";
    else if (exitCode === null) status = `killed by signal ${exit?.signal ?? "unknown"}`;
    else status = `exit code ${exitCode}`;

    // Like read_file with a binary file: what the bytes are, not the bytes (10 KB of NULs helps no model).
    const binary = sniffer.isBinary()
      ? `(binary output, ${describeBinary(sniffer.sample(), sniffer.totalBytes)}; not shown: redirect it to a file, or pipe it through \`xxd | head\`)`
      : undefined;
    const { text, gap } = binary ? { text: binary, gap: undefined } : out.kept();
    const modelOutput = stripAnsi(capOutput(text, {}, gap));
    const body = modelOutput.length ? `\n${modelOutput}` : " (no output)";
    const sandboxDenied = launch.sandboxed && !timedOut && !interrupted && looksDeniedBySandbox(exitCode, text);
    const denial = sandboxDenied ? `${modelOutput.endsWith("\n") ? "" : "\n"}${SANDBOX_DENIAL_NOTE}` : "";
    return {
      content: `${note}${status}${body}${denial}`,
      isError: timedOut || interrupted,
      ...(sandboxDenied ? { stoppedBySandbox: true } : {}),
      display: {
        kind: "shell",
        command: args.command,
        exitCode,
        output: binary ?? out.display(),
        timedOut,
        sandboxed: launch.sandboxed,
        ...(sandboxDenied ? { sandboxDenied: true } : {}),
      },
    };
  },
});
