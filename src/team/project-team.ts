import { childProcess } from "../lazy-builtins.js";
import type { Project } from "../agent/open-project.js";
import type { TeamLink } from "./sync.js";

/**
 * A project's identity in the team database: its repository's root commit, the same in every clone
 * (the oldest root when a history has several). Undefined outside git or before the first commit.
 */
export function rootCommit(root: string): string | undefined {
  try {
    const out = childProcess().execFileSync("git", ["rev-list", "--max-parents=0", "HEAD"], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 5000,
    });
    const roots = out.split("\n").filter(Boolean).sort();
    return roots[0];
  } catch {
    return undefined;
  }
}

/** The project's team link from the user's config, or undefined when it has not joined one. */
export function teamLink(project: Project): TeamLink | undefined {
  const t = project.config.team;
  if (!t) return undefined;
  const name = t.project ?? rootCommit(project.root);
  return name ? { url: t.url, project: name } : undefined;
}

