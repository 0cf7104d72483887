import * as fs from "node:fs";
import * as path from "node:path";
import { LETTA_DIR } from "../config/project.js";

export interface SandboxStatus {
  available: boolean;
  /** Absolute path of bwrap when found. */
  bwrap?: string;
  /** Why it is unavailable, for the user notice. */
  reason?: string;
}

export const INSTALL_HINT = "install it with `apt-get install bubblewrap` (Debian/Ubuntu) or `dnf install bubblewrap` (Fedora)";

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

async function probe(): Promise<SandboxStatus> {
  if (process.platform !== "linux") return { available: false, reason: "bubblewrap sandboxing is only supported on Linux" };
  const bwrap = findOnPath("bwrap");
  if (!bwrap) return { available: false, reason: `bubblewrap (bwrap) not found on PATH: ${INSTALL_HINT}` };
  // The same namespaces and mounts a real run needs, minus the project bind.
  const args = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--unshare-all", "--die-with-parent", "--new-session", "true"];
  try {
    const { execa } = await import("execa");
    const r = await execa(bwrap, args, { reject: false, timeout: 5000, stdin: "ignore" });
    if (r.exitCode === 0) return { available: true, bwrap };
    const detail = String(r.stderr ?? "").trim().split("\n")[0] || `exit code ${r.exitCode}`;
    return { available: false, bwrap, reason: `bubblewrap cannot create a sandbox here (user namespaces unavailable?): ${detail}` };
  } catch (e) {
    return { available: false, bwrap, reason: `bubblewrap failed to start: ${(e as Error).message}` };
  }
}

/**
 * argv running `command` with a read-only view of the system, a writable project, a private /tmp
 * and no network. The project's .letta/ stays read-only: it is the memory store the agent process
 * has open, and only the memory tools should change it.
 */
export function wrapSandboxed(command: string, projectRoot: string, bwrap = "bwrap"): string[] {
  let root = path.resolve(projectRoot);
  try {
    root = fs.realpathSync(root);
  } catch {
    // Keep the lexical path; bwrap will report it if it does not exist.
  }
  const argv = [bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"];
  // /tmp before the project bind: a project under /tmp must not be hidden by the fresh tmpfs.
  argv.push("--tmpfs", "/tmp", "--bind", root, root);
  const letta = path.join(root, LETTA_DIR);
  if (fs.existsSync(letta)) argv.push("--ro-bind", letta, letta);
  argv.push("--unshare-all", "--die-with-parent", "--new-session", "--chdir", root, "bash", "-c", command);
  return argv;
}
