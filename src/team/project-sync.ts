import type { Project } from "../agent/open-project.js";
import { DEFAULT_AGENT_NAME } from "../agent/agent-seeding.js";
import { teamLink } from "./project-team.js";
import { TeamSync } from "./sync.js";

/** The sync for a joined project: pulled events apply to the agent of the same name (the default one is made if missing). */
export function teamSyncFor(project: Project, link = teamLink(project)): TeamSync | undefined {
  if (!link) return undefined;
  return new TeamSync(project.store, link, (name) => {
    const found = project.store.agents.byName(name);
    if (found) return found.id;
    return name === DEFAULT_AGENT_NAME ? project.resolveAgent(name, true).id : undefined;
  });
}
