import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * Whether git tracks `file` in the repository at `root`: a committed file is the repository's,
 * whatever its name says. Run with the repository's own config defanged (a planted fsmonitor must
 * not run) and `safe.directory=*`, so a checkout owned by another user is still answered, not
 * refused. No repository, no git, or any failure: not tracked, since nothing a clone brings can be
 * untracked in it.
 */
export function isTrackedByGit(root: string, file: string): boolean {
  if (!existsSync(join(root, ".git"))) return false;
  const env: NodeJS.ProcessEnv = {};
  // The user's GIT_DIR or GIT_INDEX_FILE would answer about another repository.
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("GIT_")) env[k] = v;
  const r = spawnSync(
    "git",
    ["-c", "safe.directory=*", "-c", "core.fsmonitor=false", "ls-files", "--error-unmatch", "--", relative(root, file)],
    { cwd: root, env, stdio: "ignore", timeout: 5000 },
  );
  return r.status === 0;
}
