/**
 * A bubblewrap probe that succeeded, remembered across runs: the probe (a sandboxed `true`) cost ~6 ms
 * of the first command of every run. Only success is kept, and only for the same bwrap binary, kernel,
 * host, user and user-namespace settings; a stale one can only make a sandboxed command fail at bwrap's
 * own set-up, never run one unsandboxed, and the shell tool then forgets it and probes again.
 */
import { mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { hostname, release } from "node:os";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "../config/atomic-write.js";
import { userCacheDir } from "../config/user-dirs.js";

// What allows unprivileged user namespaces, where the kernel has the knob (Debian, Ubuntu's AppArmor).
const USERNS_SETTINGS = ["/proc/sys/kernel/unprivileged_userns_clone", "/proc/sys/user/max_user_namespaces", "/proc/sys/kernel/apparmor_restrict_unprivileged_userns"];

const memoFile = (env: NodeJS.ProcessEnv) => join(userCacheDir(env), "sandbox-probe.json");

/** What a probe's answer holds for; undefined when bwrap cannot be examined (then it is probed). */
export function probeConditions(bwrap: string): string | undefined {
  try {
    const st = statSync(bwrap);
    const settings = USERNS_SETTINGS.map((f) => {
      try {
        return readFileSync(f, "utf8").trim();
      } catch {
        return null;
      }
    });
    return JSON.stringify({ bwrap, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, kernel: release(), host: hostname(), uid: process.getuid?.(), settings });
  } catch {
    return undefined;
  }
}

export function probeRemembered(conditions: string, env: NodeJS.ProcessEnv = process.env): boolean {
  try {
    return (JSON.parse(readFileSync(memoFile(env), "utf8")) as { available?: unknown }).available === conditions;
  } catch {
    return false;
  }
}

export function rememberProbe(conditions: string, env: NodeJS.ProcessEnv = process.env): void {
  try {
    mkdirSync(dirname(memoFile(env)), { recursive: true });
    writeFileAtomic(memoFile(env), `${JSON.stringify({ available: conditions })}\n`, 0o600);
  } catch {
    // Not writable (a read-only home): probed again next run.
  }
}

export function forgetProbe(env: NodeJS.ProcessEnv = process.env): void {
  rmSync(memoFile(env), { force: true });
}
