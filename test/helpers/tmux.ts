/**
 * A small tmux driver for keystroke-level end-to-end tests of the TUI.
 *
 * Every session runs on its own tmux server (a private socket under a temp dir, no user config), so
 * tests never see each other's panes nor the developer's tmux. All tmux calls are asynchronous: the
 * scripted LLM server usually lives in the same process as the test, and a blocking call would
 * stall its replies.
 *
 * The command runs wrapped as `CMD; echo "[exited N]"; sleep`, so the pane survives the process and
 * a test can read the exit code (and any crash output) from the screen.
 */
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";
import { startScriptedServer, type ScriptedServer } from "./llm-server.mjs";
import { afterEachTest } from "./after-each.js";

const TARGET = "tui";
const EXIT_MARK = /\[exited (\d+)\]/;

let tmuxChecked: string | null = null;

/** A last guard (suites skip or fail earlier through requires.ts): throws when tmux is missing. Returns `tmux -V`. */
export function requireTmux(): string {
  if (tmuxChecked) return tmuxChecked;
  const r = spawnSync("tmux", ["-V"], { encoding: "utf8" });
  if (r.error || r.status !== 0) {
    throw new Error(
      "tmux is not installed (or not on PATH): the TUI end-to-end tests drive the real CLI in tmux. " +
        "Install it, e.g. `apt-get install -y tmux` (.ci/run does this), then run the tests again.",
    );
  }
  tmuxChecked = r.stdout.trim();
  return tmuxChecked;
}

/** Quote one word for /bin/sh. */
export function shQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** `env -i K=V … argv…`: a command line that runs with exactly `env` and nothing inherited. */
export function cleanEnvCommand(argv: string[], env: Record<string, string>): string {
  const vars = Object.entries(env).map(([k, v]) => shQuote(`${k}=${v}`));
  return ["env", "-i", ...vars, ...argv.map(shQuote)].join(" ");
}

export interface StartOptions {
  /** Shell command line (run by /bin/sh -c). Use cleanEnvCommand to control the environment. */
  command: string;
  cwd?: string;
  cols?: number;
  rows?: number;
}

export interface ScreenOptions {
  /** waitFor only: keep waiting even after the command exited (default: fail at once, showing why it exited). */
  allowExit?: boolean;
  /** Include up to this many lines of scrollback (capture-pane -S -N); default none. */
  scrollback?: number;
  /** Join lines the terminal wrapped (-J): a row longer than the pane shows up as one long line. */
  join?: boolean;
  /** Keep escape sequences for text attributes and colours (-e). */
  escapes?: boolean;
}

export type Expectation = string | RegExp | ((screen: string) => boolean);

const live = new Set<TmuxSession>();

function tmuxEnv(): NodeJS.ProcessEnv {
  // A minimal environment for the tmux server itself: no $TMUX (we may run inside tmux), a plain shell.
  return { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: tmpdir(), SHELL: "/bin/sh", LANG: "C.UTF-8", TERM: "xterm-256color" };
}

export class TmuxSession {
  private killed = false;
  private constructor(
    private readonly dir: string,
    private readonly socket: string,
    readonly cols: number,
    readonly rows: number,
  ) {}

  /** Start a detached session of `cols` x `rows` running `command`. */
  static async start(opts: StartOptions): Promise<TmuxSession> {
    requireTmux();
    const dir = mkdtempSync(join(tmpdir(), "letta-tmux-"));
    const socket = join(dir, "sock");
    const cols = opts.cols ?? 100;
    const rows = opts.rows ?? 30;
    const s = new TmuxSession(dir, socket, cols, rows);
    live.add(s);
    const wrapped = `${opts.command}; echo "[exited $?]"; exec sleep 3600`;
    const args = ["new-session", "-d", "-s", TARGET, "-x", String(cols), "-y", String(rows)];
    if (opts.cwd) args.push("-c", opts.cwd);
    args.push(wrapped);
    try {
      await s.tmux(args);
    } catch (e) {
      s.kill();
      throw e;
    }
    return s;
  }

  private tmux(args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile("tmux", ["-S", this.socket, "-f", "/dev/null", ...args], { env: tmuxEnv(), encoding: "utf8", maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`tmux ${args[0]} failed: ${stderr || err.message}`));
        else resolve(stdout);
      });
    });
  }

  /** Type literal text (no key names interpreted). Send Enter separately with press("Enter"). */
  async type(text: string): Promise<void> {
    await this.tmux(["send-keys", "-t", TARGET, "-l", "--", text]);
  }

  /** Press keys by tmux name: Enter, Escape, C-c, Up, Down, BTab, Tab, BSpace, 1… Each is its own send-keys. */
  async press(...keys: string[]): Promise<void> {
    for (const k of keys) await this.tmux(["send-keys", "-t", TARGET, k]);
  }

  /** The pane's text (capture-pane -p), trailing blank lines dropped. */
  async screen(opts: ScreenOptions = {}): Promise<string> {
    const args = ["capture-pane", "-p", "-t", TARGET];
    if (opts.join) args.push("-J");
    if (opts.escapes) args.push("-e");
    if (opts.scrollback) args.push("-S", String(-opts.scrollback));
    const out = await this.tmux(args);
    return out.replace(/\s+$/, "") + "\n";
  }

  /**
   * Poll the screen every ~50 ms until it shows `expected` (text, regex or predicate). Returns the
   * matching screen. On timeout, throws with what the screen showed last.
   */
  async waitFor(expected: Expectation, timeoutMs = 10_000, opts: ScreenOptions = {}): Promise<string> {
    const test = typeof expected === "string" ? (s: string) => s.includes(expected) : expected instanceof RegExp ? (s: string) => expected.test(s) : expected;
    const deadline = Date.now() + timeoutMs;
    let last = "";
    for (;;) {
      let captured = true;
      try {
        last = await this.screen(opts);
      } catch (e) {
        captured = false;
        last = `(capture failed: ${(e as Error).message})`;
      }
      if (captured) {
        if (test(last)) return last;
        if (!opts.allowExit && EXIT_MARK.test(last)) {
          throw new Error(`The command exited while waiting for ${describe(expected)} on the tmux screen. Screen:\n${frame(last)}`);
        }
      }
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`Timed out after ${timeoutMs} ms waiting for ${describe(expected)} on the tmux screen (${this.cols}x${this.rows}). Screen:\n${frame(last)}`);
  }

  /** Wait for the command to exit; returns its exit code. */
  async waitForExit(timeoutMs = 10_000): Promise<number> {
    const s = await this.waitFor(EXIT_MARK, timeoutMs, { scrollback: 500, allowExit: true });
    return Number(EXIT_MARK.exec(s)![1]);
  }

  /** Kill the tmux server (and with it the command) and remove the socket dir. Safe to call twice. */
  kill(): void {
    if (this.killed) return;
    this.killed = true;
    live.delete(this);
    // Synchronous on purpose: it must also work from a process 'exit' handler.
    const tree = this.paneProcesses();
    try {
      execFileSync("tmux", ["-S", this.socket, "kill-server"], { env: tmuxEnv(), stdio: "ignore", timeout: 5000 });
    } catch {
      // already gone
    }
    // The CLI ends its session on SIGHUP (it may still write .letta/ for a moment): wait for it, so
    // the test's temp project is removed after the last write, not during it.
    waitGone(tree, 8000);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The pane's process and all its descendants, read from /proc (empty when tmux or /proc is gone). */
  private paneProcesses(): number[] {
    let root: number;
    try {
      root = Number(execFileSync("tmux", ["-S", this.socket, "display-message", "-p", "-t", TARGET, "#{pane_pid}"], { env: tmuxEnv(), encoding: "utf8", timeout: 5000 }).trim());
    } catch {
      return [];
    }
    if (!Number.isInteger(root) || root <= 0) return [];
    const children = new Map<number, number[]>();
    for (const entry of safeReaddir("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        // Field 4 of /proc/PID/stat is the parent; the name (field 2) may hold spaces, so split after its ')'.
        const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
      } catch {
        // exited while we looked
      }
    }
    const out: number[] = [];
    const todo = [root];
    while (todo.length) {
      const pid = todo.pop()!;
      out.push(pid);
      todo.push(...(children.get(pid) ?? []));
    }
    return out;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Running, not a zombie nobody reaps yet (a container's pid 1 may never reap one). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** Block until every pid has exited, at most `timeoutMs`; then SIGKILL what is left. */
function waitGone(pids: number[], timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  const nap = new Int32Array(new SharedArrayBuffer(4));
  let left = pids.filter(alive);
  while (left.length && Date.now() < deadline) {
    Atomics.wait(nap, 0, 0, 25);
    left = left.filter(alive);
  }
  for (const pid of left) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone meanwhile
    }
  }
}

function describe(expected: Expectation): string {
  return typeof expected === "function" ? "the expected condition" : JSON.stringify(String(expected));
}

function frame(screen: string): string {
  const lines = screen.replace(/\n$/, "").split("\n");
  return ["┌" + "─".repeat(20), ...lines.map((l) => "│" + l), "└" + "─".repeat(20)].join("\n");
}

/** Kill every session still running (run after each test, see after-each.ts; tests may call it too). */
export function killAllSessions(): void {
  for (const s of [...live]) s.kill();
}

afterEachTest("tmux sessions", 1, () => killAllSessions());
process.once("exit", killAllSessions);

/** Node + Ink start in ~1 s here; much more when the whole suite runs on two busy cores. */
export const TUI_START_MS = 20_000;
export const TUI_STEP_MS = 10_000;
/** The input's idle placeholder: the TUI is ready for a message. */
export const TUI_READY = "Type a message";

/**
 * A fresh scripted model server for each test of a tmux suite (handed to `use`), and every tmux
 * session killed after it.
 */
export function scriptedServerPerTest(use: (server: ScriptedServer) => void): void {
  let server: ScriptedServer | undefined;
  beforeEach(async () => {
    server = await startScriptedServer();
    use(server);
  });
  afterEach(async () => {
    killAllSessions();
    await server?.close();
  });
}
