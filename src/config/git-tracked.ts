import { childProcess } from "../lazy-builtins.js";
import { existsSync, realpathSync } from "node:fs";
import { isAbsolute, join, relative, sep } from "node:path";

/**
 * Whether git tracks `file` in the repository at `root`: a committed file is the repository's,
 * whatever its name says. So is a file reached through a committed link or submodule: a repository
 * that commits `.letta` as a link to a folder of its own (or as a submodule) ships the file under
 * another name, and git, asked about `.letta/config.local.json` alone, says it knows no such file.
 * Every leading part of the path, as written and as resolved, is asked about.
 *
 * Run with the repository's own config defanged (a planted fsmonitor must not run) and
 * `safe.directory=*`, so a checkout owned by another user is still answered, not refused. No
 * repository, no git, or any failure: not tracked, since nothing a clone brings can be untracked in it.
 */
export function isTrackedByGit(root: string, file: string): boolean {
  if (!existsSync(join(root, ".git"))) return false;
  const asked = new Set<string>();
  const addWithParents = (rel: string) => {
    if (!rel || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return;
    const parts = rel.split(sep);
    for (let i = 1; i <= parts.length; i++) asked.add(parts.slice(0, i).join("/"));
  };
  addWithParents(relative(root, file));
  try {
    addWithParents(relative(realpathSync(root), realpathSync(file)));
  } catch {
    // missing or dangling: the path as written is all there is to ask about
  }
  if (!asked.size) return false;
  const env: NodeJS.ProcessEnv = {};
  // The user's GIT_DIR or GIT_INDEX_FILE would answer about another repository.
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("GIT_")) env[k] = v;
  const r = childProcess().spawnSync(
    "git",
    ["-c", "safe.directory=*", "-c", "core.fsmonitor=false", "ls-files", "-z", "--", ...[...asked].map((p) => `:(literal)${p}`)],
    { cwd: root, env, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 5000 },
  );
  if (r.status !== 0 || typeof r.stdout !== "string") return false;
  // A folder asked about lists what git tracks under it: only an entry at one of the asked paths
  // itself (the file, a link, a submodule) makes the file the repository's.
  return r.stdout.split("\0").some((p) => asked.has(p));
}
