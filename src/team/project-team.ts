import { execFileSync } from "node:child_process";
import type { Project } from "../agent/open-project.js";
import { DEFAULT_AGENT_NAME } from "../agent/agent-seeding.js";
import { TeamSync, type TeamLink } from "./sync.js";

/**
 * A project's identity in the team database: its repository's root commit, the same in every clone
 * (the oldest root when a history has several). Undefined outside git or before the first commit.
 */
export function rootCommit(root: string): string | undefined {
  try {
    const out = execFileSync("git", ["rev-list", "--max-parents=0", "HEAD"], {
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

/** The sync for a joined project: pulled events apply to the agent of the same name (the default one is made if missing). */
export function teamSyncFor(project: Project, link = teamLink(project)): TeamSync | undefined {
  if (!link) return undefined;
  return new TeamSync(project.store, link, (name) => {
    const found = project.store.agents.byName(name);
    if (found) return found.id;
    return name === DEFAULT_AGENT_NAME ? project.resolveAgent(name, true).id : undefined;
  });
}
