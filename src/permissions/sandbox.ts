import * as fs from "node:fs";
import * as path from "node:path";
import { LETTA_DIR } from "../config/project.js";
import { userStateDirs } from "../config/user-dirs.js";
import { childProcess } from "../lazy-builtins.js";
import { forgetProbe, probeConditions, probeRemembered, rememberProbe } from "./sandbox-memo.js";

export interface SandboxStatus {
  available: boolean;
  /** Absolute path of bwrap when found. */
  bwrap?: string;
  /** Why it is unavailable, for the user notice. */
  reason?: string;
  /** Not probed by this run: an earlier one's success, under the same conditions (sandbox-memo.ts). */
  remembered?: boolean;
}

export interface SandboxOptions {
  /** Share the host's network namespace (default false: no network at all). */
  network?: boolean;
  /** --add-dir folders: bound writable like the project, their .git and .letta read-only. */
  writable?: readonly string[];
}

export const INSTALL_HINT = "install it with `apt-get install bubblewrap` (Debian/Ubuntu) or `dnf install bubblewrap` (Fedora)";

/**
 * Isolation every sandboxed run gets. A fresh user namespace with every capability dropped is what
 * makes it hold as root: bwrap run by root otherwise keeps root's capabilities inside, and a command
 * could simply remount `/` read-write or unmount the read-only `.letta`. Mounts that bwrap sets up
 * from a parent namespace are locked, so not even a capable process in this one could undo them;
 * nested user namespaces are refused so none can be created to try.
 */
const ISOLATION = ["--unshare-user", "--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-cgroup-try", "--disable-userns", "--cap-drop", "ALL"];

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

let cached: Promise<SandboxStatus> | undefined;

/**
 * Whether bubblewrap can actually sandbox here. Being on PATH is not enough: containers and some
 * distributions forbid unprivileged user namespaces, so a trivial sandboxed `true` is run once.
 */
export function detectSandbox(): Promise<SandboxStatus> {
  cached ??= probe();
  return cached;
}

/** Forget the cached probe (tests, or after the user installed bubblewrap mid-session). */
export function resetSandboxDetection(): void {
  cached = undefined;
}

/** A remembered success that no longer holds (bwrap could not set a sandbox up): the next command probes. */
export function forgetRememberedSandbox(): void {
  forgetProbe();
  resetSandboxDetection();
}

async function probe(): Promise<SandboxStatus> {
  if (process.platform !== "linux") return { available: false, reason: "bubblewrap sandboxing is only supported on Linux" };
  const bwrap = findOnPath("bwrap");
  if (!bwrap) return { available: false, reason: `bubblewrap (bwrap) not found on PATH: ${INSTALL_HINT}` };
  const conditions = probeConditions(bwrap);
  if (conditions && probeRemembered(conditions)) return { available: true, bwrap, remembered: true };
  // The same namespaces and mounts a real run needs, minus the project bind: an old bwrap without
  // --disable-userns fails here, rather than every command failing later.
  const args = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--unshare-net", ...ISOLATION, "--die-with-parent", "--new-session", "true"];
  const r = await runProbe(bwrap, args);
  if (!("error" in r) && r.code === 0) {
    if (conditions) rememberProbe(conditions);
    return { available: true, bwrap };
  }
  forgetProbe();
  if ("error" in r) return { available: false, bwrap, reason: `bubblewrap failed to start: ${r.error}` };
  const detail = r.stderr.trim().split("\n")[0] || (r.code === null ? "killed after 5 s" : `exit code ${r.code}`);
  return { available: false, bwrap, reason: `bubblewrap cannot create a sandbox here (user namespaces unavailable, or bubblewrap older than 0.8?): ${detail}` };
}

/** Run the probe with no stdin, killed after 5 s: its exit code and the start of what it said on stderr. */
function runProbe(file: string, args: string[]): Promise<{ code: number | null; stderr: string } | { error: string }> {
  return new Promise((resolve) => {
    const child = childProcess().spawn(file, args, { stdio: ["ignore", "ignore", "pipe"], timeout: 5000 });
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => {
      if (stderr.length < 4096) stderr += d.toString("utf8");
    });
    child.once("error", (e) => resolve({ error: e.message }));
    child.once("close", (code) => resolve({ code, stderr }));
  });
}

/** Below `root`, not `root` itself ("..foo" is a child named "..foo"). */
function strictlyInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel !== "" && rel !== ".." && !rel.startsWith(".." + path.sep) && !path.isAbsolute(rel);
}

/**
 * Where a `.git` *file* (a worktree's or submodule's `gitdir: …` pointer) leads, when that is inside
 * the project: the repository there must be as read-only as a plain `.git/` would be. A worktree's
 * `commondir` (the main repository) is followed too.
 */
function gitDirsBehindFile(gitFile: string, root: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(gitFile, "utf8");
  } catch {
    return [];
  }
  const m = /^gitdir:\s*(.+?)\s*$/m.exec(text);
  if (!m) return [];
  const dirs: string[] = [];
  const add = (p: string) => {
    let real: string;
    try {
      real = fs.realpathSync(p);
    } catch {
      return;
    }
    if (strictlyInside(root, real) && fs.statSync(real).isDirectory()) dirs.push(real);
    return real;
  };
  const gitdir = add(path.resolve(path.dirname(gitFile), m[1]));
  if (gitdir) {
    try {
      const common = fs.readFileSync(path.join(gitdir, "commondir"), "utf8").trim();
      if (common) add(path.resolve(gitdir, common));
    } catch {
      // not a worktree
    }
  }
  return dirs;
}

/**
 * letta-code's own user state, when the project contains it (a project at $HOME): the trust record
 * and user config there decide what runs unasked, so a command must never write them. A missing
 * folder is made first, or a command could create it with a trust record of its own.
 */
export function userStateInProject(root: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const out: string[] = [];
  for (const dir of userStateDirs(env)) {
    const abs = path.resolve(dir);
    if (!strictlyInside(root, abs)) continue;
    try {
      fs.mkdirSync(abs, { recursive: true, mode: 0o700 });
      out.push(fs.realpathSync(abs));
    } catch {
      // Unmakeable (a file in the way, no rights): the file tools still refuse it by name.
    }
  }
  return out;
}

/** Paths inside the project that commands must not change: the memory store and git's own data. */
export function readOnlyInProject(root: string): string[] {
  const out: string[] = [];
  const letta = path.join(root, LETTA_DIR);
  if (fs.existsSync(letta)) out.push(letta);
  const git = path.join(root, ".git");
  let st: fs.Stats | undefined;
  try {
    st = fs.lstatSync(git);
  } catch {
    st = undefined;
  }
  if (st?.isDirectory()) out.push(git);
  else if (st?.isSymbolicLink()) {
    // Its target, when that lies inside the project (outside, it is read-only already).
    try {
      const real = fs.realpathSync(git);
      if (strictlyInside(root, real) && fs.statSync(real).isDirectory()) out.push(real);
    } catch {
      // dangling: nothing to protect
    }
  } else if (st?.isFile()) {
    // The pointer itself too, or a command could point it at a repository of its own making.
    out.push(git, ...gitDirsBehindFile(git, root));
  }
  return out;
}

/**
 * `.git` at the project root (or an added folder; there `.letta` too) when there is none: a command could `git init` there and set
 * `core.fsmonitor` or a hook, which the next git on the host (the user's, or ours) would run. A
 * read-only empty tmpfs stands in its place. bwrap makes the mount point on the host, as an empty
 * directory; see `sandboxedLaunch` for taking it away again. A root the command cannot write to
 * needs nothing (and bwrap could not make the mount point there).
 */
function missingGitDir(root: string, name = ".git"): string | undefined {
  const git = path.join(root, name);
  try {
    fs.lstatSync(git);
    return undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") return undefined;
  }
  try {
    fs.accessSync(root, fs.constants.W_OK);
  } catch {
    return undefined;
  }
  return git;
}

/** With network allowed, name resolution must survive the private /run (systemd-resolved keeps resolv.conf there). */
function resolverUnderRun(): string[] {
  try {
    const dir = path.dirname(fs.realpathSync("/etc/resolv.conf"));
    if (dir === "/run" || !dir.startsWith("/run/")) return [];
    return ["--ro-bind", dir, dir];
  } catch {
    return [];
  }
}

/**
 * argv running `command` with a read-only view of the system, a writable project, a private /tmp
 * and /run, no capabilities and (unless `opts.network`) no network. The project's .letta/ stays
 * read-only: it is the memory store the agent process has open, and only the memory tools should
 * change it. .git/ stays read-only, and a missing one cannot be made: hooks and config
 * (core.fsmonitor, …) run code the next time the user runs git outside the sandbox.
 */
export function wrapSandboxed(command: string, projectRoot: string, bwrap = "bwrap", opts: SandboxOptions = {}): string[] {
  return sandboxArgv(command, realRoot(projectRoot), bwrap, opts).argv;
}

function realRoot(projectRoot: string): string {
  const root = path.resolve(projectRoot);
  try {
    return fs.realpathSync(root);
  } catch {
    // Keep the lexical path; bwrap will report it if it does not exist.
    return root;
  }
}

/** Sandboxes of this process standing on a `.git` placeholder, per placeholder path. */
const placeholderUsers = new Map<string, number>();

/**
 * `wrapSandboxed`, plus `release()` to call once the command has exited: the last sandbox of this
 * process on a `.git` placeholder removes it, if it is still the empty directory bwrap made (the
 * user may have run `git init` on the host meanwhile). Without the call the empty directory stays,
 * still read-only to the next sandbox: safe, just untidy.
 */
export function sandboxedLaunch(command: string, projectRoot: string, bwrap = "bwrap", opts: SandboxOptions = {}): { argv: string[]; release: () => void } {
  const { argv, placeholders } = sandboxArgv(command, realRoot(projectRoot), bwrap, opts);
  if (!placeholders.length) return { argv, release: () => undefined };
  for (const p of placeholders) placeholderUsers.set(p, (placeholderUsers.get(p) ?? 0) + 1);
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    for (const placeholder of placeholders) {
      const left = (placeholderUsers.get(placeholder) ?? 1) - 1;
      if (left > 0) {
        placeholderUsers.set(placeholder, left);
        continue;
      }
      placeholderUsers.delete(placeholder);
      try {
        if (fs.lstatSync(placeholder).isDirectory() && fs.readdirSync(placeholder).length === 0) fs.rmdirSync(placeholder);
      } catch {
        // Already gone, or no longer ours to remove.
      }
    }
  };
  return { argv, release };
}

function sandboxArgv(command: string, root: string, bwrap: string, opts: SandboxOptions): { argv: string[]; placeholders: string[] } {
  const argv = [bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"];
  // /tmp and /run before the project bind: a project under either must not be hidden by the fresh
  // tmpfs. /run holds daemons' sockets (dbus, databases), reachable even without a network.
  argv.push("--tmpfs", "/tmp", "--tmpfs", "/run", "--bind", root, root);
  for (const d of opts.writable ?? []) argv.push("--bind", d, d);
  for (const p of [root, ...(opts.writable ?? [])].flatMap((r) => [...readOnlyInProject(r), ...userStateInProject(r)])) argv.push("--ro-bind", p, p);
  // An added folder is a project of its own to the user's next git (or letta-code) there: a `.git` or
  // a `.letta/config.local.json` (whose hooks are the user's) made in it must not appear either.
  const placeholders = [missingGitDir(root), ...(opts.writable ?? []).flatMap((d) => [missingGitDir(d), missingGitDir(d, LETTA_DIR)])].filter(
    (p): p is string => p !== undefined,
  );
  for (const p of placeholders) argv.push("--tmpfs", p, "--remount-ro", p);
  if (!opts.network) argv.push("--unshare-net");
  else argv.push(...resolverUnderRun());
  argv.push(...ISOLATION, "--die-with-parent", "--new-session", "--chdir", root, "bash", "-c", command);
  return { argv, placeholders };
}

// What commands print when the sandbox, not the command, is why they failed.
const DENIAL_SIGNS = [
  "Read-only file system",
  "EROFS",
  "Network is unreachable",
  "ENETUNREACH",
  "Could not resolve host",
  "getaddrinfo EAI_AGAIN",
  "Temporary failure in name resolution",
];

/** True when a failed sandboxed command's output shows the sandbox stopped it. */
export function looksDeniedBySandbox(exitCode: number | null, output: string): boolean {
  return exitCode !== 0 && DENIAL_SIGNS.some((s) => output.includes(s));
}

/** Told to the model with such a result, so it can explain and let the user decide. */
export const SANDBOX_DENIAL_NOTE =
  "(sandboxed: the file system outside the project, .git and .letta are read-only and there is no network; " +
  "the user can allow network with --sandbox-network or run unsandboxed with --sandbox off)";
